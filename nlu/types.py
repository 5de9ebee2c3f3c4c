"""What the NLU returns: language, intent with confidence, and entities."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

LANGS: Final = ("fr", "ar", "prs", "ti")
UNKNOWN_LANG: Final = "und"

INTENTS: Final = (
    "greet",
    "goodbye",
    "thanks",
    "menu",
    "change_language",
    "learn_coop",
    "check_eligibility",
    "admin_steps",
    "log_sale",
    "sales_summary",
    "workshop_info",
    "talk_to_human",
    "affirm",
    "deny",
    "privacy",
    "out_of_scope",
)


@dataclass(frozen=True, slots=True)
class Entity:
    # "amount" (euros, float), "quantity" (int), "product" (str), "day" (today|yesterday)
    entity: str
    value: float | int | str


@dataclass(frozen=True, slots=True)
class ParseResult:
    text: str
    lang: str
    intent: str
    confidence: float
    entities: tuple[Entity, ...] = ()
    lang_confidence: float = 0.0
    # The model's top intents with their probabilities, before the threshold.
    ranking: tuple[tuple[str, float], ...] = ()

    def entity(self, name: str) -> float | int | str | None:
        for e in self.entities:
            if e.entity == name:
                return e.value
        return None

    def to_json(self) -> dict[str, object]:
        """The `python -m nlu parse` line: text, lang, intent, confidence, entities."""
        return {
            "text": self.text,
            "lang": self.lang,
            "intent": self.intent,
            "confidence": self.confidence,
            "entities": [{"entity": e.entity, "value": e.value} for e in self.entities],
        }
