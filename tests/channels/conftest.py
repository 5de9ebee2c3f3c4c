"""Channel stacks on the test database: our app (ASGI) + the real PTB/twilio code + fakes.

Each harness speaks one channel's wire format both ways, and reduces what reached the
fake to `Reply(text, choices)`, so one contract suite can run against every channel.
"""

from __future__ import annotations

import io
import itertools
import re
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlencode

import httpx
import pytest
from twilio.request_validator import RequestValidator

from bot.app import create_app
from bot.channels.console import ConsoleChannel
from bot.channels.telegram import SECRET_HEADER, TelegramChannel
from bot.channels.whatsapp import WhatsAppChannel
from bot.core.content import seed_if_empty
from bot.core.messages import Attachment, InboundMessage
from bot.core.render import KEYCAPS
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings
from tests.fakes.server import ServerThread
from tests.fakes.telegram_api import BOT_USER, FakeTelegram
from tests.fakes.twilio_api import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeTwilio

PUBLIC = "https://bot.example.org"
TG_SECRET = "webhook-secret-0123456789"
_ids = itertools.count(1000)


@dataclass(frozen=True)
class Reply:
    text: str
    choices: tuple[str, ...] = ()


_MARK = re.compile(r"^(?:" + "|".join(map(re.escape, KEYCAPS)) + r"|\d+\.) (.+)$")


def parse_numbered(body: str) -> Reply:
    """Undo render.numbered: trailing "1️⃣ title" / "1. title" lines are the choices."""
    lines = body.split("\n")
    choices: list[str] = []
    while lines and (m := _MARK.match(lines[-1])):
        choices.insert(0, m.group(1))
        lines.pop()
    if choices and lines and lines[-1] == "":
        lines.pop()
    elif choices:  # not a list after all
        return Reply(body)
    return Reply("\n".join(lines), tuple(choices))


class Harness(Protocol):
    name: str
    services: Services

    async def say(self, user: int, text: str) -> int: ...
    async def press(self, user: int, index: int) -> int: ...
    async def voice(self, user: int) -> int: ...
    def replies(self, user: int) -> list[Reply]: ...

    async def deliver(self) -> int: ...


@dataclass
class _Base:
    services: Services

    async def deliver(self) -> int:
        assert self.services.sender is not None
        return await self.services.sender.drain()


# --- Telegram --------------------------------------------------------------------------


@dataclass
class TelegramHarness(_Base):
    fake: FakeTelegram
    client: httpx.AsyncClient
    channel: TelegramChannel
    name: str = "telegram"

    @staticmethod
    def chat_id(user: int) -> int:
        return 7_000_000 + user

    def user(self, user: int, lang: str = "fr") -> dict[str, Any]:
        return {
            "id": self.chat_id(user),
            "is_bot": False,
            "first_name": "Amina",
            "language_code": lang,
        }

    def chat(self, user: int) -> dict[str, Any]:
        return {"id": self.chat_id(user), "type": "private", "first_name": "Amina"}

    def message_update(self, user: int, **fields: Any) -> dict[str, Any]:
        uid = next(_ids)
        return {
            "update_id": uid,
            "message": {
                "message_id": uid,
                "date": int(time.time()),
                "chat": self.chat(user),
                "from": self.user(user),
                **fields,
            },
        }

    async def post(
        self,
        update: dict[str, Any] | bytes,
        *,
        secret: str | None = TG_SECRET,
    ) -> httpx.Response:
        headers = {"content-type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        if isinstance(update, dict):
            import json

            content = json.dumps(update).encode()
        else:
            content = update
        return await self.client.post("/webhooks/telegram", content=content, headers=headers)

    async def say(self, user: int, text: str) -> int:
        r = await self.post(self.message_update(user, text=text))
        return r.status_code

    async def voice(self, user: int) -> int:
        voice = {
            "file_id": "AwACAgQAAxkBAAIBVoice",
            "file_unique_id": "AgADVoice",
            "duration": 4,
            "mime_type": "audio/ogg",
        }
        r = await self.post(self.message_update(user, voice=voice))
        return r.status_code

    def keyboard_messages(self, user: int) -> list[dict[str, Any]]:
        return [
            c.params
            for c in self.fake.sent(self.chat_id(user))
            if isinstance(c.params.get("reply_markup"), dict)
        ]

    async def press(self, user: int, index: int) -> int:
        last = self.keyboard_messages(user)[-1]
        rows = last["reply_markup"]["inline_keyboard"]
        data = rows[index - 1][0]["callback_data"]
        uid = next(_ids)
        update = {
            "update_id": uid,
            "callback_query": {
                "id": f"cbq{uid}",
                "from": self.user(user),
                "chat_instance": "ci-1",
                "data": data,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": self.chat(user),
                    "from": BOT_USER,
                    "text": last["text"],
                    "reply_markup": last["reply_markup"],
                },
            },
        }
        r = await self.post(update)
        return r.status_code

    def replies(self, user: int) -> list[Reply]:
        """Text pieces of one message are joined; buttons become choices."""
        out: list[Reply] = []
        for c in self.fake.sent(self.chat_id(user)):
            markup = c.params.get("reply_markup")
            titles = (
                tuple(row[0]["text"] for row in markup["inline_keyboard"])
                if isinstance(markup, dict)
                else ()
            )
            out.append(Reply(str(c.params.get("text", "")), titles))
        return out


# --- WhatsApp --------------------------------------------------------------------------


def sign(url: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return str(RequestValidator(token).compute_signature(url, params))


@dataclass
class WhatsAppHarness(_Base):
    fake: FakeTwilio
    client: httpx.AsyncClient
    channel: WhatsAppChannel
    name: str = "whatsapp"
    _sids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @staticmethod
    def number(user: int) -> str:
        return f"+3361234{user:04d}"

    def form(self, user: int, **fields: str) -> dict[str, str]:
        return {
            "AccountSid": ACCOUNT_SID,
            "MessageSid": f"SM{next(self._sids):032d}",
            "From": f"whatsapp:{self.number(user)}",
            "To": SENDER,
            "NumMedia": "0",
            "ProfileName": "Amina",
            "Body": "",
            **fields,
        }

    async def post(
        self,
        path: str,
        params: dict[str, str],
        *,
        signature: str | None = None,
    ) -> httpx.Response:
        sig = sign(PUBLIC + path, params) if signature is None else signature
        return await self.client.post(
            path,
            content=urlencode(params).encode(),
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "X-Twilio-Signature": sig,
            },
        )

    async def say(self, user: int, text: str) -> int:
        r = await self.post("/webhooks/whatsapp", self.form(user, Body=text))
        return r.status_code

    async def press(self, user: int, index: int) -> int:
        return await self.say(user, str(index))

    async def voice(self, user: int) -> int:
        params = self.form(
            user,
            NumMedia="1",
            MediaContentType0="audio/ogg",
            MediaUrl0="https://api.twilio.com/2010-04-01/Accounts/AC/Media/ME1",
        )
        r = await self.post("/webhooks/whatsapp", params)
        return r.status_code

    def replies(self, user: int) -> list[Reply]:
        return [parse_numbered(b) for b in self.fake.bodies(f"whatsapp:{self.number(user)}")]


# --- Console ---------------------------------------------------------------------------


class _Writes(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[str] = []

    def write(self, s: str) -> int:
        self.writes.append(s)
        return len(s)


@dataclass
class ConsoleHarness(_Base):
    out: _Writes
    name: str = "console"
    _last: dict[int, list[Reply]] = field(default_factory=dict)

    async def _handle(
        self, user: int, text: str = "", attachments: tuple[Attachment, ...] = ()
    ) -> int:
        assert self.services.dispatcher is not None
        await self.services.dispatcher.handle(
            InboundMessage(
                channel="console",
                address=f"u{user}",
                external_id=f"c{next(_ids)}",
                text=text,
                attachments=attachments,
                locale_hint="fr",
            )
        )
        return 200

    async def say(self, user: int, text: str) -> int:
        return await self._handle(user, text)

    async def press(self, user: int, index: int) -> int:
        return await self._handle(user, str(index))

    async def voice(self, user: int) -> int:
        return await self._handle(user, attachments=(Attachment("voice", "file-1"),))

    def replies(self, user: int) -> list[Reply]:
        # The console has one user per process; tests use one user per console stack.
        return [parse_numbered(w.removesuffix("\n\n")) for w in self.out.writes]


# --- stacks ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    fake = FakeTelegram()
    server = ServerThread(fake.app).start()
    fake.url = server.url  # type: ignore[attr-defined]
    yield fake
    server.stop()


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    server = ServerThread(fake.app).start()
    fake.url = server.url  # type: ignore[attr-defined]
    yield fake
    server.stop()


def channel_settings(
    db: Database, fake_telegram: FakeTelegram, fake_twilio: FakeTwilio, **overrides: Any
) -> Settings:
    values: dict[str, Any] = {
        "database_url": db.url,
        "public_base_url": PUBLIC,
        "telegram_bot_token": fake_telegram.token,
        "telegram_webhook_secret": TG_SECRET,
        "telegram_api_base_url": fake_telegram.url,  # type: ignore[attr-defined]
        "telegram_mode": "webhook",
        "twilio_account_sid": ACCOUNT_SID,
        "twilio_auth_token": AUTH_TOKEN,
        "twilio_whatsapp_from": SENDER,
        "twilio_api_base_url": fake_twilio.url,  # type: ignore[attr-defined]
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class Stack:
    services: Services
    client: httpx.AsyncClient
    telegram: TelegramChannel
    whatsapp: WhatsAppChannel
    fake_telegram: FakeTelegram
    fake_twilio: FakeTwilio

    def harness(self, name: str) -> Harness:
        if name == "telegram":
            return TelegramHarness(self.services, self.fake_telegram, self.client, self.telegram)
        if name == "whatsapp":
            return WhatsAppHarness(self.services, self.fake_twilio, self.client, self.whatsapp)
        out = _Writes()
        self.services.add_channel(ConsoleChannel(out))
        return ConsoleHarness(self.services, out)


async def open_stack(
    settings: Settings, db: Database, fake_telegram: FakeTelegram, fake_twilio: FakeTwilio
) -> Stack:
    services = Services(settings, db=db)
    app = create_app(settings, services)
    await services.open()
    assert services.dispatcher is not None
    channels = {c.name: c for c in services.hosted}
    for channel in services.hosted:
        await channel.start()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC)
    telegram, whatsapp = channels["telegram"], channels["whatsapp"]
    assert isinstance(telegram, TelegramChannel) and isinstance(whatsapp, WhatsAppChannel)
    return Stack(services, client, telegram, whatsapp, fake_telegram, fake_twilio)


async def close_stack(stack: Stack) -> None:
    await stack.client.aclose()
    for channel in stack.services.hosted:
        await channel.stop()
    if stack.services.dispatcher is not None:
        await stack.services.dispatcher.close()


@pytest.fixture
async def stack(
    db: Database,
    fake_telegram: FakeTelegram,
    fake_twilio: FakeTwilio,
) -> AsyncIterator[Stack]:
    await seed_if_empty(db)
    fake_telegram.reset()
    fake_twilio.reset()
    s = await open_stack(
        channel_settings(db, fake_telegram, fake_twilio), db, fake_telegram, fake_twilio
    )
    yield s
    await close_stack(s)


# --- database helpers ------------------------------------------------------------------


async def query(stack: Stack, sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import text

    async with stack.services.db.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def make_due(stack: Stack) -> None:
    """Every waiting outbox row becomes due now (instead of sleeping through the backoff)."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    from bot.db.models import Outbox

    async with stack.services.db.begin() as conn:
        await conn.execute(
            update(Outbox.__table__)
            .where(Outbox.__table__.c.status == "pending")
            .values(next_attempt_at=datetime(2000, 1, 1, tzinfo=UTC))
        )


async def stored_counts(stack: Stack) -> tuple[int, int, int]:
    """(processed inbound keys, messages, outbox rows): all zero when nothing was stored."""
    out = []
    for table in ("processed_inbound", "messages", "outbox"):
        out.append((await query(stack, f"SELECT COUNT(*) FROM {table}"))[0][0])
    return out[0], out[1], out[2]
