"""Server-rendered SVG charts: no JavaScript, no CDN.

Readable in print and in grayscale: every series has a fill pattern as well as a shade,
and every bar carries its number as text. Functions return `SafeString`s of inline SVG;
labels are escaped here.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["Bar", "Stack", "bar_chart", "sparkline", "stacked_columns"]

# (fill colour, pattern id) per series; patterns make the series distinct without colour.
# In the order of the standings (STANDING_CHOICES): one colour per standing in every chart
# and in app.css (--st-*).
STYLES = [
    ("#2e7d32", "solid"),
    ("#f9a825", "diag"),
    ("#1565c0", "dots"),
    ("#9e9e9e", "cross"),
    ("#c62828", "hatch"),
    ("#6d4c41", "vert"),
    ("#bdbdbd", "horiz"),
]

_DEFS = """<defs>
<pattern id="p-diag" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="{c1}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="1.5"/></pattern>
<pattern id="p-dots" width="5" height="5" patternUnits="userSpaceOnUse">
<rect width="5" height="5" fill="{c2}"/><circle cx="2.5" cy="2.5" r="1.1" fill="#fff"/></pattern>
<pattern id="p-cross" width="6" height="6" patternUnits="userSpaceOnUse">
<rect width="6" height="6" fill="{c3}"/><path d="M0 0L6 6M6 0L0 6" stroke="#000" stroke-width="0.8"/></pattern>
<pattern id="p-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
<rect width="6" height="6" fill="{c4}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>
<pattern id="p-vert" width="4" height="4" patternUnits="userSpaceOnUse">
<rect width="4" height="4" fill="{c5}"/><line x1="2" y1="0" x2="2" y2="4" stroke="#fff" stroke-width="1"/></pattern>
<pattern id="p-horiz" width="4" height="4" patternUnits="userSpaceOnUse">
<rect width="4" height="4" fill="{c6}"/><line x1="0" y1="2" x2="4" y2="2" stroke="#000" stroke-width="0.7"/></pattern>
</defs>""".format(**{f"c{i}": STYLES[i][0] for i in range(1, 7)})


def _fill(index: int) -> str:
    colour, pattern = STYLES[index % len(STYLES)]
    return colour if pattern == "solid" else f"url(#p-{pattern})"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    url: str = ""
    text: str = ""  # shown after the bar; defaults to the value


def _link(inner: str, url: str) -> str:
    return f'<a href="{escape(url)}">{inner}</a>' if url else inner


def bar_chart(bars: Sequence[Bar], *, title: str, width: int = 640, label_width: int = 210) -> SafeString:
    """Horizontal bars, one pattern per bar, the number written after each bar."""
    row, pad = 26, 8
    height = pad * 2 + row * max(len(bars), 1)
    top = max((b.value for b in bars), default=0) or 1
    room = width - label_width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="group" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',  # width: svg.chart in app.css (CSP)
        _DEFS,
    ]
    for i, b in enumerate(bars):
        y = pad + i * row
        length = round(room * b.value / top) if b.value else 0
        text = escape(b.text or str(b.value))
        parts.append(
            _link(
                f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" font-size="12">{escape(b.label)}</text>'
                f'<rect x="{label_width}" y="{y + 4}" width="{max(length, 1)}" height="18" fill="{_fill(i)}" '
                f'stroke="#000" stroke-width="0.5"/>'
                f'<text x="{label_width + length + 6}" y="{y + 17}" font-size="12" font-weight="bold">{text}</text>',
                b.url,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


@dataclass(frozen=True)
class Stack:
    label: str
    values: Sequence[int]
    urls: Sequence[str] = ()
    total_url: str = ""


def stacked_columns(
    stacks: Sequence[Stack], *, series: Sequence[str], title: str, width: int = 640, styles: Sequence[int] = ()
) -> SafeString:
    """Stacked columns (one per period), a legend of patterns, the total above each column and
    each segment's number inside it when it fits."""

    def fill(i: int) -> str:
        return _fill(styles[i] if i < len(styles) else i)

    legend_h, axis_h, plot_h = 22 * ((len(series) + 2) // 3), 24, 200
    height = legend_h + plot_h + axis_h + 16
    n = max(len(stacks), 1)
    slot = (width - 20) / n
    col = min(56, slot * 0.7)
    top = max((sum(s.values) for s in stacks), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="group" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>',  # width: svg.chart in app.css (CSP)
        _DEFS,
    ]
    for i, name in enumerate(series):
        x, y = 10 + (i % 3) * (width // 3), 4 + (i // 3) * 22
        parts.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{fill(i)}" stroke="#000" stroke-width="0.5"/>'
            f'<text x="{x + 20}" y="{y + 12}" font-size="12">{escape(name)}</text>'
        )
    base = legend_h + 16 + plot_h
    for j, s in enumerate(stacks):
        x = 10 + j * slot + (slot - col) / 2
        y = base
        for i, v in enumerate(s.values):
            if not v:
                continue
            h = plot_h * v / top
            y -= h
            rect = (
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{col:.1f}" height="{h:.1f}" fill="{fill(i)}" '
                f'stroke="#000" stroke-width="0.5"><title>{escape(series[i])}: {v}</title></rect>'
            )
            if h >= 14:
                rect += (
                    f'<text x="{x + col / 2:.1f}" y="{y + h / 2 + 4:.1f}" text-anchor="middle" font-size="11" '
                    f'paint-order="stroke" stroke="#fff" stroke-width="3">{v}</text>'
                )
            parts.append(_link(rect, s.urls[i] if i < len(s.urls) else ""))
        total = sum(s.values)
        parts.append(
            _link(
                f'<text x="{x + col / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12" '
                f'font-weight="bold">{total}</text>',
                s.total_url,
            )
        )
        parts.append(
            f'<text x="{x + col / 2:.1f}" y="{base + 16}" text-anchor="middle" font-size="11">{escape(s.label)}</text>'
        )
    parts.append(f'<line x1="5" y1="{base}" x2="{width - 5}" y2="{base}" stroke="#000"/></svg>')
    return mark_safe("".join(parts))


def sparkline(
    values: Sequence[Decimal | float | None], *, title: str, width: int = 120, height: int = 28
) -> SafeString:
    """A small line of `values` (None = no figure that quarter), dots on each known value and
    the last known value written at the end."""
    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    label_w = 44
    t = html.escape(str(title))  # = escape(title), without its lazy-string wrapper: thousands per page
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" viewBox="0 0 {width + label_w} '
        f'{height}" width="{width + label_w}" height="{height}" aria-label="{t}"><title>{t}</title>'
    ]
    if known:  # one of thousands on the dashboard: each point is computed and formatted once
        lo, hi = min(v for _, v in known), max(v for _, v in known)
        span = (hi - lo) or 1
        step = width / max(len(values) - 1, 1)
        xs = [f"{2 + i * step * (width - 4) / width:.1f}" for i, _v in known]
        ys = [f"{height - 4 - (v - lo) / span * (height - 8):.1f}" for _i, v in known]
        points = " ".join([f"{x},{y}" for x, y in zip(xs, ys, strict=True)])
        parts.append(f'<polyline points="{points}" fill="none" stroke="#000" stroke-width="1.5"/>')
        parts.extend([f'<circle cx="{x}" cy="{y}" r="2" fill="#000"/>' for x, y in zip(xs, ys, strict=True)])
        last = known[-1][1]
        text = f"{last:,.0f}".replace(",", ".") if last == int(last) else f"{last:.1f}".replace(".", ",")
        parts.append(f'<text x="{width + 4}" y="{height / 2 + 4:.1f}" font-size="11">{text}</text>')  # digits only
    else:
        parts.append(f'<text x="2" y="{height / 2 + 4:.1f}" font-size="11">—</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
