"""All settings, from the environment or a `.env` file (`.env.example` lists them)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_whatsapp_from: str | None = None
    twilio_api_base_url: str = "https://api.twilio.com"
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

    retention_days: int = Field(default=730, ge=1)
    admin_email: str | None = None
    admin_password: str | None = None
    log_level: str = "INFO"

    @property
    def effective_telegram_mode(self) -> str:
        if self.telegram_mode:
            return self.telegram_mode
        return "webhook" if self.public_base_url else "polling"

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
