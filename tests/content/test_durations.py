"""Durations in words per language, exact (a privacy text never rounds a retention down)."""

from __future__ import annotations

import pytest

from content.durations import duration_text


@pytest.mark.parametrize(
    ("days", "lang", "expected"),
    [
        (730, "fr", "2 ans"),
        (365, "fr", "1 an"),
        (400, "fr", "400 jours"),  # not "1 an": that would promise less than is kept
        (30, "fr", "30 jours"),
        (730, "ar", "سنتان"),
        (1095, "ar", "3 سنوات"),
        (730, "prs", "2 سال"),
        (730, "ti", "2 ዓመታት"),
        (1, "ti", "1 መዓልቲ"),
        ("730", "fr", "2 ans"),
        ("", "fr", ""),
        ("abc", "fr", ""),
        (0, "fr", ""),
        (730, "und", "2 ans"),
    ],
)
def test_duration_text(days: int | str, lang: str, expected: str) -> None:
    assert duration_text(days, lang).replace("\u202f", " ").replace("\xa0", " ") == expected
