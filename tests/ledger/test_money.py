"""Euros become integer cents once, at the edge, with an explicit rounding rule."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from bot.ledger.money import MoneyError, cents, euros, split_vat, vat_bp, vat_percent


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        # Half a cent rounds away from zero, on the decimal the value reads as.
        (0.005, 1),
        (0.004, 0),
        (0.015, 2),  # the float is 0.01499999…; what was typed is 0.015
        (1.005, 101),  # 1.00499999999999989…
        (2.675, 268),  # 2.67499999999999982…
        (1.015, 102),
        (8.125, 813),
        (8.135, 814),
        (0.045, 5),
        (45.5, 4550),
        (40.0, 4000),
        (40, 4000),
        (0.1 + 0.2, 30),  # 0.30000000000000004
        (1234.565, 123457),
        (-1.005, -101),  # symmetric: a reversal of the same typed value
        (-0.005, -1),
        ("8", 800),
        ("8,50", 850),
        ("8.505", 851),
        (" 12,345 ", 1235),
        (Decimal("2.675"), 268),
        (Decimal("0.004999"), 0),
    ],
)
def test_euros_to_cents_rounds_half_away_from_zero(
    given: float | int | str | Decimal, expected: int
) -> None:
    assert cents(given) == expected
    assert isinstance(cents(given), int)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "abc", "", True, "1e400x"])
def test_not_amounts_are_refused(bad: object) -> None:
    with pytest.raises(MoneyError):
        cents(bad)  # type: ignore[arg-type]


def test_every_typed_amount_with_three_decimals_rounds_like_decimal_arithmetic() -> None:
    # The NLU gives floats; whatever a person typed with up to 3 decimals becomes the cents
    # a person would compute, even where the float is just below the half.
    for thousandths in range(0, 200_000, 7):
        typed = f"{thousandths // 1000}.{thousandths % 1000:03d}"
        whole, frac = divmod(thousandths, 10)
        expected = whole + (1 if frac >= 5 else 0)
        assert cents(float(typed)) == expected, typed


@pytest.mark.parametrize(
    ("c", "text"), [(0, "0.00"), (5, "0.05"), (2400, "24.00"), (-2400, "-24.00"), (-5, "-0.05")]
)
def test_cents_as_euros(c: int, text: str) -> None:
    assert euros(c) == text
    assert euros(c, decimal=",") == text.replace(".", ",")


@pytest.mark.parametrize(
    ("percent", "bp"), [("10", 1000), ("5.5", 550), ("5,5", 550), ("20", 2000), ("0", 0)]
)
def test_vat_rates_are_exact_basis_points(percent: str, bp: int) -> None:
    assert vat_bp(percent) == bp
    assert vat_percent(bp) == percent.replace(",", ".")


@pytest.mark.parametrize("bad", ["5.555", "-1", "100", "ten"])
def test_bad_vat_rates(bad: str) -> None:
    with pytest.raises(MoneyError):
        vat_bp(bad)


def test_vat_split_adds_up_and_reverses_exactly() -> None:
    rng = random.Random(13)
    for _ in range(20_000):
        amount = rng.randint(1, 200_000)
        bp = rng.choice((0, 550, 1000, 2000))
        excl, vat = split_vat(amount, bp)
        assert excl + vat == amount
        assert split_vat(-amount, bp) == (-excl, -vat)
        # Within half a cent of the exact value.
        assert abs(Decimal(excl) - Decimal(amount) * 10000 / (10000 + bp)) <= Decimal("0.5")


def test_vat_split_examples() -> None:
    assert split_vat(4000, 1000) == (3636, 364)  # 36.3636… -> 36.36
    assert split_vat(110, 1000) == (100, 10)
    assert split_vat(2400, 2000) == (2000, 400)
    assert split_vat(1055, 550) == (1000, 55)
    assert split_vat(1, 550) == (1, 0)
