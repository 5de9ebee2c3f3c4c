"""parse(): global commands in every language, calibrated threshold, speed, purity."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nlu import pipeline, store
from nlu.classifier import load
from nlu.pipeline import parse
from nlu.training import data_fingerprint, model_fingerprint
from nlu.types import INTENTS, LANGS

# The conversation engine treats these as global commands: they must work everywhere.
GLOBAL_COMMANDS = [
    ("aide", "menu"),
    ("help", "menu"),
    ("مساعدة", "menu"),
    ("کمک", "menu"),
    ("ሓገዝ", "menu"),
    ("menu", "menu"),
    ("mes données", "privacy"),
    ("my data", "privacy"),
    ("بياناتي", "privacy"),
    ("معلومات من", "privacy"),
    ("ሓበሬታይ", "privacy"),
    ("je veux parler à une personne", "talk_to_human"),
    ("talk to a person", "talk_to_human"),
    ("بغيت نهضر مع شي واحد", "talk_to_human"),
    ("میخواهم با یک نفر گپ بزنم", "talk_to_human"),
    ("ምስ ሰብ ክዛረብ ደልየ", "talk_to_human"),
    ("changer de langue", "change_language"),
    ("langue", "change_language"),
    ("change language", "change_language"),
    ("تغيير اللغة", "change_language"),
    ("زبان", "change_language"),
    ("ቋንቋ", "change_language"),
    ("je veux noter mes ventes", "log_sale"),
]


@pytest.mark.parametrize(("text", "intent"), GLOBAL_COMMANDS)
def test_global_commands(text: str, intent: str) -> None:
    assert parse(text).intent == intent


# Misreadings found by the first-contact issue (#9), and what each should be instead.
MISREADINGS = [
    # what some apps send in place of a voice note: never "my data", never a 12 € sale
    ("🎤 Message vocal", {"out_of_scope"}),
    ("[voice note 0:12]", {"out_of_scope"}),
    ("🎤 رسالة صوتية", {"out_of_scope"}),
    ("🎤 پیام صوتی", {"out_of_scope"}),
    ("🎤 ድምጻዊ መልእኽቲ", {"out_of_scope"}),
    # asking to speak Dari is a language change, not a person
    ("من می‌خواهم به دری گپ بزنم", {"change_language"}),
    # "hello, I want information" is not a question about one's data
    ("سلام، معلومات می‌خواهم", {"menu", "greet", "learn_coop"}),
    ("bonjour je voudrais des informations", {"menu", "greet", "learn_coop"}),
    # a lost paper is a question about papers, not about joining
    ("j'ai perdu mon récépissé", {"out_of_scope", "talk_to_human"}),
    ("ضاع ليا الرسبيسي", {"out_of_scope", "talk_to_human"}),
    ("رسید پناهندگی مه گم شده", {"out_of_scope", "talk_to_human"}),
    ("ሪሰፒሰይ ጠፊኡ እንታይ ክገብር", {"out_of_scope", "talk_to_human"}),
]


@pytest.mark.parametrize(("text", "expected"), MISREADINGS)
def test_misreadings_of_the_first_contact_issue(text: str, expected: set[str]) -> None:
    result = parse(text)
    assert result.intent in expected, (result.intent, result.confidence)
    assert result.entity("amount") is None


@pytest.mark.parametrize(
    "text",
    [
        "how do I open a bank account",
        "where is the nearest hospital",
        "I lost my residence permit",
        "can you help me find a lawyer",
    ],
)
def test_english_is_never_read_as_french(text: str) -> None:
    """We do not serve English: `und` (the bot asks), not French at 0.95."""
    assert parse(text).lang == "und"
    assert parse(text, known_lang="fr").lang == "und"


@pytest.mark.parametrize(
    ("text", "intent", "lang"),
    [
        ("bjr", "greet", "fr"),
        ("slm", "greet", "ar"),
        ("merci 🙏", "thanks", "fr"),
        ("شكرا بزاف", "thanks", "ar"),
        ("تشکر", "thanks", "prs"),
        ("የቐንየለይ", "thanks", "ti"),
        ("oui", "affirm", "fr"),
        ("wakha", "affirm", "ar"),
        ("بلی", "affirm", "prs"),
        ("እወ", "affirm", "ti"),
        ("non merci", "deny", "fr"),
        ("ኣይፋል", "deny", "ti"),
        ("combien coute un ticket de metro", "out_of_scope", "fr"),
        ("j'ai une audience a la cnda", "out_of_scope", "fr"),
    ],
)
def test_intent_and_language(text: str, intent: str, lang: str) -> None:
    got = parse(text)
    assert (got.intent, got.lang) == (intent, lang)


def test_result_shape() -> None:
    got = parse("Bonjour !")
    assert got.text == "Bonjour !"
    assert got.intent in INTENTS
    assert got.lang in (*LANGS, "und")
    assert 0.0 <= got.confidence <= 1.0
    assert got.to_json() == {
        "text": "Bonjour !",
        "lang": got.lang,
        "intent": got.intent,
        "confidence": got.confidence,
        "entities": [],
    }


@pytest.mark.parametrize("text", ["", "   ", "12", "1", "😀"])
def test_nothing_to_understand(text: str) -> None:
    got = parse(text)
    assert got.lang == "und"
    if text.strip() != "😀":
        assert got.intent == "out_of_scope"


def test_gibberish_is_out_of_scope() -> None:
    assert parse("qsdkjh zzkkqq wwpx").intent == "out_of_scope"


def test_threshold_turns_doubt_into_out_of_scope() -> None:
    intent_model = pipeline.models()[0]
    assert 0.0 < intent_model.threshold < 0.6
    for text in ["qsdkjh zzkkqq", "xyzzy plugh"]:
        got = parse(text)
        if got.ranking[0][1] < intent_model.threshold:
            assert got.intent == "out_of_scope"


def test_known_language_is_used() -> None:
    assert parse("ok", known_lang="prs").lang == "prs"
    assert parse("ok").lang == "und"


def test_model_is_built_from_the_data_in_the_tree() -> None:
    # Its load time and parse latency are measured by bench/nlu.py (make bench), not here.
    path = store.ensure()
    models, meta = load(path)
    assert set(models) == {"intent", "language"}
    assert meta["examples"] >= 16 * 40 * 4
    assert meta["data"] == data_fingerprint()
    assert path.name == f"embedded-{model_fingerprint()}.npz"
    assert not (Path(pipeline.__file__).parent / "model").exists()  # no model in git


def test_nlu_imports_nothing_from_bot_or_admin() -> None:
    for path in Path(pipeline.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in {"bot", "admin"}, f"{path}: imports {name}"
