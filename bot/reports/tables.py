"""A figure's table, shown the same way everywhere (pages, CSV, XLSX, PDF): a count of 1 to
4 is "< 5"; and where a total is shown, a row or column whose hidden counts could be worked
out from it hides another count too ("≥ 5"), so that subtraction finds no hidden count."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

SMALL: Final = 5  # counts under this (but above 0) are never shown
HIDDEN: Final = "< 5"
ALSO_HIDDEN: Final = "≥ 5"


def shown(n: int) -> str:
    """One count on its own: "< 5" for 1 to 4."""
    return HIDDEN if 0 < n < SMALL else f"{n}"


@dataclass(frozen=True)
class Table:
    """Rows of counts. With `totals`, the last column is each row's total and the last row
    each column's total (computed here). Cells are shown through `grid()`."""

    id: str  # for export file names: letters, digits, _ and -
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int, ...]], ...]
    totals: bool = True
    total_row: bool = True  # with totals: False when the rows are not parts of a whole
    note: str = ""
    keys: tuple[str, ...] = field(default=())  # column keys (language or channel codes)

    @property
    def header(self) -> tuple[str, ...]:
        return (self.row_header, *self.columns, *(("Total",) if self.totals else ()))

    def numbers(self) -> list[tuple[str, list[int]]]:
        """Row label and counts, with the totals when the table has them."""
        body = [(label, list(values)) for label, values in self.rows]
        if not self.totals:
            return body
        body = [(label, [*values, sum(values)]) for label, values in body]
        if not self.total_row:
            return body
        width = len(self.columns) + 1
        sums = [sum(values[i] for _, values in body) for i in range(width)]
        return [*body, ("Total", sums)]

    def grid(self) -> list[tuple[str, list[str]]]:
        """Every cell as shown: the "< 5" rule, and the hidden counts' companions."""
        numbers = self.numbers()
        marks = self.marks()
        return [
            (label, [marks[r][c] or f"{n}" for c, n in enumerate(row)])
            for r, (label, row) in enumerate(numbers)
        ]

    def marks(self) -> list[list[str | None]]:
        """Per cell of `numbers()`: what is shown instead of its number, or None."""
        values = [v for _, v in self.numbers()]
        return protect(values, totals=self.totals, total_row=self.total_row)

    @property
    def empty(self) -> bool:
        return not any(any(v) for _, v in self.rows)

    def lines(self) -> list[list[str]]:
        return [[label, *cells] for label, cells in self.grid()]

    def csv(self) -> str:
        return _csv(self.header, self.lines())


@dataclass(frozen=True)
class TextTable:
    """A list that is not counts (the misunderstood messages): shown as it is."""

    id: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def lines(self) -> list[list[str]]:
        return [list(r) for r in self.rows]

    def csv(self) -> str:
        return _csv(self.header, self.lines())


def _csv(header: Sequence[str], lines: Sequence[Sequence[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(lines)
    return out.getvalue()


def protect(
    values: Sequence[Sequence[int]], *, totals: bool, total_row: bool = True
) -> list[list[str | None]]:
    """For each cell, what to show instead of its number (None: the number itself).

    Every count of 1 to 4 is hidden ("< 5"). With totals (last column, and last row unless
    `total_row` is False), a line
    whose total is known must not let its hidden parts be worked out: one hidden part alone
    is the total minus the others; several hidden counts of 1 to 4 are each 1 when they add
    up to their number, each 4 when to four times it. Such a line hides its smallest other
    nonzero part too ("≥ 5"), or its total when no other part is left; and a hidden total
    whose parts are all shown hides one of them. Until no line gives anything away.
    """
    marks: list[list[str | None]] = [
        [HIDDEN if 0 < n < SMALL else None for n in row] for row in values
    ]
    if not totals or not values:
        return marks
    rows, cols = len(values), len(values[0])
    lines = [[(r, c) for c in range(cols)] for r in range(rows)]
    if total_row:
        lines += [[(r, c) for r in range(rows)] for c in range(cols)]

    def value(p: tuple[int, int]) -> int:
        return values[p[0]][p[1]]

    def mark(p: tuple[int, int]) -> str | None:
        return marks[p[0]][p[1]]

    changed = True
    while changed:
        changed = False
        for line in lines:
            *parts, total = line
            hidden = [p for p in parts if mark(p) is not None]
            if mark(total) is not None:
                # A hidden total is the sum of its parts when they are all shown.
                others = [p for p in parts if value(p) > 0]
                if not hidden and others:
                    r, c = min(others, key=value)
                    marks[r][c] = ALSO_HIDDEN
                    changed = True
                continue
            if not hidden:
                continue
            small = all(mark(p) == HIDDEN for p in hidden)
            gap = sum(value(p) for p in hidden)
            if len(hidden) > 1 and not (small and gap in (len(hidden), len(hidden) * (SMALL - 1))):
                continue
            others = [p for p in parts if mark(p) is None and value(p) > 0]
            r, c = min(others, key=value) if others else total
            marks[r][c] = ALSO_HIDDEN
            changed = True
    return marks


def workbook(tables: Sequence[Table | TextTable]) -> bytes:
    """One sheet per table; hidden counts are text ("< 5"), the others numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.title, used)
        sheet = book.create_sheet(name)
        sheet.append(list(table.header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        numeric = isinstance(table, Table)
        for line in table.lines():
            sheet.append([int(c) if numeric and c.isdigit() else c for c in line])
        sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Feuille"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name
