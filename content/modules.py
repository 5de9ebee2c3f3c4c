"""Learning modules (content/modules/*.yaml, one file each): a few short messages, an optional
picture and recording per language, and a quiz. A new module is a new file and its texts."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from content.catalog import BASE_LANG, LANGS
from content.loading import ContentError, Id, Strict, TextKey, parse, read_sources
from content.messages import Message, Progress, message, progress

MODULES_DIR = Path(__file__).parent / "modules"
# Pictures and recordings live here; the host serves them under /media/<reference>.
MEDIA_DIR = Path(__file__).parent / "media"
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
# What both Telegram (voice/audio) and WhatsApp accept.
AUDIO_SUFFIXES = frozenset({".ogg", ".mp3", ".m4a"})

MediaRef = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]*(/[a-z0-9_\-.]+)*$")]


class LearnText(StrEnum):
    """Texts around the modules ({placeholders} filled by the host)."""

    LIST = "learn.list"  # {total}: above the list of module titles
    PROGRESS = "learn.progress"  # {done} {total}: "3 of 7 done ✅"
    RESUME = "learn.resume"  # {title}: coming back to an unfinished module
    MORE = "learn.more"  # button: the module's next message
    NEXT = "learn.next"  # button: the next module
    MODULES = "learn.modules"  # button: the list of modules
    ALL_DONE = "learn.all_done"


def _text_or_mapping(value: Any) -> Any:
    """A message is a text key, or `{text: key, check: true}` for a fact to confirm."""
    return {"text": value} if isinstance(value, str) else value


class ModuleMessage(Strict):
    text: TextKey
    check: bool = False  # a fact to confirm with a person: the message ends with CONFIRM


class QuizChoice(Strict):
    id: Id
    label: TextKey  # a button
    # A yes (or no) word alone selects it, where the question is a yes/no one ("Must it be
    # noted?" — "✅ Yes, always"), as in "can I join?" (content/eligibility.py).
    means: Literal["yes", "no"] | None = None


class Quiz(Strict):
    question: TextKey
    choices: tuple[QuizChoice, ...] = Field(min_length=2, max_length=3)  # buttons everywhere
    answer: Id
    right: TextKey  # feedback when the answer is right
    wrong: TextKey  # feedback otherwise; it says the right answer

    @model_validator(mode="after")
    def _answer_is_a_choice(self) -> Quiz:
        ids = [c.id for c in self.choices]
        if len(ids) != len(set(ids)):
            raise ValueError("choice ids must be unique")
        if self.answer not in ids:
            raise ValueError(f"answer {self.answer!r} is not one of the choices {ids}")
        return self

    def is_right(self, choice_id: str) -> bool:
        return choice_id == self.answer

    def feedback(self, choice_id: str) -> str:
        return self.right if self.is_right(choice_id) else self.wrong


def _check_media(refs: dict[str, str], suffixes: frozenset[str]) -> dict[str, str]:
    for lang, ref in refs.items():
        if lang not in LANGS:
            raise ValueError(f"{lang!r} is not a language ({', '.join(LANGS)})")
        if ".." in PurePosixPath(ref).parts or PurePosixPath(ref).suffix not in suffixes:
            raise ValueError(
                f"{lang}: {ref!r} must be a file under media/ ending in {sorted(suffixes)}"
            )
    return refs


class Module(Strict):
    id: Id
    order: int = Field(ge=1)
    title: TextKey
    messages: tuple[Annotated[ModuleMessage, BeforeValidator(_text_or_mapping)], ...] = Field(
        min_length=2, max_length=5
    )
    image: dict[str, MediaRef] = Field(default_factory=dict)  # language -> file under media/
    # language -> a facilitator's recording of the module
    audio: dict[str, MediaRef] = Field(default_factory=dict)
    quiz: Quiz

    @field_validator("image")
    @classmethod
    def _images(cls, refs: dict[str, str]) -> dict[str, str]:
        return _check_media(refs, IMAGE_SUFFIXES)

    @field_validator("audio")
    @classmethod
    def _audio(cls, refs: dict[str, str]) -> dict[str, str]:
        return _check_media(refs, AUDIO_SUFFIXES)

    def image_for(self, lang: str) -> str | None:
        """The picture in this language, else the French one: a picture helps anyway."""
        return self.image.get(lang) or self.image.get(BASE_LANG)

    def audio_for(self, lang: str) -> str | None:
        """The recording in this language only: another language does not help a listener."""
        return self.audio.get(lang)

    def to_send(self) -> tuple[Message, ...]:
        """The module's messages, in order (the quiz comes after, from `quiz`)."""
        return tuple(message((m.text,), check=m.check) for m in self.messages)

    def text_keys(self) -> set[str]:
        quiz = self.quiz
        return {
            self.title,
            *(m.text for m in self.messages),
            quiz.question,
            *(c.label for c in quiz.choices),
            quiz.right,
            quiz.wrong,
        }


def parse_module(source: str, name: str) -> Module:
    return parse(Module, source, name)


def modules_from_sources(
    sources: Iterable[tuple[str, str]], media_exists: Callable[[str], bool] | None = None
) -> tuple[Module, ...]:
    """(name, YAML) pairs -> the modules in their order; ids and orders unique; each media
    reference checked with `media_exists` when given."""
    modules: list[Module] = []
    seen_ids: dict[str, str] = {}
    seen_orders: dict[int, str] = {}
    for name, source in sources:
        module = parse_module(source, name)
        if module.id in seen_ids:
            raise ContentError(
                f"{name}: field id: {module.id!r} is already used by {seen_ids[module.id]}"
            )
        if module.order in seen_orders:
            used_by = seen_orders[module.order]
            raise ContentError(f"{name}: field order: {module.order} is already used by {used_by}")
        seen_ids[module.id], seen_orders[module.order] = name, name
        if media_exists is not None:
            for field, refs in (("image", module.image), ("audio", module.audio)):
                for lang, ref in refs.items():
                    if not media_exists(ref):
                        raise ContentError(f"{name}: field {field}.{lang}: no file media/{ref}")
        modules.append(module)
    if not modules:
        raise ContentError("no module found")
    return tuple(sorted(modules, key=lambda m: m.order))


def load_modules(directory: Path = MODULES_DIR, media_dir: Path = MEDIA_DIR) -> tuple[Module, ...]:
    return modules_from_sources(read_sources(directory), lambda ref: (media_dir / ref).is_file())


def learn_progress(modules: Iterable[Module], done: Iterable[str]) -> Progress:
    return progress((m.id for m in modules), done)


def next_module(
    modules: Iterable[Module], done: Collection[str], after: str | None = None
) -> Module | None:
    """Where to go on: the first module not done after `after` (the one just finished or
    left), else the first not done from the start; None when all are done."""
    ordered = list(modules)
    start = next((i + 1 for i, m in enumerate(ordered) if m.id == after), 0)
    for module in ordered[start:] + ordered[:start]:
        if module.id not in done:
            return module
    return None


def module_by_id(modules: Iterable[Module], module_id: str) -> Module | None:
    return next((m for m in modules if m.id == module_id), None)
