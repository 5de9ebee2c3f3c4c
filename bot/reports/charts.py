"""Charts as SVG made on the server (no script, no inline style: the panel's CSP forbids
both). Bars follow the table as shown: a hidden count is never drawn at its true height —
a total under 5 is a hatched bar of 4, and the hidden parts of a known total are one
hatched segment, their sum (which the table's total already gives)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from bot.reports.tables import ALSO_HIDDEN, SMALL, Table

WIDTH, HEIGHT = 560, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 60


def nominal(mark: str | None) -> int:
    """The height of a hidden count: its bound, 4 for "< 5" and 5 for "≥ 5"."""
    return SMALL if mark == ALSO_HIDDEN else SMALL - 1


@dataclass(frozen=True)
class Segment:
    series: int  # column index, or -1 for hidden counts
    value: float


def bars(table: Table) -> list[list[Segment]]:
    """Per row of the table (without its total row), the stacked segments to draw."""
    numbers = table.numbers()
    marks = table.marks()
    out: list[list[Segment]] = []
    body = numbers[:-1] if table.totals and table.total_row else numbers
    for r, (_, values) in enumerate(body):
        row = marks[r]
        if not table.totals:
            out.append(
                [
                    Segment(-1, nominal(row[c])) if row[c] else Segment(c, v)
                    for c, v in enumerate(values)
                ]
            )
            continue
        *parts, total = values
        if row[-1]:
            out.append([Segment(-1, nominal(row[-1]))])
            continue
        shown = [Segment(c, v) for c, v in enumerate(parts) if v and not row[c]]
        rest = total - sum(s.value for s in shown)
        out.append([*shown, *([Segment(-1, rest)] if rest else [])])
    return out


def svg(table: Table) -> Markup:
    """A stacked bar per row (grouped bars when the table has no totals)."""
    rows = bars(table)
    labels = [label for label, _ in table.rows]
    stacked = table.totals
    peak = max(
        (
            sum(s.value for s in row) if stacked else max((s.value for s in row), default=0)
            for row in rows
        ),
        default=0,
    )
    top = _nice(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(rows), 1)
    hatch = f"hatch-{table.id}"
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(table.title)}" xmlns="http://www.w3.org/2000/svg">',
        f'<defs><pattern id="{hatch}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="#8a96a0" stroke-width="3"/></pattern></defs>',
    ]
    for i in range(3):  # grid lines at 0, half and the top
        value = top * i / 2
        y = TOP + plot_h - plot_h * i / 2
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}" stroke="#d5dde2" stroke-width="1"/>'
        )
        parts.append(
            f'<text class="axis" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'font-size="13" fill="#5f6b73">{_number(value)}</text>'
        )
    scale = plot_h / top if top else 0
    every = max(1, round(len(rows) / 10))  # at most about ten labels under the bars
    for i, row in enumerate(rows):
        x0 = LEFT + slot * i
        width = slot * (0.7 if stacked else 0.8)
        x = x0 + (slot - width) / 2
        y = TOP + plot_h
        inner = width / max(len(row), 1)
        for j, seg in enumerate(row):
            h = seg.value * scale
            fill = f"url(#{hatch})" if seg.series < 0 else _COLOURS[seg.series % len(_COLOURS)]
            sx = x if stacked else x + inner * j
            sw = width if stacked else inner
            sy = y - h if stacked else TOP + plot_h - h
            parts.append(
                f'<rect x="{sx:.1f}" y="{sy:.1f}" width="{max(sw - 0.5, 0.5):.1f}" '
                f'height="{h:.1f}" fill="{fill}"/>'
            )
            if stacked:
                y -= h
        if i % every == 0:
            lx, ly = x0 + slot / 2, TOP + plot_h + 12
            parts.append(
                f'<text class="axis" x="{lx:.1f}" y="{ly:.1f}" font-size="12" '
                f'fill="#5f6b73" text-anchor="end" '
                f'transform="rotate(-35 {lx:.1f} {ly:.1f})">{escape(_short(labels[i]))}'
                f"</text>"
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}" stroke="#5f6b73" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(table: Table) -> list[tuple[str, str]]:
    """(colour, name) of each series, and the hatch for hidden counts."""
    return [(_COLOURS[i % len(_COLOURS)], name) for i, name in enumerate(table.columns)]


# Colour-blind-safe (Okabe-Ito), readable in grey when printed.
_COLOURS: Sequence[str] = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#cc79a7",
    "#56b4e9",
    "#d55e00",
    "#f0e442",
)
COLOURS = _COLOURS


def _nice(peak: float) -> float:
    """A round top for the axis, at least 5 (so that "< 5" bars stay small)."""
    top = max(peak, float(SMALL))
    for power in range(0, 12):
        for step in (1, 2, 2.5, 5):
            if step * 10**power >= top:
                return float(step * 10**power)
    return top


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def _short(label: str) -> str:
    return label.removeprefix("sem. du ")
