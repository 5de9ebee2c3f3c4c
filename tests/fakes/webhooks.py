"""What the platforms send us: Telegram updates and signed Twilio forms, as bytes on the
wire, for tests and benchmarks that post to a real server."""

from __future__ import annotations

import itertools
import json
import os
import time
from typing import Any
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from tests.fakes.telegram_api import TOKEN
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER

PUBLIC = "https://bot.example.org"
TG_SECRET = "webhook-secret-0123456789"
TELEGRAM_PATH = "/webhooks/telegram"
WHATSAPP_PATH = "/webhooks/whatsapp"
_ids = itertools.count(int(time.time()) % 1_000_000 * 1000)


def chat_id(user: int) -> int:
    return 7_000_000 + user


def number(user: int) -> str:
    return f"+3361{user:07d}"


def telegram_update(user: int, text: str, **extra: Any) -> dict[str, Any]:
    uid = next(_ids)
    chat = chat_id(user)
    return {
        "update_id": uid,
        "message": {
            "message_id": uid,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "Amina"},
            "from": {"id": chat, "is_bot": False, "first_name": "Amina", "language_code": "fr"},
            "text": text,
            **extra,
        },
    }


def my_chat_member(user: int, status: str) -> dict[str, Any]:
    """A user blocking ("kicked") or unblocking ("member") the bot."""
    chat = chat_id(user)
    bot = {"id": 999000, "is_bot": True, "first_name": "Migracoop"}
    person = {"id": chat, "is_bot": False, "first_name": "Amina"}
    before = "member" if status == "kicked" else "kicked"
    member = {"user": bot, "status": before}
    if before == "kicked":
        member["until_date"] = 0
    new: dict[str, Any] = {"user": bot, "status": status}
    if status == "kicked":
        new["until_date"] = 0
    return {
        "update_id": next(_ids),
        "my_chat_member": {
            "chat": {"id": chat, "type": "private", "first_name": "Amina"},
            "from": person,
            "date": int(time.time()),
            "old_chat_member": member,
            "new_chat_member": new,
        },
    }


def telegram_request(update: dict[str, Any] | bytes) -> tuple[str, bytes, dict[str, str]]:
    body = update if isinstance(update, bytes) else json.dumps(update).encode()
    headers = {"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TG_SECRET}
    return TELEGRAM_PATH, body, headers


def whatsapp_form(user: int, text: str, **extra: str) -> dict[str, str]:
    return {
        "AccountSid": ACCOUNT_SID,
        "MessageSid": f"SM{next(_ids):032d}",
        "From": f"whatsapp:{number(user)}",
        "To": SENDER,
        "NumMedia": "0",
        "Body": text,
        **extra,
    }


def whatsapp_request(
    params: dict[str, str], path: str = WHATSAPP_PATH
) -> tuple[str, bytes, dict[str, str]]:
    signature = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC + path, params)
    headers = {"content-type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature}
    return path, urlencode(params).encode(), headers


def message(channel: str, user: int, text: str) -> tuple[str, bytes, dict[str, str]]:
    """One user message on `channel` ("telegram" or "whatsapp"), ready to post."""
    if channel == "telegram":
        return telegram_request(telegram_update(user, text))
    return whatsapp_request(whatsapp_form(user, text))


def recipient(channel: str, user: int) -> str:
    """How the fake platform names the user (Telegram chat id, Twilio To)."""
    return str(chat_id(user)) if channel == "telegram" else f"whatsapp:{number(user)}"


def bot_env(
    database_url: str, telegram_url: str, twilio_url: str, **settings: str
) -> dict[str, str]:
    """The environment of a bot process talking to these fakes (other settings unset)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ADMIN_", "TELEGRAM_", "TWILIO_", "OUTBOX_", "WORKER_"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": PUBLIC,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
            "TELEGRAM_API_BASE_URL": telegram_url,
            "TELEGRAM_MODE": "webhook",
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_WHATSAPP_FROM": SENDER,
            "TWILIO_API_BASE_URL": twilio_url,
            "LOG_LEVEL": "INFO",
            **settings,
        }
    )
    return env
