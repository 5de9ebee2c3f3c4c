"""The simulator: a migrant's conversation on the real engine and NLU, with a contact that
exists only in the page (a signed form field): nothing is written, nothing is sent.
Events that would write data (a data request, a handover) are shown as notes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from itsdangerous import BadSignature, URLSafeSerializer

from content.catalog import LANGS
from flows import engine
from flows.events import (
    ConsentChanged,
    ContactFieldChanged,
    ContactLanguageChanged,
    DataRequested,
    FlowEntered,
    HandoverRequested,
    InputNotUnderstood,
    MsgCreated,
)
from nlu.backend import NluBackend

MAX_LINES = 80  # the transcript the page carries
MAX_TEXT = 1000
Who = Literal["user", "bot", "note"]
DATA_NOTES = {
    "show": "montrerait à la personne ce qui est gardé sur elle",
    "export": "enverrait à la personne toutes ses données",
    "delete": "effacerait toutes les données de la personne",
}


@dataclass
class Line:
    who: Who
    text: str
    lang: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)  # (id, title)


@dataclass
class SimState:
    lang: str = "und"
    consent: bool | None = None
    fields: dict[str, str] = field(default_factory=dict)
    session: dict[str, Any] | None = None
    is_new: bool = True
    mode: Literal["published", "draft"] = "published"
    lines: list[Line] = field(default_factory=list)

    @property
    def current(self) -> int | None:
        """The index of the bot's last message, when nothing was said after it."""
        for index in range(len(self.lines) - 1, -1, -1):
            if self.lines[index].who == "bot":
                return index
            if self.lines[index].who == "user":
                return None
        return None

    @property
    def choices(self) -> list[tuple[str, str]]:
        """The choices the person can press now (the bot's last message's)."""
        index = self.current
        return self.lines[index].choices if index is not None else []


def new_state(*, lang: str, known: bool, mode: str) -> SimState:
    """A new contact (onboarding first), or one already past it (consent given)."""
    lang = lang if lang in LANGS else ("fr" if known else "und")
    return SimState(
        lang=lang,
        consent=True if known else None,
        is_new=not known,
        mode="draft" if mode == "draft" else "published",
    )


class StateCodec:
    """The state travels in the page, signed: a forged one is refused, not trusted."""

    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="migracoop.admin.simulator")

    def dump(self, state: SimState) -> str:
        return str(self._serializer.dumps(asdict(state)))

    def load(self, value: str) -> SimState | None:
        try:
            raw = self._serializer.loads(value)
            return SimState(
                lang=str(raw["lang"]),
                consent=raw["consent"],
                fields={str(k): str(v) for k, v in raw["fields"].items()},
                session=raw["session"],
                is_new=bool(raw["is_new"]),
                mode="draft" if raw["mode"] == "draft" else "published",
                lines=[
                    Line(
                        line["who"],
                        str(line["text"]),
                        str(line["lang"]),
                        [(str(i), str(t)) for i, t in line["choices"]],
                    )
                    for line in raw["lines"]
                ],
            )
        except (BadSignature, KeyError, TypeError, ValueError, AttributeError):
            return None


async def turn(
    state: SimState,
    env: engine.Environment,
    nlu: NluBackend,
    *,
    text: str = "",
    payload: str | None = None,
) -> SimState:
    """One message from the simulated person; returns the new state with the replies."""
    text = text[:MAX_TEXT]
    pressed = next((t for i, t in state.choices if i == payload), None) if payload else None
    state.lines.append(Line("user", text or pressed or payload or "", state.lang))
    parse = None
    if text:
        parse = await nlu.parse(text, known_lang=state.lang if state.lang in LANGS else None)
        state.lines.append(
            Line(
                "note",
                f"compris : {parse.intent} ({parse.confidence:.2f}), langue {parse.lang}",
            )
        )
    session = engine.Session.from_json(state.session) if state.session else None
    result = engine.resume(
        env,
        engine.Contact(state.lang, state.consent, dict(state.fields), state.is_new),
        session,
        engine.Input(text, payload if pressed else None, parse),
    )
    state.is_new = False
    for event in result.events:
        note = _apply(state, event)
        if note:
            state.lines.append(Line("note", note))
    state.session = result.session.to_json() if result.session else None
    state.lines = state.lines[-MAX_LINES:]
    return state


def _apply(state: SimState, event: object) -> str | None:
    if isinstance(event, MsgCreated):
        choices = [(c.id, c.title) for c in event.choices]
        state.lines.append(Line("bot", event.text, event.lang, choices))
        return None
    if isinstance(event, ContactLanguageChanged):
        state.lang = event.lang
        return f"langue de la personne : {event.lang}"
    if isinstance(event, ConsentChanged):
        state.consent = event.given
        if not event.given:
            state.fields = {}
        return "accord pour garder ses réponses : " + ("oui" if event.given else "non")
    if isinstance(event, ContactFieldChanged):
        if state.consent:
            state.fields[event.field] = event.value
            return f"réponse gardée : {event.field} = {event.value}"
        return f"réponse non gardée (pas d'accord) : {event.field}"
    if isinstance(event, HandoverRequested):
        return (
            f"simulation : une demande ({event.reason}) serait ouverte pour l'équipe ; "
            "rien n'est créé"
        )
    if isinstance(event, DataRequested):
        return f"simulation : le bot {DATA_NOTES.get(event.op, event.op)} ; rien n'est fait"
    if isinstance(event, FlowEntered):
        return f"→ parcours « {event.flow_id} »"
    if isinstance(event, InputNotUnderstood):
        return f"pas compris ({event.count} fois de suite)"
    return None
