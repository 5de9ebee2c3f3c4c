"""A figure's table, shown the same way everywhere (pages, CSV, XLSX, PDF): a count of 1 to
4 is "< 5"; and where a total is shown, a row or column whose hidden counts could be worked
out from it hides another count too ("≥ 5"), so that subtraction finds no hidden count."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Final

SMALL: Final = 5  # counts under this (but above 0) are never shown
HIDDEN: Final = "< 5"
TRIALS: Final = 4  # shown counts tried around a cell worked out through other lines
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
        """Per cell of `numbers()`: what is shown instead of its number, or None. Worked
        out once per table (pages, charts and downloads ask several times)."""
        found: list[list[str | None]] | None = self.__dict__.get("_marks")
        if found is None:
            found = self.__dict__["_marks"] = self.find_marks()
        return found

    def find_marks(self) -> list[list[str | None]]:
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
class AmountTable(Table):
    """Sums of money in cents (the coops' sales), shown in euros: not counts of people, so
    nothing is hidden; who sold is named only as the viewer's role allows (the caller's
    row labels). Charts draw whole euros."""

    def numbers(self) -> list[tuple[str, list[int]]]:
        return [(label, [(c + 50) // 100 for c in cents]) for label, cents in self.cents()]

    def cents(self) -> list[tuple[str, list[int]]]:
        return Table.numbers(self)

    def find_marks(self) -> list[list[str | None]]:
        return [[None] * len(values) for _, values in self.cents()]

    def grid(self) -> list[tuple[str, list[str]]]:
        return [(label, [euros(c) for c in values]) for label, values in self.cents()]


def euros(cents: int) -> str:
    """Euros with a dot and two decimals, as the sales export writes them: "-12.50"."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


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


Cell = tuple[int, int]


def protect(
    values: Sequence[Sequence[int]], *, totals: bool, total_row: bool = True
) -> list[list[str | None]]:
    """For each cell, what to show instead of its number (None: the number itself).

    Every count of 1 to 4 is hidden ("< 5"). With totals (last column, and last row unless
    `total_row` is False), no hidden count may follow from what is shown (one hidden part
    alone is its total minus the others; two counts of 1 to 4 adding up to 2 are each 1; a
    hidden total of shown parts is their sum...): while one does, another count of a line
    through it is hidden too ("≥ 5"). tests/reports/test_tables.py checks this against every
    possible table of small random counts.
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
    return protect_lines(values, lines)


def protect_lines(
    values: Sequence[Sequence[int]], lines: Sequence[Sequence[Cell]]
) -> list[list[str | None]]:
    """`protect` for any lines of cells, each ending with its total (the sum of the others);
    a cell may lie in several lines (a total shared by two breakdowns)."""
    marks: list[list[str | None]] = [
        [HIDDEN if 0 < n < SMALL else None for n in row] for row in values
    ]

    def value(p: Cell) -> int:
        return values[p[0]][p[1]]

    # Hidden last: totals, and last of all a total of totals (the headline figure, which
    # other tables show too).
    rank = Counter(line[-1] for line in lines)
    through: dict[Cell, list[int]] = {}  # cell -> the lines through it
    for i, line in enumerate(lines):
        for p in line:
            through.setdefault(p, []).append(i)
    hidden_in = [sum(1 for r, c in line if marks[r][c] is not None) for line in lines]

    def alone(p: Cell) -> int:
        """What hiding `p` leaves open: each line through it that would hold one hidden
        count (which gives it away) costs 1 when a shown part of that line could close it
        together with another open line, 2 when some shown part could close it alone, 3
        when only its total could. Cheapest first, so that companions close a rectangle
        rather than open new lines across the table (and hide half of it)."""
        cost = 0
        for i in through[p]:
            if hidden_in[i]:
                continue
            partners = [
                q for q in lines[i][:-1] if q != p and marks[q[0]][q[1]] is None and value(q) > 0
            ]
            if any(hidden_in[j] == 1 for q in partners for j in through[q] if j != i):
                cost += 1
            else:
                cost += 2 if partners else 3
        return cost

    def order(p: Cell) -> tuple[int, int, int]:
        return (rank[p], alone(p), value(p))

    def hide(p: Cell) -> None:
        marks[p[0]][p[1]] = ALSO_HIDDEN
        for i in through[p]:
            hidden_in[i] += 1

    while True:
        determined = _determined(values, marks, lines)
        if not determined:
            return marks
        # Hide one more count: the smallest shown nonzero part of a line through a cell that
        # can be worked out, else a line's total (the headline totals last). When a cell's
        # lines are all hidden, it is worked out through another cell of them, itself
        # worked out: hiding around that one opens both.
        near = [
            p
            for cell in determined
            for i in through.get(cell, ())
            for p in lines[i]
            if marks[p[0]][p[1]] is None and value(p) > 0
        ]
        found = determined[0]
        mine = [lines[i] for i in through.get(found, ())]
        if near:
            hide(min(near, key=order))
        else:
            # Its lines are all hidden: it is worked out through the lines that cross them.
            # Hide the first shown count there whose hiding leaves it open, else the first
            # there (the loop goes on: every turn hides one more count), else anywhere.
            crossing = {p for line in mine for p in line}
            around = {p for line in lines if not crossing.isdisjoint(line) for p in line}
            shown = [
                (r, c)
                for r, row in enumerate(values)
                for c in range(len(row))
                if marks[r][c] is None and values[r][c] > 0
            ]
            if not shown:
                return marks
            far = sorted(shown, key=lambda p: (p not in around, rank[p], value(p)))
            tried = (p for p in far if rank[p] < 2)
            hide(next((p for p in tried if _opens(values, marks, lines, p, found)), far[0]))


def _opens(
    values: Sequence[Sequence[int]],
    marks: list[list[str | None]],
    lines: Sequence[Sequence[Cell]],
    cell: Cell,
    found: Cell,
) -> bool:
    """Whether hiding `cell` leaves `found` open."""
    trial = [list(row) for row in marks]
    trial[cell[0]][cell[1]] = ALSO_HIDDEN
    return found not in _determined(values, trial, lines)


def _determined(
    values: Sequence[Sequence[int]],
    marks: list[list[str | None]],
    lines: Sequence[Sequence[Cell]],
) -> list[Cell]:
    """A hidden cell whose value follows from what is shown: bounds (a shown count is
    itself, "< 5" is 1 to 4, "≥ 5" 5 and more) are narrowed line by line (a total is the sum
    of its parts) until nothing changes; the hidden cells left with one value, in order.
    Only lines through a hidden cell can narrow anything: the others are left out."""
    hidden = [(r, c) for r, row in enumerate(marks) for c, m in enumerate(row) if m is not None]
    if not hidden:
        return []
    seen = set(hidden)
    lines = [line for line in lines if not seen.isdisjoint(line)]
    top = sum(sum(row) for row in values) + SMALL
    low: dict[Cell, int] = {}
    high: dict[Cell, int] = {}
    for line in lines:
        for p in line:
            if p not in low:
                r, c = p
                m = marks[r][c]
                low[p], high[p] = (
                    (values[r][c], values[r][c])
                    if m is None
                    else (1, SMALL - 1)
                    if m == HIDDEN
                    else (SMALL, top)
                )
    changed = True
    while changed:
        changed = False
        for *parts, total in lines:
            parts_low = sum(low[p] for p in parts)
            parts_high = sum(high[p] for p in parts)
            if parts_low > low[total] or parts_high < high[total]:
                low[total] = max(low[total], parts_low)
                high[total] = min(high[total], parts_high)
                changed = True
            for p in parts:
                lo = low[total] - (parts_high - high[p])
                hi = high[total] - (parts_low - low[p])
                if lo > low[p] or hi < high[p]:
                    new_low, new_high = max(low[p], lo), min(high[p], hi)
                    parts_low += new_low - low[p]
                    parts_high += new_high - high[p]
                    low[p], high[p] = new_low, new_high
                    changed = True
    return [c for c in hidden if c in low and low[c] >= high[c]]


def workbook(tables: Sequence[Table | TextTable]) -> bytes:
    """One sheet per table; hidden counts are text ("< 5"), the others numbers (euros as
    exact decimals, formatted with two places)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.worksheets[0])  # the empty default sheet
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.title, used)
        sheet = book.create_sheet(name)
        sheet.append(list(table.header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        numeric = isinstance(table, Table)
        money = isinstance(table, AmountTable)
        for line in table.lines():
            sheet.append(
                [line[0]]
                + [
                    _money(c) if money else int(c) if numeric and c.isdigit() else c
                    for c in line[1:]
                ]
            )
            if money:
                for cell in sheet[sheet.max_row][1:]:
                    cell.number_format = "0.00"
        sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _money(text: str) -> Decimal | str:
    try:
        return Decimal(text)
    except InvalidOperation:
        return text


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join(ch for ch in title if ch not in "[]:*?/\\")[:28] or "Feuille"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:25]} {n}", n + 1
    used.add(name)
    return name
