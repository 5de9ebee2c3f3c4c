"""All settings, from the environment or a `.env` file (`.env.example` lists them)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.office_hours import OfficeHours, parse_office_hours

VAR_DIR = Path("var")


def _has_argos() -> bool:
    try:
        import argostranslate  # noqa: F401
    except ImportError:
        return False
    return True


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///var/migracoop.db"
    host: str = "127.0.0.1"
    port: int = 8000
    public_base_url: str | None = None
    secret_key: str | None = None
    # Proxies whose X-Forwarded-For/-Proto the admin panel believes (client address for the
    # login limits; https for Secure cookies). Comma-separated IPs, or "*".
    forwarded_allow_ips: str = "127.0.0.1"

    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_base_url: str = "https://api.telegram.org"
    telegram_mode: Literal["polling", "webhook"] | None = None
    # The bot's username (without @): the admin prints t.me invite links with it.
    telegram_bot_username: str | None = None
    # Broadcasts sent with Telegram's allow_paid_broadcast (about 1,000/s, paid in Stars):
    # the channel's rate becomes TELEGRAM_PAID_RATE_PER_SECOND.
    telegram_allow_paid_broadcast: bool = False
    telegram_paid_rate_per_second: float = Field(default=1000.0, gt=0)

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
    # Messages per second from the WhatsApp sender (Twilio's default is about 80).
    whatsapp_rate_per_second: float = Field(default=80.0, gt=0)
    # Approved WhatsApp templates, "purpose.lang" -> ContentSid (body variable {{1}} = the text),
    # used outside the 24-hour window: {"reply.fr": "HX…", "reminder.ar": "HX…"}.
    twilio_templates: dict[str, str] = Field(default_factory=dict)
    # Quick-reply Content templates by number of buttons, {"2": "HX…", "3": "HX…"}: variable
    # {{1}} is the text, {{2}},{{3}} the first button's title and id, and so on.
    twilio_quick_reply_templates: dict[str, str] = Field(default_factory=dict)

    nlu_backend: Literal["embedded", "rasa"] = "embedded"
    rasa_url: str = "http://127.0.0.1:5005"
    # Where the embedded NLU model is built from nlu/data (and found again while it is current).
    nlu_model_dir: str = "var/nlu"
    translation_backend: Literal["argos", "none"] | None = None
    translation_models_dir: Path = Path("var/translation-models")
    timezone: str = "Europe/Paris"
    # When a person from Migracoop answers requests, in TIMEZONE: the bot tells people when
    # to expect an answer. "mon-fri 09:00-17:00; sat 10:00-12:00"; empty: no time promised.
    office_hours: str = "mon-fri 09:00-17:00"
    # Module pictures and recordings, served under /media/ with signed, expiring links;
    # unset: the shipped content/media.
    media_dir: str | None = None

    retention_days: int = Field(default=730, ge=1)

    # Delivery. One sender per deployment: when false `serve` runs the outbox sender (and
    # the scheduler) itself; when true only `python -m bot worker` processes do.
    worker_enabled: bool = False
    # A claim on an outbox row lasts this long unless its sender renews it (it does, every
    # third of it, while the send runs): after a crash, rows are sent again this much later.
    outbox_lease_seconds: float = Field(default=30.0, ge=1.0)
    # How long one platform call may take before it is cut off and retried later. Long on
    # purpose: a platform that answers late has usually delivered, and a resend would repeat.
    outbox_send_timeout_seconds: float = Field(default=30.0, gt=0)
    # Sends in flight per channel: a crash can repeat at most this many messages per channel.
    outbox_max_in_flight: int = Field(default=8, ge=1)
    # The daily digest by e-mail (optional): sent once a day after DIGEST_HOUR (TIMEZONE) to
    # DIGEST_TO when SMTP_HOST is set. Identities in it are always masked.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    smtp_from: str | None = None
    digest_to: str | None = None  # comma-separated addresses
    digest_hour: int = Field(default=7, ge=0, le=23)
    admin_email: str | None = None
    admin_password: str | None = None
    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """A plain sqlite:// or postgresql:// URL gets its async driver; others are named."""
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError(
                "not a database URL (e.g. sqlite+aiosqlite:///var/migracoop.db)"
            ) from exc
        driver = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
        if url.drivername == "postgres":  # Heroku-style URLs
            url = url.set(drivername="postgresql")
        if url.drivername in driver:
            return url.set(drivername=driver[url.drivername]).render_as_string(hide_password=False)
        if url.drivername not in driver.values():
            raise ValueError(
                f"{url.drivername!r} is not supported: use sqlite+aiosqlite:// or postgresql+asyncpg://"
            )
        return value

    @field_validator("office_hours")
    @classmethod
    def _office_hours_parse(cls, value: str) -> str:
        parse_office_hours(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Paris)") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def hours(self) -> OfficeHours:
        return parse_office_hours(self.office_hours)

    @property
    def effective_media_dir(self) -> Path:
        if self.media_dir:
            return Path(self.media_dir)
        import content

        return Path(content.__file__).parent / "media"

    @property
    def effective_telegram_mode(self) -> str:
        if self.telegram_mode:
            return self.telegram_mode
        return "webhook" if self.public_base_url else "polling"

    @property
    def digest_recipients(self) -> tuple[str, ...]:
        return tuple(a.strip() for a in (self.digest_to or "").split(",") if a.strip())

    @property
    def effective_translation_backend(self) -> str:
        if self.translation_backend:
            return self.translation_backend
        return "argos" if _has_argos() else "none"

    def effective_secret_key(self) -> str:
        """The configured key, else one generated once into var/ and reused."""
        if self.secret_key:
            return self.secret_key
        path = VAR_DIR / "secret_key"
        if path.exists():
            return path.read_text().strip()
        VAR_DIR.mkdir(exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
