"""Telegram through python-telegram-bot: webhook or polling in, Bot API sends out.

PTB's `Bot` talks to the Bot API and `Update.de_json` parses updates; the conversation
lives in our engine, so an update goes straight to the `handle` callable as an
InboundMessage (PTB's Application would only be a round trip back to it). Rate limits are
the outbox sender's (`rate_limit`), not PTB's limiter.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import (
    Bot,
    BotCommand,
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.channels.base import (
    DeliveryResult,
    Handle,
    Outcome,
    RateLimit,
    ReachabilityCallback,
    ReachabilityChange,
    TextLookup,
)
from bot.channels.progress import deliver_parts
from bot.channels.telegram_http import AiohttpRequest
from bot.core.messages import (
    LOCAL_FILE,
    Attachment,
    InboundMessage,
    OutboundMessage,
    QuickReply,
)
from bot.core.render import split_text
from bot.settings import Settings
from content.catalog import BASE_LANG, LANGS, LOCALE_CODES

# Update kinds Telegram defines; we handle messages and button presses, and acknowledge
# the others (200) so Telegram does not resend them. Anything else is not an update (400).
_KNOWN_TYPES = frozenset(str(t) for t in Update.ALL_TYPES)
log = logging.getLogger(__name__)

NAME = "telegram"
WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT = 4096
BROADCAST_PURPOSE = "broadcast"  # outbox rows of broadcasts (bot/db/repos/broadcasts.py)
MAX_CALLBACK_DATA = 64  # bytes
HASHED_PREFIX = "~"
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
MAX_DEPTH = 32  # JSON nesting; real updates stay under 10
CONNECT_TIMEOUT = 5.0
# my_chat_member statuses of the bot in a private chat: the user blocked it, or not.
BLOCKED_STATUSES = frozenset({"kicked", "left"})
MEMBER_STATUSES = frozenset({"member", "administrator", "creator", "restricted"})
COMMANDS = ("start", "menu", "language", "help", "mydata")
POLL_TIMEOUT = 25  # seconds of long polling
# Errors meaning "this user cannot receive from us any more".
UNREACHABLE_HINTS = (
    "blocked by the user",
    "user is deactivated",
    "chat not found",
    "bot was kicked",
    "bot can't initiate conversation",
)


def callback_data(reply: QuickReply) -> str:
    """The button's callback_data: the choice id, or a short hash when it is over 64 bytes."""
    if len(reply.id.encode()) <= MAX_CALLBACK_DATA and not reply.id.startswith(HASHED_PREFIX):
        return reply.id
    return HASHED_PREFIX + hashlib.sha256(reply.id.encode()).hexdigest()[:24]


def keyboard(replies: tuple[QuickReply, ...]) -> InlineKeyboardMarkup | None:
    """One button per row: labels are sentences, and a column reads well in RTL too."""
    if not replies:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(q.title[:64], callback_data=callback_data(q))] for q in replies]
    )


class MalformedUpdate(ValueError):
    """An update Telegram would never send (no chat, a number for a text…): refused, 400."""


def _str(value: object, what: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise MalformedUpdate(f"{what} is not a string")


def _private_chat(chat: object) -> Chat:
    if not isinstance(chat, Chat) or type(chat.id) is not int or not isinstance(chat.type, str):
        raise MalformedUpdate("no chat")
    return chat


def _attachments(message: Message) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if message.voice:
        found.append(Attachment("voice", str(message.voice.file_id), message.voice.mime_type))
    if message.audio:
        found.append(Attachment("audio", str(message.audio.file_id), message.audio.mime_type))
    if message.photo:
        found.append(Attachment("image", str(message.photo[-1].file_id), "image/jpeg"))
    if message.video:
        found.append(Attachment("video", str(message.video.file_id), message.video.mime_type))
    if message.video_note:
        found.append(Attachment("video", str(message.video_note.file_id), None))
    if message.document:
        doc = message.document
        found.append(Attachment("document", str(doc.file_id), doc.mime_type))
    if message.sticker:
        found.append(Attachment("sticker", str(message.sticker.file_id), None))
    if message.location:
        loc = message.location
        found.append(
            Attachment("location", f"{float(loc.latitude):.6f},{float(loc.longitude):.6f}", None)
        )
    for a in found:
        _str(a.mime, "mime type")
    return tuple(found)


def to_inbound(
    update: Update,
    resolve: Callable[[str], str | None] = lambda _: None,
) -> InboundMessage | None:
    """The channel-neutral message for an update, or None when it is not for the bot.

    Only private chats: the bot is personal, and a group would mix people's answers.
    Raises MalformedUpdate for what Telegram never sends (PTB builds objects from any JSON).
    """
    external_id = str(update.update_id)
    query = update.callback_query
    if query is not None:
        if not isinstance(query.from_user, User):
            raise MalformedUpdate("callback query without a sender")
        data = _str(query.data, "callback data")
        if query.message is None:
            return None  # a button under an inline-mode message: not a conversation
        chat = _private_chat(query.message.chat)
        if chat.type != "private" or not data:
            return None
        payload: str | None = data
        text = ""
        if data.startswith(HASHED_PREFIX):
            payload = resolve(data)
            if payload is None:  # hashed id from before a restart: answer with the label
                payload, text = None, _button_label(query.message, data)
        return InboundMessage(
            channel=NAME,
            address=str(chat.id),
            external_id=external_id,
            text=text,
            payload=payload,
            locale_hint=_str(query.from_user.language_code, "language code"),
        )
    message = update.message
    if message is None:
        return None
    chat = _private_chat(message.chat)
    text = _str(message.text, "text") or _str(message.caption, "caption") or ""
    if chat.type != "private":
        return None
    payload = None
    if text.startswith("/start "):
        payload = text[len("/start ") :].strip()[:64] or None
    attachments = _attachments(message)
    if not text and not attachments:
        return None  # service messages (pinned, joined…): nothing to answer
    user = message.from_user
    if user is not None and not isinstance(user, User):
        raise MalformedUpdate("sender is not a user")
    date = message.date
    if date is not None and not isinstance(date, datetime):
        raise MalformedUpdate("date is not a time")
    return InboundMessage(
        channel=NAME,
        address=str(chat.id),
        external_id=external_id,
        text=text,
        payload=payload,
        attachments=attachments,
        locale_hint=_str(user.language_code, "language code") if user else None,
        received_at=date.astimezone(UTC) if date else None,
    )


def reachability_change(update: Update) -> ReachabilityChange | None:
    """A user blocking (status kicked/left) or unblocking the bot in a private chat."""
    member = update.my_chat_member
    if member is None:
        return None
    chat = _private_chat(member.chat)
    status = getattr(member.new_chat_member, "status", None)
    if chat.type != "private" or status not in BLOCKED_STATUSES | MEMBER_STATUSES:
        return None
    # Telegram dates are whole seconds: the change happened before the end of that second
    # (a message from the user after that moment outweighs it).
    at = member.date + timedelta(seconds=1) if isinstance(member.date, datetime) else None
    return ReachabilityChange(
        NAME, str(chat.id), status in MEMBER_STATUSES, (at or datetime.now(UTC)).astimezone(UTC)
    )


def _button_label(message: Any, data: str) -> str:
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", ()) or ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    return ""


async def _message_id(step: Callable[[], Awaitable[Message]]) -> str:
    return str((await step()).message_id)


def classify(exc: Exception) -> DeliveryResult:
    """A Bot API error as a delivery outcome."""
    text = str(exc)
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return DeliveryResult(Outcome.RETRY, retry_after=seconds, error="429 retry_after")
    if isinstance(exc, Forbidden):
        return DeliveryResult(Outcome.UNREACHABLE, error=f"403 {text}"[:200])
    if isinstance(exc, BadRequest):
        lowered = text.lower()
        if any(hint in lowered for hint in UNREACHABLE_HINTS):
            return DeliveryResult(Outcome.UNREACHABLE, error=f"400 {text}"[:200])
        return DeliveryResult(Outcome.FAILED, error=f"400 {text}"[:200])
    if isinstance(exc, NetworkError):  # includes timeouts and 5xx answers
        return DeliveryResult(Outcome.RETRY, error=f"network {text}"[:200])
    return DeliveryResult(Outcome.RETRY, error=f"{type(exc).__name__} {text}"[:200])


def _depth(data: object) -> int:
    """How deeply JSON values nest (iteratively: no recursion on hostile input)."""
    deepest, stack = 0, [(data, 1)]
    while stack and deepest <= MAX_DEPTH:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        items: Iterable[object] = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        )
        stack += [(v, depth + 1) for v in items if isinstance(v, dict | list)]
    return deepest


class TelegramChannel:
    name = NAME

    def __init__(
        self,
        settings: Settings,
        *,
        handle: Handle,
        text: TextLookup,
        on_reachability: ReachabilityCallback | None = None,
        rate_limit: RateLimit | None = None,
        pool_size: int = 16,
    ) -> None:
        """`handle` takes each message from a user; `on_reachability` hears users block and
        unblock the bot; `text(key, lang)` gives the command menu's labels."""
        if not settings.telegram_bot_token:
            raise ValueError("TelegramChannel needs TELEGRAM_BOT_TOKEN")
        self.mode = settings.effective_telegram_mode
        if self.mode == "webhook" and not (
            settings.public_base_url and settings.telegram_webhook_secret
        ):
            raise ValueError(
                "Telegram webhook mode needs PUBLIC_BASE_URL and "
                "TELEGRAM_WEBHOOK_SECRET (or set TELEGRAM_MODE=polling)"
            )
        self.settings, self.handle, self.text = settings, handle, text
        self.on_reachability = on_reachability
        self.send_timeout = settings.outbox_send_timeout_seconds
        # ~1 message/s per chat with a small burst, ~30/s for the bot (Telegram's limits),
        # ~1,000/s when broadcasts are paid for (allow_paid_broadcast).
        self.paid_broadcast = settings.telegram_allow_paid_broadcast
        overall = settings.telegram_paid_rate_per_second if self.paid_broadcast else 30.0
        self.rate_limit = rate_limit or RateLimit(
            per_address_per_second=1.0, per_address_burst=3, global_per_second=overall
        )
        root = settings.telegram_api_base_url.rstrip("/")
        self.bot = Bot(
            settings.telegram_bot_token,
            base_url=f"{root}/bot",
            base_file_url=f"{root}/file/bot",
            request=AiohttpRequest(
                pool_size=pool_size, connect_timeout=CONNECT_TIMEOUT, read_timeout=self.send_timeout
            ),
            get_updates_request=AiohttpRequest(pool_size=1, read_timeout=POLL_TIMEOUT + 10),
        )
        self._secret = (settings.telegram_webhook_secret or "").encode()
        self._hashed: OrderedDict[str, str] = OrderedDict()  # hashed callback data -> choice id
        self._tasks: set[asyncio.Task[None]] = set()
        self._poller: asyncio.Task[None] | None = None
        self._started = False
        self._initialized = False

    # --- receiving -------------------------------------------------------------------------

    def routes(self) -> list[Route]:
        return [Route(WEBHOOK_PATH, self.webhook, methods=["POST"])]

    async def webhook(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not self._secret or not hmac.compare_digest(given, self._secret):
            return Response("forbidden", status_code=403)
        body = await request.body()
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):  # includes UnicodeDecodeError; absurd nesting
            return Response("malformed JSON", status_code=400)
        if not isinstance(data, dict) or type(data.get("update_id")) is not int:
            return Response("not an update", status_code=400)
        if not _KNOWN_TYPES.intersection(data):
            return Response("unknown update type", status_code=400)
        if _depth(data) > MAX_DEPTH:
            return Response("nested too deeply", status_code=400)
        try:
            update = Update.de_json(data, self.bot)
            inbound, change = self.read(update)
        except Exception as exc:  # PTB raises assorted errors on structurally wrong updates
            log.info("telegram update %s refused (%s)", data["update_id"], type(exc).__name__)
            return Response("malformed update", status_code=400)
        if not await self.apply(update, inbound, change):
            return Response("try again", status_code=503)  # Telegram retries the update
        return Response(status_code=200)

    def read(self, update: Update) -> tuple[InboundMessage | None, ReachabilityChange | None]:
        """What an update means for us; MalformedUpdate (or PTB's errors) when it is not one."""
        return to_inbound(update, self._hashed.get), reachability_change(update)

    async def apply(
        self,
        update: Update,
        inbound: InboundMessage | None,
        change: ReachabilityChange | None,
    ) -> bool:
        """Hands an update on; False when it must be retried (not acknowledged)."""
        try:
            if inbound is not None:
                await self.handle(inbound)
            if change is not None and self.on_reachability is not None:
                await self.on_reachability(change)
        except Exception as exc:  # the dispatcher logged why; the update comes again
            log.warning(
                "telegram update %s not processed (%s)", update.update_id, type(exc).__name__
            )
            return False
        if update.callback_query is not None:
            self._background(self._answer(update.callback_query.id))
        return True

    async def process(self, update: Update) -> bool:
        """One polled update: a malformed one is skipped (acknowledged), never retried."""
        try:
            inbound, change = self.read(update)
        except Exception as exc:
            log.info("telegram update %s skipped (%s)", update.update_id, type(exc).__name__)
            return True
        return await self.apply(update, inbound, change)

    async def _answer(self, query_id: str) -> None:
        with contextlib.suppress(TelegramError):  # the spinner stops by itself after a while
            await self.bot.answer_callback_query(query_id)

    def _background(self, coro: Awaitable[None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- lifecycle -------------------------------------------------------------------------

    async def _ensure_initialized(self) -> None:
        if not self._initialized:
            await self.bot.initialize()
            self._initialized = True

    async def start(self) -> None:
        try:
            await self._setup()
        except Exception as exc:  # Telegram unreachable at boot: keep serving, retry set-up
            log.warning(
                "telegram set-up failed (%s); retrying in the background", type(exc).__name__
            )
            self._background(self._setup_until_done())
            return

    async def _setup_until_done(self) -> None:
        delay = 5.0
        while True:
            await asyncio.sleep(delay)
            try:
                await self._setup()
                return
            except Exception as exc:
                log.warning("telegram set-up failed again (%s)", type(exc).__name__)
                delay = min(delay * 2, 300.0)

    async def _setup(self) -> None:
        await self._ensure_initialized()
        await self.set_commands()
        if self.mode == "webhook":
            url = (self.settings.public_base_url or "").rstrip("/") + WEBHOOK_PATH
            await self.bot.set_webhook(
                url=url,
                secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
            log.info("telegram webhook set")
        else:
            await self.bot.delete_webhook()
            self._poller = asyncio.create_task(self._poll(), name="telegram-polling")
            log.info("telegram polling started")
        self._started = True

    async def set_commands(self) -> None:
        """The command menu in each language; French for every other language code."""
        for code, lang in [(None, BASE_LANG), *((LOCALE_CODES[lang], lang) for lang in LANGS)]:
            commands = [BotCommand(c, self.text(f"commands.{c}", lang)[:256]) for c in COMMANDS]
            await self.bot.set_my_commands(commands, language_code=code)

    async def _poll(self) -> None:
        offset: int | None = None
        delay = 1.0
        while True:
            try:
                updates = await self.bot.get_updates(
                    offset=offset, timeout=POLL_TIMEOUT, allowed_updates=list(ALLOWED_UPDATES)
                )
                delay = 1.0
            except asyncio.CancelledError:
                raise
            except RetryAfter as exc:
                await asyncio.sleep(classify(exc).retry_after or delay)
                continue
            except Exception as exc:
                log.warning("telegram getUpdates failed (%s)", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
                continue
            for update in updates:
                if not await self.process(update):
                    await asyncio.sleep(delay)  # not acknowledged: fetched again next round
                    break
                offset = update.update_id + 1

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._poller
            self._poller = None
        for task in list(self._tasks):
            task.cancel()
        if self._initialized:
            with contextlib.suppress(Exception):
                await self.bot.shutdown()
            self._initialized = False

    # --- sending ---------------------------------------------------------------------------

    async def send(self, message: OutboundMessage) -> DeliveryResult:
        try:
            chat_id = int(message.address)
        except ValueError:
            return DeliveryResult(Outcome.FAILED, error="not a Telegram chat id")
        await self._ensure_initialized()
        steps = self._steps(chat_id, message)
        return await deliver_parts(
            [partial(_message_id, step) for step in steps],
            done=message.parts_done,
            classify=classify,
            channel=NAME,
            timeout=self.send_timeout,
        )

    def _steps(
        self, chat_id: int, message: OutboundMessage
    ) -> list[Callable[[], Awaitable[Message]]]:
        """The API calls for one message: text pieces (buttons on the last), then media."""
        markup = keyboard(message.quick_replies)
        for q in message.quick_replies:
            data = callback_data(q)
            if data != q.id:
                self._hashed[data] = q.id
                self._hashed.move_to_end(data)
                if len(self._hashed) > 10_000:
                    self._hashed.popitem(last=False)
        pieces = split_text(message.text, MAX_TEXT) if message.text.strip() else []
        if markup is not None and not pieces:
            pieces = ["👇"]
        bot = self.bot
        paid = self.paid_broadcast and message.purpose == BROADCAST_PURPOSE
        extra: dict[str, Any] = {"allow_paid_broadcast": True} if paid else {}
        steps: list[Callable[[], Awaitable[Message]]] = [
            partial(
                bot.send_message,
                chat_id=chat_id,
                text=piece,
                reply_markup=markup if i == len(pieces) - 1 else None,
                **extra,
            )
            for i, piece in enumerate(pieces)
        ]
        for a in message.attachments:
            # A URL or file id as is; a local file (no public URL to fetch it) is uploaded.
            media: str | Path = (
                Path(a.ref[len(LOCAL_FILE) :]) if a.ref.startswith(LOCAL_FILE) else a.ref
            )
            if a.kind == "image":
                steps.append(partial(bot.send_photo, chat_id=chat_id, photo=media, **extra))
            elif a.kind == "voice":
                steps.append(partial(bot.send_voice, chat_id=chat_id, voice=media, **extra))
            elif a.kind == "audio":
                steps.append(partial(bot.send_audio, chat_id=chat_id, audio=media, **extra))
            else:
                steps.append(partial(bot.send_document, chat_id=chat_id, document=media, **extra))
        return steps
