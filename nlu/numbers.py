"""Digits of every script users type, as ASCII."""

from __future__ import annotations

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


def ascii_digits(text: str) -> str:
    """Arabic-Indic (٠-٩) and Persian (۰-۹) digits become 0-9; everything else is kept."""
    return text.translate(_DIGITS)
