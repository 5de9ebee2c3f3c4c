"""Locale files: same keys and placeholders as French, real translations, right script."""

from __future__ import annotations

import re
import unicodedata

import pytest

from content.catalog import BASE_LANG, LANGS, load_locale_files, placeholders
from flows.loader import load_directory
from flows.model import SendMsg

TEXTS = load_locale_files()
FR = TEXTS[BASE_LANG]
OTHER_LANGS = [lang for lang in LANGS if lang != BASE_LANG]

# Texts that are meant to be the same in every language (the four-language picker).
SAME_IN_ALL = {"language.pick", "language.pick_again"}
# Texts whose leading emoji may differ (a flag only fits French).
EMOJI_MAY_DIFFER = {"language.confirm"}

_ETHIOPIC = re.compile(r"[\u1200-\u137F\u1380-\u139F\u2D80-\u2DDF\uAB00-\uAB2F]")
_ARABIC_ONLY = re.compile(r"[\u064A\u0643]")  # ي ك
_PERSIAN_ONLY = re.compile(r"[پچژگیک]")


def _pairs(langs: list[str]) -> list[tuple[str, str]]:
    return [(lang, key) for lang in langs for key in sorted(FR)]


def _leading_emoji(text: str) -> str:
    """The symbols before the first word: "⚠️ Effacer" -> "⚠️", "Je garde" -> ""."""
    head = ""
    for char in text:
        if unicodedata.category(char)[0] in "SM" or char in "\u200d":
            head += char
        else:
            break
    return head


def test_french_is_not_empty() -> None:
    assert FR, "content/locales/fr.yaml has no texts"


@pytest.mark.parametrize("lang", LANGS)
def test_same_keys_as_french(lang: str) -> None:
    keys = set(TEXTS[lang])
    missing = sorted(set(FR) - keys)
    extra = sorted(keys - set(FR))
    assert not missing, f"{lang}: missing keys {missing}"
    assert not extra, f"{lang}: keys not in French {extra}"


@pytest.mark.parametrize(("lang", "key"), _pairs(OTHER_LANGS))
def test_same_placeholders_as_french(lang: str, key: str) -> None:
    text = TEXTS[lang].get(key)
    if text is None:
        pytest.fail(f"{lang}: missing key {key}")
    assert placeholders(text) == placeholders(FR[key]), (
        f"{lang}.{key}: placeholders {sorted(placeholders(text))}, "
        f"French has {sorted(placeholders(FR[key]))}"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_text(lang: str) -> None:
    empty = sorted(key for key, text in TEXTS[lang].items() if not text.strip())
    assert not empty, f"{lang}: empty texts {empty}"


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_translated_not_copied(lang: str) -> None:
    copied = sorted(
        key for key, text in TEXTS[lang].items() if key not in SAME_IN_ALL and text == FR.get(key)
    )
    assert not copied, f"{lang}: same text as French for {copied}"


@pytest.mark.parametrize("key", sorted(SAME_IN_ALL))
def test_shared_texts_identical(key: str) -> None:
    for lang in OTHER_LANGS:
        assert TEXTS[lang].get(key) == FR[key], f"{lang}.{key} must equal the French text"


@pytest.mark.parametrize("lang", OTHER_LANGS)
def test_same_emoji_anchor_as_french(lang: str) -> None:
    differ = sorted(
        key
        for key, text in TEXTS[lang].items()
        if key in FR
        and key not in EMOJI_MAY_DIFFER
        and _leading_emoji(text) != _leading_emoji(FR[key])
    )
    assert not differ, f"{lang}: leading emoji differs from French for {differ}"


def _flow_content_keys() -> set[tuple[str, str]]:
    """(where, content key) for every content key a shipped flow refers to."""
    refs: set[tuple[str, str]] = set()
    for flow in load_directory().values():
        for node_id, node in flow.nodes.items():
            where = f"flow {flow.id!r} node {node_id!r}"
            for action in node.actions:
                if isinstance(action, SendMsg):
                    refs.add((where, action.text))
                    refs.update((where, k) for k in (action.image, action.audio) if k)
            if node.ask:
                refs.add((where, node.ask.prompt))
                refs.add((where, node.ask.invalid))
                refs.update((where, c.label) for c in node.ask.choices if not c.literal)
    return refs


def test_flows_refer_to_some_content() -> None:
    assert _flow_content_keys(), "no content key found in flows/definitions"


@pytest.mark.parametrize("lang", LANGS)
def test_flow_content_keys_exist(lang: str) -> None:
    missing = sorted(
        f"{key} ({where})" for where, key in _flow_content_keys() if key not in TEXTS[lang]
    )
    assert not missing, f"{lang}: flows use missing keys {missing}"


def test_dari_uses_persian_letters() -> None:
    bad = sorted(
        key
        for key, text in TEXTS["prs"].items()
        if key not in SAME_IN_ALL and _ARABIC_ONLY.search(text)
    )
    assert not bad, f"prs: Arabic ي/ك instead of Persian ی/ک in {bad}"


def test_arabic_has_no_persian_letters() -> None:
    bad = sorted(
        key
        for key, text in TEXTS["ar"].items()
        if key not in SAME_IN_ALL and _PERSIAN_ONLY.search(text)
    )
    assert not bad, f"ar: Persian-only letters in {bad}"


def test_tigrinya_is_mostly_ethiopic() -> None:
    bad = []
    for key, text in TEXTS["ti"].items():
        if key in SAME_IN_ALL:
            continue
        letters = [c for c in re.sub(r"\{[a-z_]+\}", "", text) if c.isalpha()]  # not {names}
        ethiopic = sum(1 for c in letters if _ETHIOPIC.match(c))
        if not letters or ethiopic / len(letters) < 0.6:
            bad.append(key)
    assert not bad, f"ti: texts not mostly in Ge'ez script {sorted(bad)}"
