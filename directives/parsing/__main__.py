"""python -m directives.parsing PATH [--json]: parse a directive file and print the draft."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import ParseInputError, decode_upload, parse_directive


def outline(data: dict) -> str:
    doc = data["document"]
    out = [f"{k}: {v}" for k, v in doc.items() if v]
    out.append(f"period: {data['period']}")
    out.append(f"tasks ({len(data['tasks'])}):")
    for t in data["tasks"]:
        depth = t["ref"].count(".")
        line = f"{'  ' * (depth + 1)}{t['ref']}  {t['text'][:100]}"
        extras = []
        if t["due"]:
            extras.append(f"hạn {t['due']}" + (f" ({t['due_period']})" if t.get("due_period") else ""))
        if t["lead"]:
            extras.append("chủ trì: " + "; ".join(t["lead"]))
        if t["support"]:
            extras.append("phối hợp: " + "; ".join(t["support"]))
        out.append(line + ("\n" + "  " * (depth + 3) + " | ".join(extras) if extras else ""))
    if data["figures"]:
        out.append("figures:")
        out += [f"  {f['achieved']}/{f['total']} {f['unit']} ({f['percent']}%)" for f in data["figures"]]
    if data["references"]:
        out.append("references:")
        out += [f"  {r['kind'] or ''} {r['number']} {r['date'] or ''}".rstrip() for r in data["references"]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m directives.parsing", description=__doc__)
    ap.add_argument("path", type=Path)
    ap.add_argument("--json", action="store_true", help="print the JSON contract only")
    args = ap.parse_args(argv)
    try:
        text = decode_upload(args.path.read_bytes(), args.path.name)
    except (OSError, ParseInputError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = parse_directive(text).to_dict()
    if args.json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    else:
        print(outline(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
