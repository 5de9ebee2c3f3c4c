"""Which channels run, from the settings. The only place the app learns channel classes."""

from __future__ import annotations

from bot.services import Services


def install_channels(services: Services) -> None:
    """Adds Telegram and WhatsApp when their settings are present."""
    settings = services.settings
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel

        services.host(TelegramChannel(settings, services))
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_whatsapp_from:
        from bot.channels.whatsapp import WhatsAppChannel

        services.host(WhatsAppChannel(settings, services))
