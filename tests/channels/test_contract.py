"""One conversation, three channels: the same outcomes whatever the wire format."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.channels.conftest import Reply, Stack

CHANNELS = ["console", "telegram", "whatsapp"]


async def transcript(stack: Stack, channel: str) -> list[list[Reply]]:
    """Greet, take the first choice twice, ask for the menu, send a voice note."""
    h = stack.harness(channel)
    steps: list[list[Reply]] = []
    seen = 0

    async def step(status: int) -> None:
        nonlocal seen
        assert status == 200
        await h.deliver()
        replies = h.replies(1)
        steps.append(replies[seen:])
        seen = len(replies)

    await step(await h.say(1, "Bonjour"))
    await step(await h.press(1, 1))
    await step(await h.press(1, 1))
    await step(await h.say(1, "menu"))
    await step(await h.voice(1))
    return steps


async def test_same_conversation_same_outcomes(stack: Stack) -> None:
    results = {name: await transcript(stack, name) for name in CHANNELS}
    console = results["console"]
    assert all(console), f"every step gets a reply: {console}"
    assert any(r.choices for step in console for r in step), "the conversation offers choices"
    for name in ("telegram", "whatsapp"):
        assert results[name] == console, f"{name} differs from the console"


@pytest.mark.parametrize("channel", CHANNELS)
async def test_voice_note_gets_handover(stack: Stack, channel: str) -> None:
    h = stack.harness(channel)
    assert await h.say(2 if channel != "console" else 1, "Bonjour") == 200
    user = 2 if channel != "console" else 1
    assert await h.voice(user) == 200
    await h.deliver()
    async with stack.services.db.connect() as conn:
        tickets = (await conn.execute(text("SELECT reason FROM handover_tickets"))).all()
    assert [t.reason for t in tickets] == ["voice_message"]
    assert h.replies(user)[-1].text
