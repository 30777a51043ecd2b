"""Every seed and dev text against its gold annotation, with the scorer's matching rules re-stated here."""

import json
import re
import unicodedata
from pathlib import Path

import pytest

from directives.parsing import parse_directive

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
CASES = [(CORPUS / "seeds", p) for p in sorted((CORPUS / "gold").glob("*.json"))] + [
    (CORPUS / "dev", p) for p in sorted((CORPUS / "dev" / "gold").glob("*.json"))
]
OLD_TONES = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy"}
MARKER = re.compile(r"^\s*(?:(?:\d+\.)*\d+[.)]?|[ivxlc]+[.)]|\(\d+\)|\([ivx]+\)|[a-zđ]\)|[-–—•+*])\s+")
ORDINAL = re.compile(r"^(trước hết|thứ nhất|thứ hai|thứ ba|thứ tư|thứ năm|thứ sáu)\s*[,:.]?\s*")


def norm(text):
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().casefold()
    for old, new in OLD_TONES.items():
        text = text.replace(old, new)
    return re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰*]", "", text)


def stripped(text):
    text = norm(text)
    for _ in range(3):
        text = ORDINAL.sub("", MARKER.sub("", text))
    return text.strip()


def match(gold_tasks, pred_tasks):
    pairs, used = {}, set()
    for gi, g in enumerate(gold_tasks):
        start = stripped(g["text_start"])
        for pi, p in enumerate(pred_tasks):
            text = stripped(p["text"])
            if pi not in used and text and (text.startswith(start) or (len(text) >= 20 and start.startswith(text))):
                pairs[gi] = pi
                used.add(pi)
                break
    return pairs


def same_body(gold, pred):
    g, p = norm(gold), norm(pred)
    return bool(g and p) and (p.startswith(g) or g.startswith(p))


def _tasks_scored(gold_path: Path) -> bool:
    return json.loads(gold_path.read_text(encoding="utf-8")).get("tasks_scored", True)


# News reports (results and directions in prose) have no task list to score.
TASK_CASES = [c for c in CASES if _tasks_scored(c[1])]


def _parse_case(param):
    folder, gold_path = param
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = (folder / gold["source"]).read_text(encoding="utf-8")
    return gold, parse_directive(text).to_dict()


@pytest.fixture(scope="module", params=CASES, ids=lambda c: c[1].stem)
def case(request):
    return _parse_case(request.param)


@pytest.fixture(scope="module", params=TASK_CASES, ids=lambda c: c[1].stem)
def task_case(request):
    return _parse_case(request.param)


def test_it_finds_every_required_task_with_its_path_deadline_and_bodies(task_case):
    gold, pred = task_case
    pairs = match(gold["tasks"], pred["tasks"])
    for gi, g in enumerate(gold["tasks"]):
        if g.get("optional"):
            continue
        assert gi in pairs, f"missed {g['ref']} {g['text_start']}"
        p = pred["tasks"][pairs[gi]]
        assert p["ref"] == g["ref"]
        if g.get("due"):
            assert p["due"] == g["due"], g["ref"]
        if g.get("text_contains"):
            assert norm(g["text_contains"]) in norm(p["text"])
        for role in ("lead", "support"):
            for body in g.get(role) or []:
                assert any(same_body(body, b) for b in p[role]), f"{g['ref']} {role} {body}"


def test_it_predicts_no_task_the_gold_does_not_list(task_case):
    gold, pred = task_case
    assert len(match(gold["tasks"], pred["tasks"])) == len(pred["tasks"])


def test_it_reads_the_document_fields_and_period(case):
    gold, pred = case
    for key, value in gold["document"].items():
        if value is None:
            continue
        got = norm(str(pred["document"][key] or ""))
        want = norm(value)
        if key == "title":
            got, want = (re.sub(r"^(v/v|về việc)\s*", "", x).rstrip(" .;") for x in (got, want))
        assert got == want, key
    for key, value in (gold.get("period") or {}).items():
        assert pred["period"].get(key) == value


def test_it_lists_the_cited_documents_and_ratio_figures(case):
    gold, pred = case

    def key(ref):
        ref = ref["number"] if isinstance(ref, dict) else ref
        nums = re.findall(r"\d+", ref)
        return (str(int(nums[0])), re.sub(r"[\d\s/.-]", "", ref).upper()[:2]) if nums else (ref,)

    want = {key(r) for r in gold["references"]}
    got = {key(r) for r in pred["references"]}
    assert want <= got
    assert len(got - want) == 0
    figures = {(f["achieved"], f["total"]) for f in pred["figures"]}
    for f in gold["figures"]:
        assert (f["achieved"], f["total"]) in figures
    assert len(figures) == len(gold["figures"])
