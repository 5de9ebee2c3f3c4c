"""Money at the edges: euros, as the NLU or a person gives them, become integer cents once,
here; cents become text for exports. VAT rates are basis points (1000 = 10 %)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_ONE = Decimal(1)
_BP_SCALE = 10_000  # basis points in 100 %


class MoneyError(ValueError):
    """Not an amount (or rate) we can store exactly."""


def _decimal(value: float | int | str | Decimal) -> Decimal:
    if isinstance(value, bool):
        raise MoneyError(f"{value!r} is not an amount")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MoneyError(f"{value!r} is not an amount")
        # The shortest text that reads back as this float is what was typed ("1.005"), not
        # its binary expansion (1.00499999999999989…): round that.
        return Decimal(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"{value!r} is not an amount") from None
        if not d.is_finite():
            raise MoneyError(f"{value!r} is not an amount")
        return d
    return Decimal(value)


def cents(euros: float | int | str | Decimal) -> int:
    """Euros -> integer cents, half a cent rounded away from zero (1.005 -> 101, 0.015 -> 2,
    2.675 -> 268, -1.005 -> -101). Strings may use a decimal comma ("8,50")."""
    return int((_decimal(euros) * 100).quantize(_ONE, rounding=ROUND_HALF_UP))


def euros(amount_cents: int, *, decimal: str = ".") -> str:
    """Cents as euros with two decimals, no thousands separator: -2400 -> "-24.00"."""
    sign = "-" if amount_cents < 0 else ""
    whole, part = divmod(abs(amount_cents), 100)
    return f"{sign}{whole}{decimal}{part:02d}"


def euros_decimal(amount_cents: int) -> Decimal:
    """Cents as an exact Decimal of euros (for spreadsheets)."""
    return Decimal(amount_cents).scaleb(-2)


def vat_bp(percent: str | int | Decimal) -> int:
    """A VAT rate in percent ("10", "5.5", "5,5", "20") -> basis points (1000, 550, 2000)."""
    d = _decimal(percent) * 100
    if d != d.to_integral_value() or not 0 <= d < _BP_SCALE:
        raise MoneyError(f"{percent!r} is not a VAT rate in percent (e.g. 10, 5.5, 20)")
    return int(d)


def vat_percent(bp: int) -> str:
    """Basis points as a percent without trailing zeros: 1000 -> "10", 550 -> "5.5"."""
    whole, part = divmod(bp, 100)
    return f"{whole}" if part == 0 else f"{whole}.{part:02d}".rstrip("0")


def split_vat(incl_cents: int, bp: int) -> tuple[int, int]:
    """An amount including VAT -> (excluding VAT, VAT), in cents, rounded per row half away
    from zero, so that a reversal splits to exactly the opposite of the sale it cancels and
    the two parts always add up to the amount."""
    excl = (Decimal(incl_cents) * _BP_SCALE / (_BP_SCALE + bp)).quantize(
        _ONE, rounding=ROUND_HALF_UP
    )
    return int(excl), incl_cents - int(excl)
