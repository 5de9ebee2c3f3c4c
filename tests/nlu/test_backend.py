"""The backends: embedded, and the Rasa client against a real local fake `/model/parse`."""

from __future__ import annotations

import time

import pytest

from nlu.backend import EmbeddedBackend, RasaBackend, make_backend
from nlu.pipeline import parse
from tests.nlu.conftest import FakeRasa


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_embedded_backend_is_the_pipeline() -> None:
    got = await EmbeddedBackend().parse("je veux noter mes ventes")
    assert got == parse("je veux noter mes ventes")


def test_make_backend() -> None:
    assert isinstance(make_backend("embedded"), EmbeddedBackend)
    rasa = make_backend("rasa", "http://127.0.0.1:5005/")
    assert isinstance(rasa, RasaBackend)
    assert rasa.url == "http://127.0.0.1:5005"
    with pytest.raises(ValueError, match="unknown NLU backend"):
        make_backend("spacy")


async def test_rasa_intent_with_our_language_and_entities(fake_rasa: FakeRasa) -> None:
    backend = RasaBackend(fake_rasa.url)
    try:
        greet = await backend.parse("bonjour")
        assert (greet.intent, greet.confidence, greet.lang) == ("greet", 0.93, "fr")
        assert greet.ranking[0] == ("greet", 0.93)
        sale = await backend.parse("vendu 12 repas à 8€")
        assert sale.intent == "log_sale"
        assert sale.entity("amount") == pytest.approx(96.0)
        assert sale.entity("quantity") == 12
    finally:
        await backend.aclose()


async def test_rasa_low_confidence_or_unknown_intent_is_out_of_scope(fake_rasa: FakeRasa) -> None:
    backend = RasaBackend(fake_rasa.url)
    try:
        assert (await backend.parse("hmm")).intent == "out_of_scope"
        assert (await backend.parse("weird")).intent == "out_of_scope"
    finally:
        await backend.aclose()


@pytest.mark.parametrize("text", ["boom", "garbage"])
async def test_rasa_error_falls_back_then_retries_later(fake_rasa: FakeRasa, text: str) -> None:
    clock = Clock()
    backend = RasaBackend(fake_rasa.url, retry_after=10.0, clock=clock)
    try:
        got = await backend.parse(text)
        assert got == parse(text)  # the embedded model answered
        assert backend.failures == 1
        assert not backend.available
        before = len(fake_rasa.requests)
        assert (await backend.parse("bonjour")).confidence == parse("bonjour").confidence
        assert len(fake_rasa.requests) == before  # Rasa left alone meanwhile
        clock.now += 11
        assert (await backend.parse("bonjour")).confidence == 0.93  # Rasa again
    finally:
        await backend.aclose()


async def test_rasa_timeout_falls_back_quickly(fake_rasa: FakeRasa) -> None:
    backend = RasaBackend(fake_rasa.url, timeout=0.3)
    try:
        t0 = time.perf_counter()
        got = await backend.parse("slow")
        assert time.perf_counter() - t0 < 1.5
        assert got == parse("slow")
        assert backend.failures == 1
    finally:
        await backend.aclose()


async def test_rasa_down_falls_back(closed_port_url: str) -> None:
    backend = RasaBackend(closed_port_url)
    try:
        got = await backend.parse("je veux parler a quelqu un")
        assert got.intent == "talk_to_human"
        assert backend.failures == 1
    finally:
        await backend.aclose()
