"""Language scored twice: the identifier alone (`und` is wrong), and as the bot answers a
contact whose language it knows (`und` is answered in that language; another language read
stays wrong)."""

from __future__ import annotations

import asyncio

from nlu import pipeline
from nlu.evaluation import Case, answered_in, evaluate
from nlu.types import ParseResult


async def _plain(text: str) -> ParseResult:
    return pipeline.parse(text)


async def _known(text: str, lang: str) -> ParseResult:
    return pipeline.parse(text, known_lang=lang)


def test_und_is_answered_in_the_contact_s_language_and_a_wrong_one_stays_wrong() -> None:
    assert answered_in("und", "ti") == "ti"
    assert answered_in("fr", "ar") == "fr"
    cases = [
        Case("ok", None, "fr"),  # no language in it: und, answered in French
        Case("👍", None, "prs"),
        Case("bonjour, je voudrais savoir comment créer une coopérative", None, "ar"),
        Case("السلام عليكم", None, "ar"),
    ]
    report = asyncio.run(evaluate(cases, _plain, _known))
    fr, prs, ar = (report.by_lang[k] for k in ("fr", "prs", "ar"))
    assert (fr.lang_accuracy, fr.answered_accuracy) == (0.0, 1.0)
    assert (prs.lang_accuracy, prs.answered_accuracy) == (0.0, 1.0)
    # A French sentence labelled Arabic: French however the contact is known.
    assert (ar.lang_ok, ar.answered_ok, ar.n) == (1, 1, 2)
    assert report.as_dict()["languages"]["fr"]["lang_accuracy_answered"] == 1.0


def test_without_a_known_parser_the_same_parse_is_answered() -> None:
    report = asyncio.run(evaluate([Case("👍", None, "ti")], _plain))
    score = report.by_lang["ti"]
    assert (score.lang_accuracy, score.answered_accuracy) == (0.0, 1.0)
