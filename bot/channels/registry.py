"""Which channels run, from the settings. The only place the app learns channel classes."""

from __future__ import annotations

from bot.services import Services


def install_channels(services: Services) -> None:
    """Adds Telegram and WhatsApp when their settings are present."""
    # Telegram and WhatsApp adapters are wired here by the channels work.
    _ = services
