"""PTB's transport over aiohttp, against the fake Bot API: forms, uploads, errors."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta

import pytest
from telegram import Bot
from telegram.error import NetworkError

from bot.channels.telegram_http import AiohttpRequest
from tests.fakes.server import ServerThread
from tests.fakes.telegram_api import FakeTelegram, flood


@pytest.fixture
def fake() -> Iterator[tuple[FakeTelegram, str]]:
    api = FakeTelegram()
    server = ServerThread(api.app).start()
    yield api, server.url
    server.stop()


def bot_for(url: str, token: str) -> Bot:
    return Bot(
        token,
        base_url=f"{url}/bot",
        base_file_url=f"{url}/file/bot",
        request=AiohttpRequest(pool_size=2),
    )


async def test_send_message_with_keyboard(fake: tuple[FakeTelegram, str]) -> None:
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    api, url = fake
    async with bot_for(url, api.token) as bot:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("العربية", callback_data="ar")]])
        msg = await bot.send_message(chat_id=42, text="نكمل بالعربية؟ 45 €", reply_markup=markup)
    assert msg.text == "نكمل بالعربية؟ 45 €"
    call = api.sent()[0]
    assert call.params["chat_id"] == "42" and call.params["text"] == "نكمل بالعربية؟ 45 €"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "ar"
    assert "python-telegram-bot" in call.headers["user-agent"]


async def test_file_upload_is_multipart(fake: tuple[FakeTelegram, str]) -> None:
    api, url = fake
    async with bot_for(url, api.token) as bot:
        await bot.send_document(
            chat_id=7, document=b"hello", filename="notes.txt", caption="export"
        )
    params = api.sent()[0].params
    assert params["document"] == {"filename": "notes.txt", "size": 5}
    assert params["chat_id"] == "7" and params["caption"] == "export"


async def test_errors_become_ptb_errors(fake: tuple[FakeTelegram, str]) -> None:
    from telegram.error import RetryAfter

    api, url = fake
    api.fail("sendMessage", flood(7))
    async with bot_for(url, api.token) as bot:
        with pytest.raises(RetryAfter) as err:
            await bot.send_message(chat_id=1, text="x")
    assert err.value.retry_after in (7, timedelta(seconds=7))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    async with bot_for(url, api.token) as bot:  # initialised, then pointed at nothing
        bot._base_url = f"{closed}/bot{api.token}"
        with pytest.raises(NetworkError):
            await bot.send_message(chat_id=1, text="x")
