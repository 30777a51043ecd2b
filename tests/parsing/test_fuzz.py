"""Any text, including shuffled corpus fragments, parses to the contract's shape without raising."""

import datetime as dt
import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives.parsing import parse_directive

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus"
FRAGMENTS = [
    line
    for path in sorted(CORPUS.glob("**/*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
][:3000]
DOC_KEYS = {"kind", "number", "title", "issuer", "meeting_date", "issued_on", "signer"}
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")

texts = st.one_of(
    st.text(max_size=2000),
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("\n".join),
    st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(["", "|", "**", "1.", "- ", "(1)", "a)", "II."])),
        max_size=80,
    ).map("\n".join),
)


def check_shape(data):
    assert set(data) == {"document", "period", "tasks", "figures", "references", "warnings"}
    assert all(isinstance(w, str) for w in data["warnings"])
    assert set(data["document"]) == DOC_KEYS
    for key in ("meeting_date", "issued_on"):
        assert data["document"][key] is None or ISO.match(data["document"][key])
    assert isinstance(data["period"], dict)
    for t in data["tasks"]:
        assert isinstance(t["ref"], str) and t["ref"] and isinstance(t["text"], str)
        assert t["due"] is None or ISO.match(t["due"])
        assert all(isinstance(b, str) for b in t["lead"] + t["support"])
    for f in data["figures"]:
        assert f["total"] > 0 and isinstance(f["unit"], str)
    for r in data["references"]:
        assert r["number"] and (r["date"] is None or ISO.match(r["date"]))


@settings(deadline=dt.timedelta(seconds=2), max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_any_text_gives_the_contract_shape(text):
    check_shape(parse_directive(text, today=dt.date(2025, 1, 1)).to_dict())


def test_the_benchmark_reports_a_median_per_size_without_reading_tests():
    from directives.parsing.bench import benchmark_parse, corpus_like_text

    assert len(corpus_like_text(5_000)) <= 5_100
    report = benchmark_parse(sizes=(2_000, 4_000), repeat=1)
    assert set(report) == {2_000, 4_000} and all(ms >= 0 for ms in report.values())
