"""How a message answers the question waiting for it.

Explicit answers are what a person does on purpose: a pressed button, its number (any
digit system, keycaps too), its label in any of our languages (with or without its emoji)
or one of its words, or a message that is only a yes or a no (flows/yes_no.py; a plain yes
for a `firm` choice: consent, deleting data). They are
the only answers to a choice marked `explicit`. Other choices also take a choice word or a
yes/no word inside a sentence, or an NLU intent sure enough for the use.
"""

from __future__ import annotations

import re

from content.catalog import LANGS
from flows.model import Ask, Choice
from flows.run import Run
from flows.yes_no import NO_SIGNS, YES_SIGNS, exact_yes_no, firm_yes, fold, yes_no_in
from nlu.numbers import ascii_digits
from nlu.types import ParseResult

MAX_VAR_LENGTH = 500

_KEYCAP = re.compile(r"^(\d+)\s*(?:\ufe0f?\u20e3)?[.)]?$")
_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")
_SIGNS = YES_SIGNS | NO_SIGNS


def _forms(text: str) -> set[str]:
    """A label as typed answers compare with it: folded, and without its ✅ ❌ signs."""
    folded = fold(text)
    bare = " ".join(w for w in folded.split() if w not in _SIGNS)
    return {f for f in (folded, bare) if f}


def _labels(choice: Choice, run: Run) -> set[str]:
    """Everything that names the choice: its title here, in every language, its words."""
    forms = _forms(run.choice_title(choice))
    if not choice.literal:
        for lang in LANGS:
            if title := run.catalog.raw(choice.label, lang):
                forms |= _forms(title)
    for word in choice.words:
        forms |= _forms(word)
    return forms


def explicit_choice(ask: Ask, text: str, payload: str | None, run: Run) -> Choice | None:
    """The choice a person picked on purpose, if any (see the module docstring)."""
    if payload:
        for c in ask.choices:
            if c.id == payload:
                return c
    digits = _KEYCAP.match(ascii_digits(text))
    if digits:
        index = int(digits.group(1)) - 1
        return ask.visible[index] if 0 <= index < len(ask.visible) else None
    folded = fold(text)
    if not folded:
        return None
    for c in ask.choices:
        if folded in _labels(c, run):
            return c
    said = exact_yes_no(text)
    meant = [c for c in ask.choices if said and c.means == said]
    firm = meant[0].firm if len(meant) == 1 else None
    if len(meant) != 1 or (firm and said == "yes" and not firm_yes(text, agree=firm == "agree")):
        return None
    return meant[0]


def named_choice(ask: Ask, text: str) -> Choice | None:
    """The one choice not marked explicit that a sentence names by one of its words or its
    literal label: "je veux parler arabe", "أريد العربية"."""
    named = [c for c in ask.choices if not ask.needs_explicit(c) and names(text, c)]
    return named[0] if len(named) == 1 else None


def loose_choice(ask: Ask, text: str, parse: ParseResult | None, bar: float) -> Choice | None:
    """A choice not marked explicit, read from a sentence: a yes or a no inside it ("oui je
    continue"), or an intent of the NLU at `bar` or above."""
    open_choices = [c for c in ask.choices if not ask.needs_explicit(c)]
    said = yes_no_in(text)
    meant = [c for c in open_choices if said and c.means == said]
    if len(meant) == 1:
        return meant[0]
    if parse is not None and parse.confidence >= bar:
        for c in open_choices:
            if parse.intent in c.intents:
                return c
    return None


def names(text: str, choice: Choice) -> bool:
    """The sentence holds one of the choice's words or its literal label, alone or glued to
    a short prefix ("بالعربية", "ብትግርኛ", "l'arabe")."""
    names = {f for w in choice.words for f in _forms(w)}
    if choice.literal:
        names |= _forms(choice.label)
    words = fold(text).split()
    return any(_inside(name, words) for name in names)


def _inside(phrase: str, words: list[str]) -> bool:
    parts = phrase.split()
    if len(parts) == 1:
        word = parts[0]
        return any(w == word or (len(word) >= 4 and w.endswith(word)) for w in words)
    return any(words[i : i + len(parts)] == parts for i in range(len(words) - len(parts) + 1))


def free_answer(ask: Ask, text: str, payload: str | None) -> str | None:
    """The answer to a number or text question, as stored; None when it is not one."""
    if payload and not text:
        return None
    if ask.kind == "number":
        found = _NUMBER.search(ascii_digits(text).replace("\u066b", "."))
        if not found:
            return None
        number = float(found.group(0).replace(",", "."))
        if (ask.minimum is not None and number < ask.minimum) or (
            ask.maximum is not None and number > ask.maximum
        ):
            return None
        return f"{number:g}"
    if ask.kind == "text" and text and not text.startswith("/"):
        return text[: min(ask.max_length, MAX_VAR_LENGTH)]
    return None
