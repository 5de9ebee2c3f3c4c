"""Engine behaviour as data: each file in cases/ is a conversation and what must happen,
played once per language it lists (the format is described in tests/flows/casebook.py)."""

from __future__ import annotations

import pytest

from tests.flows.casebook import Case, Table, load_cases, load_tables, play, play_table

CASES = load_cases()
TABLES = load_tables()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    play(case)


@pytest.mark.parametrize("table", TABLES, ids=[t.id for t in TABLES])
def test_table(table: Table) -> None:
    tried, failures = play_table(table)
    assert tried > 0
    assert not failures, f"{len(failures)} of {tried} answers went wrong:\n" + "\n".join(failures)


def test_every_language_is_played() -> None:
    """The first-contact cases run in all four languages, not only in French."""
    playing: dict[str, set[str]] = {c.name: set() for c in [*CASES, *TABLES]}
    for c in [*CASES, *TABLES]:
        if c.lang:
            playing[c.name].add(c.lang)
    multilingual = [name for name, langs in playing.items() if langs]
    assert len(multilingual) >= 10
    for name in multilingual:
        assert playing[name] == {"fr", "ar", "prs", "ti"}, name
