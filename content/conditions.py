"""Conditions in content files: `{question: [choice, …]}` holds when every named answer is one
of its listed choices (an unanswered question holds none). Rules and checklists share them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from content.loading import Id

# A contact's answers: question id -> choice id.
Answers = Mapping[str, str]


def _listify(value: Any) -> Any:
    """`{project: food}` is short for `{project: [food]}`."""
    if isinstance(value, Mapping):
        return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
    return value


Condition = Annotated[
    dict[Id, Annotated[tuple[Id, ...], Field(min_length=1)]], BeforeValidator(_listify)
]


def matches(condition: Mapping[str, tuple[str, ...]], answers: Answers) -> bool:
    return all(answers.get(question) in choices for question, choices in condition.items())
