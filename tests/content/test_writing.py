"""The rules of WRITING.md that a machine can check, on the shipped texts and flows."""

from __future__ import annotations

import re

import pytest

from content.catalog import LANGS, load_locale_files
from flows import engine
from flows.loader import load_directory
from flows.model import Ask

TEXTS = load_locale_files()
FLOWS = load_directory()
BUTTON_LIMIT = 20  # WhatsApp shows longer quick-reply titles only as a numbered list
# The glossary's explanation that goes with each acronym, in each language (singular and
# plural forms: "deux CAE (coopératives d'activité et d'emploi)").
EXPLAINED = {
    "CAE": {
        "fr": ("coopérative d'activité et d'emploi", "coopératives d'activité et d'emploi"),
        "ar": ("تعاونية النشاط والتشغيل", "للنشاط والتشغيل"),
        "prs": ("کوپراتیف فعالیت و کار",),
        "ti": ("ኮፐራቲቭ ንጥፈትን ስራሕን",),
    },
    "URSSAF": {
        "fr": ("cotisations sociales",),
        "ar": ("الاشتراكات الاجتماعية",),
        "prs": ("بیمه‌های اجتماعی",),
        "ti": ("ማሕበራዊ ወፈያታት",),
    },
}
# WRITING.md: an acronym is explained "the first time it appears in a conversation". These
# texts only come after one that explains it: later messages of the CAE module (its first
# message explains it), and a step's card lines after the card's "what".
FOLLOW_UPS = re.compile(
    r"^learn\.cae\.(m[2-5]|quiz\..+)$|^steps\.(sign_contract|cae_coach)\.(salary|title)$"
)
# Words of the wrong variety: Iranian Persian in Dari, Amharic in Tigrinya, literary or
# Levantine turns in Arabic.
AVOID = {
    "ar": ["متى شئتم", "حتى ذلك الحين", "محافظة", "مؤهل"],
    "prs": ["منو", "دستیار", "پیگیری", "واجد شرایط"],
    "ti": ["ነው", "አለ", "እና", "እንደገና", "ብቑዕ"],
}


def _questions() -> list[tuple[str, Ask]]:
    return [
        (f"{flow.id}/{node_id}", node.ask)
        for flow in FLOWS.values()
        for node_id, node in flow.nodes.items()
        if node.ask is not None and node.ask.kind == "choice"
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_the_engine_s_own_texts_exist(lang: str) -> None:
    keys = {engine.NOTED, *engine.SHORT_REPLIES.values(), "common.not_understood"}
    assert not sorted(keys - set(TEXTS[lang]))


@pytest.mark.parametrize("lang", LANGS)
def test_buttons_are_short(lang: str) -> None:
    """Questions of one to three choices become buttons: their labels fit in 20 characters."""
    long = sorted(
        f"{where}: {c.label}"
        for where, ask in _questions()
        if len(ask.visible) <= 3
        for c in ask.visible
        if len(c.label if c.literal else TEXTS[lang][c.label]) > BUTTON_LIMIT
    )
    assert not long, f"{lang}: labels over {BUTTON_LIMIT} characters: {long}"


def test_an_old_button_never_answers_a_question_that_needs_an_explicit_answer() -> None:
    """A button pressed late sends its id: the id of an explicit choice means nothing else
    anywhere ("yes" of the language question cannot delete everything)."""
    explicit, other = set(), set()
    for _, ask in _questions():
        for c in ask.choices:
            (explicit if ask.needs_explicit(c) else other).add(c.id)
    assert explicit and not explicit & other


@pytest.mark.parametrize("lang", LANGS)
def test_acronyms_come_with_their_explanation(lang: str) -> None:
    bare = sorted(
        f"{acronym} in {key}"
        for acronym, forms in EXPLAINED.items()
        for key, text in TEXTS[lang].items()
        if acronym in text
        and not any(form in text for form in forms[lang])
        and not FOLLOW_UPS.match(key)
    )
    assert not bare, f"{lang}: acronyms without their explanation: {bare}"


@pytest.mark.parametrize("lang", sorted(AVOID))
def test_words_of_the_right_variety(lang: str) -> None:
    found = sorted(
        f"{key}: {word}"
        for key, text in TEXTS[lang].items()
        for word in AVOID[lang]
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text)
    )
    assert not found, f"{lang}: {found}"


@pytest.mark.parametrize("lang", LANGS)
def test_one_term_for_administrative_steps(lang: str) -> None:
    """French says "démarches", never "étapes", for the checklist."""
    if lang == "fr":
        assert not [k for k, t in TEXTS[lang].items() if "étape" in t]
    assert "{retention}" in TEXTS[lang]["onboarding.privacy"]


@pytest.mark.parametrize("lang", LANGS)
def test_refusing_or_withdrawing_consent_says_messages_are_kept(lang: str) -> None:
    """Honest privacy texts: without consent the answers go, the messages stay."""
    for key in ("onboarding.consent_refused", "mydata.consent_off"):
        assert "\n💬 " in TEXTS[lang][key], f"{lang}.{key}"
    assert TEXTS[lang]["mydata.delete_yes"].startswith("🗑")
