"""NLU backends behind one async interface: the embedded model, or a Rasa server."""

from __future__ import annotations

from typing import Protocol

from nlu import pipeline
from nlu.types import ParseResult


class NluBackend(Protocol):
    async def parse(self, text: str, *, known_lang: str | None = None) -> ParseResult: ...


class EmbeddedBackend:
    async def parse(self, text: str, *, known_lang: str | None = None) -> ParseResult:
        return pipeline.parse(text, known_lang=known_lang)


def make_backend(name: str = "embedded", rasa_url: str | None = None) -> NluBackend:
    return EmbeddedBackend()
