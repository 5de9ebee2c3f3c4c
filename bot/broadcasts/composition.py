"""A broadcast's texts, one per language, and the review gate in front of sending.

A text is `reviewed` (a person wrote or checked it: a text given on the command line is
reviewed by whoever gives it), `machine` (a machine-translation draft from French that no
one has checked yet: never sent) or `french` (the facilitator chose to send the French
text to that language). Sending is refused until every language the audience speaks
has a reviewed text or an explicit `french`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final, Literal

from bot.core.messages import Attachment
from content.catalog import BASE_LANG, LANGS, Catalog, load_locale_files
from content.stop_words import stop_word

TextStatus = Literal["reviewed", "machine", "french"]
MediaKind = Literal["image", "audio"]
MEDIA_KINDS: Final = ("image", "audio")
MAX_TEXT: Final = 4000  # under Telegram's 4096 with the stop line; WhatsApp splits at 1600
STOP_LINE: Final = "broadcasts.how_to_stop"  # "To stop these announcements, write STOP"


class CompositionError(ValueError):
    """A text or a medium that cannot be used; the message says why."""


@dataclass(frozen=True)
class Media:
    kind: MediaKind
    ref: str  # an https URL (every channel) or a Telegram file id (Telegram only)

    def attachment(self) -> Attachment:
        return Attachment(self.kind, self.ref)


@dataclass(frozen=True)
class LangText:
    lang: str
    text: str
    status: TextStatus
    machine_text: str | None = None  # the machine draft as it came, for comparison
    reviewed_by: str | None = None
    media: Media | None = None


RefusalCode = Literal["missing", "machine", "no_french"]
REASONS: Final[dict[str, str]] = {
    "missing": "no text",
    "machine": "machine draft not reviewed",
    "no_french": "the French text to send is missing or not reviewed",
}


@dataclass(frozen=True)
class Refusal:
    """Why one language cannot be sent yet."""

    lang: str
    code: RefusalCode

    @property
    def reason(self) -> str:
        return REASONS[self.code]

    def __str__(self) -> str:
        return f"{self.lang}: {self.reason}"


@dataclass(frozen=True)
class Outgoing:
    """What one language's recipients get."""

    text: str
    attachments: tuple[Attachment, ...]


def check_text(lang: str, text: str) -> str:
    """The text, stripped; CompositionError when it is empty, too long or not ours."""
    if lang not in LANGS:
        raise CompositionError(f"unknown language {lang!r} (expected one of {', '.join(LANGS)})")
    text = text.strip()
    if not text:
        raise CompositionError(f"the {lang} text is empty")
    if len(text) > MAX_TEXT:
        raise CompositionError(f"the {lang} text has {len(text)} characters (at most {MAX_TEXT})")
    return text


def check_media(kind: str, ref: str) -> Media:
    ref = ref.strip()
    if kind not in MEDIA_KINDS:
        raise CompositionError(f"unknown medium {kind!r} (expected image or audio)")
    if ref.startswith("https://") and len(ref) <= 1024 and " " not in ref:
        return Media(kind, ref)  # type: ignore[arg-type]
    if 10 <= len(ref) <= 200 and ref.replace("-", "").replace("_", "").isalnum():
        return Media(kind, ref)  # type: ignore[arg-type]
    raise CompositionError(f"{ref[:60]!r} is neither an https URL nor a Telegram file id")


@dataclass(frozen=True)
class Composition:
    texts: Mapping[str, LangText]

    def refusals(self, langs: Iterable[str]) -> list[Refusal]:
        """The languages in `langs` that cannot be sent yet, and why (empty: send)."""
        out = []
        for lang in sorted(set(langs), key=_order):
            entry = self.texts.get(lang)
            if entry is None:
                out.append(Refusal(lang, "missing"))
            elif entry.status == "machine":
                out.append(Refusal(lang, "machine"))
            elif entry.status == "french" and not self._french_ready():
                out.append(Refusal(lang, "no_french"))
        return out

    def _french_ready(self) -> bool:
        french = self.texts.get(BASE_LANG)
        return french is not None and french.status == "reviewed"

    def outgoing(self, lang: str) -> Outgoing | None:
        """What goes to `lang`, or None when nothing may go (the gate refuses it)."""
        entry = self.texts.get(lang)
        if entry is None or entry.status == "machine":
            return None
        source = entry
        if entry.status == "french":
            french = self.texts.get(BASE_LANG)
            if french is None or french.status != "reviewed":
                return None
            source = french
        media = entry.media or (source.media if source is not entry else None)
        return Outgoing(source.text, (media.attachment(),) if media else ())


def _order(lang: str) -> int:
    return LANGS.index(lang) if lang in LANGS else len(LANGS)


def stop_lines(catalog: Catalog | None = None) -> dict[str, str]:
    """Per language, the last line of every broadcast: how to stop them, with the stop word
    of that language (content/stop_words.py). From `catalog` (the texts in use), else, or
    where it lacks the text (a database seeded before it), the shipped texts."""
    shipped = _shipped()
    return {
        lang: (catalog if catalog and catalog.has(STOP_LINE, lang) else shipped).text(
            STOP_LINE, lang, word=stop_word(lang)
        )
        for lang in LANGS
    }


def signed(text: str, stop_line: str | None) -> str:
    """A broadcast's text as it goes: the stop line last, after an empty line."""
    return f"{text}\n\n{stop_line}" if stop_line else text


_SHIPPED: list[Catalog] = []


def _shipped() -> Catalog:
    if not _SHIPPED:
        _SHIPPED.append(Catalog(load_locale_files()))
    return _SHIPPED[0]
