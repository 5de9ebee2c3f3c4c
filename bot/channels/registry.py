"""Which channels run, from the settings. The only place the app learns channel classes."""

from __future__ import annotations

from bot.channels.base import (
    Handle,
    HostedChannel,
    ReachabilityCallback,
    StatusCallback,
    TextLookup,
)
from bot.settings import Settings


def hosted_channels(
    settings: Settings,
    *,
    handle: Handle,
    on_status: StatusCallback,
    on_reachability: ReachabilityCallback,
    text: TextLookup,
) -> list[HostedChannel]:
    """Telegram and WhatsApp, each when its settings are present."""
    channels: list[HostedChannel] = []
    if settings.telegram_bot_token:
        from bot.channels.telegram import TelegramChannel

        channels.append(
            TelegramChannel(settings, handle=handle, text=text, on_reachability=on_reachability)
        )
    if settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_whatsapp_from:
        from bot.channels.whatsapp import WhatsAppChannel

        channels.append(WhatsAppChannel(settings, handle=handle, on_status=on_status))
    return channels
