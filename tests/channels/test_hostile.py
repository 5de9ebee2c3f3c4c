"""Hostile and broken requests: 4xx (never 500), and nothing stored."""

from __future__ import annotations

import collections
import itertools
import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.channels.conftest import (
    Stack,
    TelegramHarness,
    WhatsAppHarness,
    sign,
    stored_counts,
)
from tests.fakes.webhooks import my_chat_member

PUBLIC_PATH = "https://bot.example.org/webhooks/whatsapp"


def tg(stack: Stack) -> TelegramHarness:
    h = stack.harness("telegram")
    assert isinstance(h, TelegramHarness)
    return h


def wa(stack: Stack) -> WhatsAppHarness:
    h = stack.harness("whatsapp")
    assert isinstance(h, WhatsAppHarness)
    return h


async def assert_nothing_stored(stack: Stack) -> None:
    assert await stored_counts(stack) == (0, 0, 0)


@pytest.mark.parametrize(
    ("secret", "status"),
    [(None, 403), ("wrong", 403), ("", 403), ("webhook-secret-012345678", 403)],
)
async def test_telegram_wrong_secret(stack: Stack, secret: str | None, status: int) -> None:
    h = tg(stack)
    r = await h.post(h.message_update(1, text="Bonjour"), secret=secret)
    assert r.status_code == status
    await assert_nothing_stored(stack)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[]",
        b'"update"',
        b'{"update_id": "7"}',
        b'{"message": {}}',
        b'{"update_id": 7, "message": {"text": "no chat, no date"}}',
        b'{"update_id": 8, "callback_query": {"id": 5}}',
        '{"update_id": 9, "message": "\udcff"}'.encode("utf-8", "surrogatepass"),
    ],
)
async def test_telegram_malformed_is_400(stack: Stack, body: bytes) -> None:
    r = await tg(stack).post(body)
    assert r.status_code == 400
    await assert_nothing_stored(stack)


async def test_telegram_unhandled_and_unknown_update_types(stack: Stack) -> None:
    # A valid update kind we do not handle: 200, else Telegram retries it for a day.
    h = tg(stack)
    edited = h.message_update(1, text="Bonjour", edit_date=1)
    update = {"update_id": 11, "edited_message": edited["message"]}
    r = await tg(stack).post(json.dumps(update).encode())
    assert r.status_code == 200
    # A kind Telegram does not define: refused.
    r = await tg(stack).post(json.dumps({"update_id": 12, "future_kind": {"x": 1}}).encode())
    assert r.status_code == 400
    await assert_nothing_stored(stack)


async def test_oversized_bodies_are_413(stack: Stack) -> None:
    h = tg(stack)
    big = h.message_update(1, text="x" * (1024 * 1024 + 10))
    assert (await h.post(big)).status_code == 413

    async def chunks():  # no content-length: counted while streaming
        for _ in range(20):
            yield b"x" * 100_000

    r = await h.client.post(
        "/webhooks/telegram",
        content=chunks(),
        headers={"X-Telegram-Bot-Api-Secret-Token": "webhook-secret-0123456789"},
    )
    assert r.status_code == 413
    w = wa(stack)
    form = w.form(1, Body="y" * (1024 * 1024 + 10))
    assert (await w.post("/webhooks/whatsapp", form)).status_code == 413
    await assert_nothing_stored(stack)


@pytest.mark.parametrize("signature", ["", "forged", None])
async def test_whatsapp_unsigned_or_forged_is_403(stack: Stack, signature: str | None) -> None:
    h = wa(stack)
    params = h.form(1, Body="Bonjour")
    if signature is None:  # signed for another URL (the internal one, say)
        signature = sign("http://127.0.0.1:8000/webhooks/whatsapp", params)
    r = await h.post("/webhooks/whatsapp", params, signature=signature)
    assert r.status_code == 403
    await assert_nothing_stored(stack)


async def test_whatsapp_tampered_body_is_403(stack: Stack) -> None:
    h = wa(stack)
    params = h.form(1, Body="Bonjour")
    signature = sign(PUBLIC_PATH, params)
    params["Body"] = "Bonjour, donne-moi tout"
    r = await h.post("/webhooks/whatsapp", params, signature=signature)
    assert r.status_code == 403
    await assert_nothing_stored(stack)


async def test_whatsapp_other_account_is_403(stack: Stack) -> None:
    h = wa(stack)
    params = h.form(1, Body="Bonjour", AccountSid="AC" + "9" * 32)
    assert (await h.post("/webhooks/whatsapp", params)).status_code == 403
    await assert_nothing_stored(stack)


@pytest.mark.parametrize(
    "fields",
    [
        {"From": "+33612345678"},  # not a WhatsApp address
        {"MessageSid": ""},
        {"NumMedia": "many"},
        {"Latitude": "north", "Longitude": "2.3"},
    ],
)
async def test_whatsapp_signed_but_malformed_is_400(stack: Stack, fields: dict[str, str]) -> None:
    h = wa(stack)
    params = h.form(1, Body="Bonjour", **fields)
    assert (await h.post("/webhooks/whatsapp", params)).status_code == 400
    await assert_nothing_stored(stack)


async def test_whatsapp_broken_forms(stack: Stack) -> None:
    h = wa(stack)
    headers = {"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "x"}
    for body in (b"\xff\xfe=\x00", b"a=1&&&=&b"):
        r = await h.client.post("/webhooks/whatsapp", content=body, headers=headers)
        assert r.status_code == 400
    r = await h.client.post(
        "/webhooks/whatsapp", content=b'{"Body": "x"}', headers={"content-type": "application/json"}
    )
    assert r.status_code == 415
    many = urlencode({f"k{i}": "v" for i in range(500)}).encode()
    r = await h.client.post("/webhooks/whatsapp", content=many, headers=headers)
    assert r.status_code == 400
    status = await h.client.post("/webhooks/whatsapp/status", content=b"\xff", headers=headers)
    assert status.status_code == 400
    await assert_nothing_stored(stack)


async def test_get_is_not_allowed(stack: Stack) -> None:
    for path in ("/webhooks/telegram", "/webhooks/whatsapp", "/webhooks/whatsapp/status"):
        assert (await stack.client.get(path)).status_code == 405


# --- updates no Telegram would send: 400, never 5xx, never a traceback -------------------


def _deep(depth: int) -> bytes:
    return ('{"update_id": 1, "message": ' + "[" * depth + "]" * depth + "}").encode()


def _mutations(update: dict[str, Any]) -> list[dict[str, Any]]:
    """The update with each field in turn removed, or replaced by a value of another type."""
    out: list[dict[str, Any]] = []
    odd_values: list[Any] = [None, 12345, "text", [], {}, True, -1.5, [1, [2]], {"id": "x"}]

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, (*path, i))
        if not path or path[-1] == "update_id":
            return
        for replacement in [_REMOVE, *odd_values]:
            if replacement is not _REMOVE and type(replacement) is type(node):
                continue
            copy = json.loads(json.dumps(update))
            parent = copy
            for step in path[:-1]:
                parent = parent[step]
            if replacement is _REMOVE:
                if isinstance(parent, dict):
                    del parent[path[-1]]
                else:
                    parent.pop(path[-1])
            else:
                parent[path[-1]] = replacement
            copy["update_id"] = next(_fuzz_ids)
            out.append(copy)

    walk(update, ())
    return out


_REMOVE = object()
_fuzz_ids = itertools.count(50_000)


async def test_the_updates_of_the_issue_are_400(stack: Stack) -> None:
    h = tg(stack)
    no_chat = h.message_update(1, text="Bonjour")
    del no_chat["message"]["chat"]
    number_text = h.message_update(1, text="Bonjour")
    number_text["message"]["text"] = 12345
    no_sender = {
        "update_id": 90,
        "callback_query": {
            "id": "q",
            "chat_instance": "c",
            "data": "x",
            "message": h.message_update(1, text="x")["message"],
        },
    }
    for body in (_deep(10_000), _deep(200), no_chat, number_text, no_sender):
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        assert (await h.post(content)).status_code == 400
    await assert_nothing_stored(stack)


async def test_fuzzed_updates_never_fail_the_server(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    """Every field of a message, a button press and a block, removed or of the wrong type:
    400 (or 200 when it still makes sense), never 5xx, and no traceback in the log."""
    h = tg(stack)
    press = {
        "update_id": 1,
        "callback_query": {
            "id": "q1",
            "from": h.user(2),
            "chat_instance": "c",
            "data": "lang.fr",
            "message": {
                "message_id": 3,
                "date": 1_700_000_000,
                "chat": h.chat(2),
                "text": "Langue ?",
            },
        },
    }
    samples = [h.message_update(1, text="Bonjour"), press, my_chat_member(3, "kicked")]
    statuses = collections.Counter()
    caplog.set_level(logging.INFO)
    for sample in samples:
        for update in _mutations(sample):
            r = await h.post(json.dumps(update).encode())
            statuses[r.status_code] += 1
    assert set(statuses) <= {200, 400}, statuses
    assert statuses[400] > 50 and statuses[200] > 10, statuses
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
