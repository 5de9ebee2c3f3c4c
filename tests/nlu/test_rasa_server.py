"""The Rasa backend against a real Rasa server (`make test-rasa` starts one)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from nlu import pipeline
from nlu.backend import DEFAULT_RASA_URL, RasaBackend
from nlu.evaluation import evaluate, load_split
from nlu.types import LANGS, ParseResult

pytestmark = pytest.mark.rasa
RASA_URL = os.environ.get("RASA_URL", DEFAULT_RASA_URL)


@pytest.fixture
async def backend() -> RasaBackend:
    try:
        httpx.get(f"{RASA_URL}/status", timeout=2.0).raise_for_status()
    except httpx.HTTPError as exc:
        pytest.fail(f"no Rasa server at {RASA_URL} (run make rasa): {exc}")
    return RasaBackend(RASA_URL, timeout=2.0)


async def test_real_rasa_parses(backend: RasaBackend) -> None:
    try:
        got = await backend.parse("bonjour")
        assert got.intent == "greet"
        assert got.lang == "fr"
        sale = await backend.parse("j'ai vendu 12 repas à 8€")
        assert sale.intent == "log_sale"
        assert sale.entity("amount") == pytest.approx(96.0)
        assert backend.failures == 0
    finally:
        await backend.aclose()


async def test_real_rasa_on_heldout(backend: RasaBackend) -> None:
    async def parser(text: str) -> ParseResult:
        return await backend.parse(text)

    cases = load_split(Path(pipeline.__file__).parent / "data" / "test")
    try:
        report = await evaluate(cases, parser)
    finally:
        await backend.aclose()
    assert backend.failures == 0
    for lang in LANGS:
        assert report.by_lang[lang].intent_accuracy >= 0.6
