"""The "< 5" rule holds against subtraction: in random small tables with totals, every hidden
count (and hidden total) could still be at least two values given all that is shown."""

from __future__ import annotations

import itertools
import random

from bot.reports.counts import REPORT_LANGS
from bot.reports.report import ReportTable
from bot.reports.tables import ALSO_HIDDEN, HIDDEN, Table, shown


def test_a_single_count() -> None:
    assert [shown(n) for n in (0, 1, 4, 5, 12)] == ["0", "< 5", "< 5", "5", "12"]


def possible(table: Table) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell can take, given the shown cells and the marks."""
    numbers = [v for _, v in table.numbers()]
    marks = table.marks()
    rows, cols = len(numbers) - 1, len(numbers[0]) - 1
    parts = [(r, c) for r in range(rows) for c in range(cols)]
    grand = sum(numbers[r][c] for r, c in parts)

    def options(r: int, c: int) -> range:
        mark = marks[r][c]
        if mark is None:
            return range(numbers[r][c], numbers[r][c] + 1)
        return range(1, 5) if mark == HIDDEN else range(5, grand + 6)

    found: dict[tuple[int, int], set[int]] = {}
    for values in itertools.product(*(options(r, c) for r, c in parts)):
        grid = [[0] * (cols + 1) for _ in range(rows + 1)]
        for (r, c), v in zip(parts, values, strict=True):
            grid[r][c] = v
        for r in range(rows):
            grid[r][cols] = sum(grid[r][:cols])
        for c in range(cols + 1):
            grid[rows][c] = sum(grid[r][c] for r in range(rows))
        fits = all(
            (mark is None and grid[r][c] == numbers[r][c])
            or (mark == HIDDEN and 1 <= grid[r][c] <= 4)
            or (mark == ALSO_HIDDEN and grid[r][c] >= 5)
            for r, row in enumerate(marks)
            for c, mark in enumerate(row)
        )
        if fits:
            for r, row in enumerate(marks):
                for c, mark in enumerate(row):
                    if mark is not None:
                        found.setdefault((r, c), set()).add(grid[r][c])
    return found


def test_no_hidden_count_is_found_by_subtraction() -> None:
    rng = random.Random(16)
    checked = 0
    for _ in range(150):
        values = tuple(
            (f"r{r}", tuple(rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8]) for _ in range(2)))
            for r in range(2)
        )
        table = Table("t", "t", "", ("a", "b"), values)
        for cell, options in possible(table).items():
            assert len(options) >= 2, (values, table.grid(), cell, options)
            checked += 1
    assert checked > 100


def report_table(langs: tuple[int, ...], channels: tuple[int, int]) -> ReportTable:
    """One column (this period; the previous one all zero): languages and channels."""
    assert sum(langs) == sum(channels)
    rows = [("Total", (sum(langs), 0))]
    rows += [(f"l{i}", (n, 0)) for i, n in enumerate(langs)]
    rows += [(f"c{i}", (n, 0)) for i, n in enumerate(channels)]
    return ReportTable("t", "t", "", ("now", "before"), tuple(rows), totals=False)


def report_options(table: ReportTable) -> dict[int, set[int]]:
    """Every value each hidden cell of the first column can take, given what is shown."""
    numbers = [v[0] for _, v in table.numbers()]
    marks = [m[0] for m in table.marks()]
    grand = numbers[0]

    def options(r: int) -> range:
        if marks[r] is None:
            return range(numbers[r], numbers[r] + 1)
        return range(1, 5) if marks[r] == HIDDEN else range(5, grand + 6)

    found: dict[int, set[int]] = {}
    n_langs = len(REPORT_LANGS)
    for total in options(0):
        for langs in itertools.product(*(options(r) for r in range(1, 1 + n_langs))):
            if sum(langs) != total:
                continue
            for chans in itertools.product(*(options(r) for r in range(1 + n_langs, 8))):
                if sum(chans) != total:
                    continue
                for r, v in enumerate((total, *langs, *chans)):
                    if marks[r] is not None:
                        found.setdefault(r, set()).add(v)
    return found


def test_the_report_total_is_shared_by_languages_and_channels() -> None:
    # Two languages of 4 each: both "< 5", so their total 8 would give them away; hidden,
    # it must stay hidden although the channels (8 on Telegram) are all shown otherwise.
    table = report_table((4, 4, 0, 0, 0), (8, 0))
    assert [cells[0] for _, cells in table.grid()] == [
        "≥ 5",
        "< 5",
        "< 5",
        "0",
        "0",
        "0",
        "≥ 5",
        "0",
    ]
    assert all(len(o) >= 2 for o in report_options(table).values())


def test_no_hidden_report_figure_is_found_by_subtraction() -> None:
    rng = random.Random(12)
    checked = 0
    for _ in range(120):
        langs = tuple(rng.choice([0, 0, 0, 1, 3, 4, 5, 7]) for _ in REPORT_LANGS)
        first = rng.randint(0, sum(langs))
        table = report_table(langs, (first, sum(langs) - first))
        for row, options in report_options(table).items():
            assert len(options) >= 2, (langs, first, table.grid(), row, options)
            checked += 1
    assert checked > 100


def test_one_small_count_hides_a_rectangle_not_a_row() -> None:
    # Two broadcasts' recipients by stage: 3 failures in the second. Its row and column
    # give it away; the companions close a rectangle (60 in its column, then 500 and 100
    # in a column where both rows have a count) instead of hiding the first row whole.
    table = Table(
        "t",
        "t",
        "",
        tuple("abcdefg"),
        (("n1", (0, 300, 500, 1000, 60, 80, 60)), ("n2", (400, 200, 100, 300, 3, 0, 0))),
    )
    assert table.grid() == [
        ("n1", ["0", "300", "≥ 5", "1000", "≥ 5", "80", "60", "2000"]),
        ("n2", ["400", "200", "≥ 5", "300", "< 5", "0", "0", "1003"]),
        ("Total", ["400", "500", "600", "1300", "63", "80", "60", "3003"]),
    ]
