"""The catalog: fallback, parameters, and right-to-left isolation of Latin and numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.catalog import FSI, PDI, Catalog, isolate_ltr, load_catalog, load_locale_files


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("سجلت 45 € اليوم", f"سجلت {FSI}45 €{PDI} اليوم"),
        ("انضم إلى Coopaname قريبا", f"انضم إلى {FSI}Coopaname{PDI} قريبا"),
        ("مرحبا", "مرحبا"),
        ("CAE و CESA", f"{FSI}CAE{PDI} و {FSI}CESA{PDI}"),
        ("المبلغ {amount} يورو", "المبلغ {amount} يورو"),  # placeholders stay usable
        ("۳۰ یورو", f"{FSI}۳۰{PDI} یورو"),
        ("رقم ٤٥,٥٠", f"رقم {FSI}٤٥,٥٠{PDI}"),
        ("12:30 - 14:00", f"{FSI}12:30 - 14:00{PDI}"),
    ],
)
def test_isolate_ltr(text: str, expected: str) -> None:
    assert isolate_ltr(text) == expected


def test_rtl_texts_are_isolated_and_ltr_texts_are_not() -> None:
    cat = Catalog({"fr": {"k": "Total : {n} €"}, "ar": {"k": "المجموع {n} €"}})
    assert cat.text("k", "fr", n=45) == "Total : 45 €"
    assert cat.text("k", "ar", n=45) == f"المجموع {FSI}45{PDI} {FSI}€{PDI}"


def test_fallback_to_french_then_key() -> None:
    cat = Catalog({"fr": {"a": "bonjour"}, "ti": {}})
    assert cat.text("a", "ti") == "bonjour"
    assert cat.text("missing", "ti") == "missing"


def test_user_text_in_parameters_is_not_formatted_again() -> None:
    cat = Catalog({"fr": {"k": "Vous avez écrit : {x}"}})
    assert cat.text("k", "fr", x="{y} {0} %s") == "Vous avez écrit : {y} {0} %s"


def test_broken_template_does_not_raise() -> None:
    cat = Catalog({"fr": {"k": "{oops"}})
    assert cat.text("k", "fr", x=1) == "{oops"


def test_shipped_arabic_and_dari_texts_isolate_latin_names() -> None:
    cat = load_catalog()
    for lang in ("ar", "prs"):
        welcome = cat.text("onboarding.welcome", lang)
        assert f"{FSI}Migracoop{PDI}" in welcome, lang


def test_texts_may_be_split_by_part_and_never_defined_twice(tmp_path: Path) -> None:
    (tmp_path / "fr.yaml").write_text("menu:\n  prompt: Menu\n", encoding="utf-8")
    (tmp_path / "sales.fr.yaml").write_text("sales:\n  total: Total\n", encoding="utf-8")
    assert load_locale_files(tmp_path)["fr"] == {"menu.prompt": "Menu", "sales.total": "Total"}
    (tmp_path / "more.fr.yaml").write_text("sales:\n  total: Encore\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"fr\.yaml: text 'sales\.total' is already defined"):
        load_locale_files(tmp_path)
