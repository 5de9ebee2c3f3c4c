"""Every event the engine can report has exactly one host-side handler."""

from __future__ import annotations

import typing

import pytest

from bot.core import handlers
from flows.events import Event


def test_every_event_type_has_a_handler() -> None:
    assert set(typing.get_args(Event)) == set(handlers.HANDLERS)


def test_a_second_handler_for_a_type_is_refused() -> None:
    class Ping:
        pass

    @handlers.handles(Ping)
    def first(scene: object, event: Ping) -> None:
        return None

    with pytest.raises(ValueError, match="two handlers for Ping"):
        handlers.handles(Ping)(first)
    del handlers.HANDLERS[Ping]


def test_an_event_without_handler_is_an_error() -> None:
    with pytest.raises(KeyError):
        handlers.apply(None, [object()])  # type: ignore[arg-type]
