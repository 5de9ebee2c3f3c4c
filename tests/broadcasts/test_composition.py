"""The review gate: nothing goes to a language without a text a person stands behind."""

from __future__ import annotations

import pytest

from bot.broadcasts.composition import (
    Composition,
    CompositionError,
    LangText,
    Media,
    check_media,
    check_text,
)

FR = LangText("fr", "Atelier demain à 10 h", "reviewed", reviewed_by="nadia")
AR = LangText("ar", "ورشة غدا", "reviewed", reviewed_by="nadia")
PRS_DRAFT = LangText("prs", "ورکشاپ فردا", "machine", machine_text="ورکشاپ فردا")
TI_FRENCH = LangText("ti", "", "french", reviewed_by="nadia")


@pytest.mark.parametrize(
    ("texts", "langs", "refused"),
    [
        ([FR], ["fr"], []),
        ([FR], ["fr", "ar"], ["ar: no text"]),
        ([FR, AR], ["fr", "ar"], []),
        ([FR, PRS_DRAFT], ["prs"], ["prs: machine draft not reviewed"]),
        ([FR, TI_FRENCH], ["ti"], []),
        ([TI_FRENCH], ["ti"], ["ti: the French text to send is missing or not reviewed"]),
        ([AR], ["ar"], []),  # no French needed when no one reads French
        (
            [FR, AR, PRS_DRAFT],
            ["ti", "prs", "fr"],
            ["prs: machine draft not reviewed", "ti: no text"],
        ),
        ([], [], []),
    ],
)
def test_gate(texts: list[LangText], langs: list[str], refused: list[str]) -> None:
    comp = Composition({t.lang: t for t in texts})
    assert [str(r) for r in comp.refusals(langs)] == refused


def test_outgoing_text_and_media() -> None:
    image = Media("image", "https://example.org/atelier.png")
    audio = Media("audio", "https://example.org/ti.mp3")
    comp = Composition(
        {
            "fr": LangText("fr", FR.text, "reviewed", media=image),
            "ti": LangText("ti", "", "french", media=audio),
            "ar": AR,
            "prs": PRS_DRAFT,
            "fr2": LangText("fr2", "x", "french"),
        }
    )
    fr = comp.outgoing("fr")
    assert fr is not None and fr.text == FR.text and [a.ref for a in fr.attachments] == [image.ref]
    ti = comp.outgoing("ti")  # the French text, with Tigrinya's own audio
    assert ti is not None and ti.text == FR.text and [a.kind for a in ti.attachments] == ["audio"]
    assert comp.outgoing("prs") is None  # a draft is never sent
    assert comp.outgoing("ar") is not None and comp.outgoing("ar").attachments == ()  # type: ignore[union-attr]
    assert Composition({"ti": TI_FRENCH}).outgoing("ti") is None


@pytest.mark.parametrize(
    ("lang", "text", "says"),
    [
        ("en", "hello", "unknown language"),
        ("fr", "   ", "empty"),
        ("fr", "x" * 4001, "4001 characters"),
    ],
)
def test_check_text(lang: str, text: str, says: str) -> None:
    with pytest.raises(CompositionError, match=says):
        check_text(lang, text)
    assert check_text("ar", "  <b>مرحبا</b> 😀  ") == "<b>مرحبا</b> 😀"


def test_check_media() -> None:
    assert check_media("image", "https://example.org/a.png").kind == "image"
    assert check_media("audio", "AwACAgQAAxkBAAIBVoice").ref == "AwACAgQAAxkBAAIBVoice"
    for kind, ref in [
        ("video", "https://x.org/v.mp4"),
        ("image", "http://x.org/a.png"),
        ("image", "a b"),
    ]:
        with pytest.raises(CompositionError):
            check_media(kind, ref)
