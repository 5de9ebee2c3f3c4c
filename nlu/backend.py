"""NLU backends behind one async interface: the embedded model, or a Rasa server.

Rasa only chooses the intent; language and entities always come from this package,
so both backends return the same kind of result. When Rasa does not answer within
its short timeout, the embedded model answers instead and Rasa is left alone for a
few seconds, so that an outage costs one timeout, not one per message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final, Protocol

import httpx

from nlu import pipeline
from nlu.types import INTENTS, ParseResult

log = logging.getLogger(__name__)

DEFAULT_RASA_URL: Final = "http://127.0.0.1:5005"
# DIET's confidences are sharper than ours; below this its answer is out_of_scope.
RASA_THRESHOLD: Final = 0.4


class NluBackend(Protocol):
    async def parse(self, text: str, *, known_lang: str | None = None) -> ParseResult: ...

    def warm_up(self) -> None:
        """Load what the first parse would (blocking: call it in a thread at start-up)."""


class EmbeddedBackend:
    """The model of `model_dir` (default: $NLU_MODEL_DIR, else var/nlu), built if needed."""

    def __init__(self, model_dir: Path | str | None = None) -> None:
        self.model_dir = model_dir

    async def parse(self, text: str, *, known_lang: str | None = None) -> ParseResult:
        return pipeline.parse(text, known_lang=known_lang, model_dir=self.model_dir)

    def warm_up(self) -> None:
        """Build the model if it is missing or stale (one line on stderr), then load it."""
        pipeline.models(self.model_dir)


class RasaBackend:
    """Calls Rasa's `POST /model/parse`; falls back to `fallback` when Rasa fails."""

    def __init__(
        self,
        url: str = DEFAULT_RASA_URL,
        *,
        timeout: float = 0.5,
        retry_after: float = 10.0,
        threshold: float = RASA_THRESHOLD,
        fallback: NluBackend | None = None,
        client: httpx.AsyncClient | None = None,
        clock: Callable[[], float] = time.monotonic,
        model_dir: Path | str | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.retry_after = retry_after
        self.threshold = threshold
        self.model_dir = model_dir
        self.fallback: NluBackend = fallback or EmbeddedBackend(model_dir)
        self._client = client
        self._own_client = client is None
        self._clock = clock
        self._down_until = 0.0
        self.failures = 0

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None and self._own_client:
            await self._client.aclose()
        self._client = None

    def warm_up(self) -> None:
        self.fallback.warm_up()

    @property
    def available(self) -> bool:
        """False while Rasa is being left alone after a failure."""
        return self._clock() >= self._down_until

    async def parse(self, text: str, *, known_lang: str | None = None) -> ParseResult:
        if not self.available:
            return await self.fallback.parse(text, known_lang=known_lang)
        try:
            response = await self._http().post(
                f"{self.url}/model/parse", json={"text": text}, timeout=self.timeout
            )
            response.raise_for_status()
            intent, confidence, ranking = _read(response.json())
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            self.failures += 1
            self._down_until = self._clock() + self.retry_after
            log.warning(
                "Rasa at %s failed (%s); embedded model answers for %.0f s",
                self.url,
                type(exc).__name__,
                self.retry_after,
            )
            return await self.fallback.parse(text, known_lang=known_lang)
        if intent not in INTENTS or confidence < self.threshold:
            intent = "out_of_scope"
        return pipeline.assemble(
            text,
            intent,
            confidence,
            known_lang=known_lang,
            ranking=ranking,
            model_dir=self.model_dir,
        )


def _read(data: object) -> tuple[str, float, tuple[tuple[str, float], ...]]:
    """(intent, confidence, ranking) from a `/model/parse` answer; raises on a bad shape."""
    if not isinstance(data, dict):
        raise TypeError("answer is not an object")
    intent = data["intent"]
    name, confidence = str(intent["name"]), float(intent["confidence"])
    ranking = tuple(
        (str(r["name"]), round(float(r["confidence"]), 4))
        for r in data.get("intent_ranking", [])[:3]
    )
    return name, confidence, ranking


def make_backend(
    name: str = "embedded", rasa_url: str | None = None, model_dir: Path | str | None = None
) -> NluBackend:
    """The backend named by the `NLU_BACKEND` setting: `embedded` or `rasa`; `model_dir` is
    the embedded model's cache folder (`NLU_MODEL_DIR`)."""
    if name == "embedded":
        return EmbeddedBackend(model_dir)
    if name == "rasa":
        return RasaBackend(rasa_url or DEFAULT_RASA_URL, model_dir=model_dir)
    raise ValueError(f"unknown NLU backend {name!r} (expected 'embedded' or 'rasa')")
