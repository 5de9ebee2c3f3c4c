"""The per-use confidence thresholds of flows/confidence.py, measured on the current model:
how often the NLU is right when it acts at each bar, and the bar the measurements support.

The method of the first-contact issue (#9): the labelled sets never trained on (the held-out
split nlu/data/test and the challenge sets nlu/challenge*/), pooled; only counts are printed,
never a message. Each use acts on some intents and needs them right at least so often (`NEEDS`
in flows/confidence.py: what a wrong act costs against one more question). Per use: accuracy per
confidence band, a sweep of bars (acted, precision, recall), and the supported bar:

    from the shipped bar, the bar moves down through each 0.05 step whose band [bar, bar+0.1)
    holds at least 20 readings right at least as often as the use needs (at the lower end of
    the band's 95% Wilson interval), and up past each band of at least 20 readings that is
    not; bands with fewer readings are no evidence and leave the bar where it is.

Run: `python bench/thresholds.py`; tests/flows/test_confidence.py keeps the bars' floors.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from flows import engine  # noqa: E402
from flows.confidence import NEEDS, THRESHOLDS  # noqa: E402
from flows.loader import load_directory  # noqa: E402
from nlu import pipeline, store  # noqa: E402
from nlu.evaluation import (  # noqa: E402
    HELD_OUT,
    BarScore,
    Reading,
    at_bar,
    language_at_bar,
    load_split,
    wilson_low,
)
from nlu.types import ParseResult  # noqa: E402

SETS = [HELD_OUT, *sorted(p for p in (ROOT / "nlu").glob("challenge*") if p.is_dir())]
STEP, BAND, EVIDENCE = 0.05, 0.1, 20


def menu_intents() -> set[str]:
    """The intents the main menu's choices answer to (the parts a sentence can open)."""
    main = load_directory()["menu"].nodes["main"].ask
    assert main is not None
    return {intent for choice in main.choices for intent in choice.intents}


def supported(band: Callable[[float, float], BarScore], shipped: float, need: float) -> float:
    """The bar the bands support, starting from the shipped one (see the module docstring)."""

    def verdict(lo: float) -> bool | None:
        s = band(lo, lo + BAND)
        return None if s.acted < EVIDENCE else wilson_low(s.right, s.acted) >= need

    bar = shipped
    while bar - STEP > 0 and verdict(round(bar - STEP, 2)):
        bar = round(bar - STEP, 2)
    while bar < 1.0 and verdict(bar) is False:
        bar = round(bar + STEP, 2)
    return bar


def table(band: Callable[[float, float], BarScore], shipped: float) -> None:
    print(
        f"  {'band':>11} {'right':>9} {'low 95%':>8}   {'bar':>5} {'acted':>6} {'precision':>9} "
        f"{'recall':>6}"
    )
    for i in range(7, 20):
        lo = round(i * STEP, 2)
        b, above = band(lo, lo + BAND), band(lo, 2.0)
        low = f"{wilson_low(b.right, b.acted):.3f}" if b.acted >= EVIDENCE else "-"
        mark = "  <- shipped" if lo == shipped else ""
        print(
            f"  [{lo:.2f},{lo + BAND:.2f}) {b.right:>4}/{b.acted:<4} {low:>8}   {lo:>5.2f} "
            f"{above.acted:>6} {above.precision:>9.3f} {above.recall:>6.3f}{mark}"
        )


def main() -> int:
    print(f"model {store.ensure().name}")
    readings: list[Reading] = []
    langs: list[tuple[str, ParseResult]] = []
    for folder in SETS:
        cases = load_split(folder)
        parsed = [(c, pipeline.parse(c.text)) for c in cases]
        readings += [(c.intent, p) for c, p in parsed if c.intent]
        langs += [(c.lang, p) for c, p in parsed]
        print(f"  {folder.relative_to(ROOT)}: {len(cases)} messages")
    print(f"  pooled: {len(readings)} messages")
    parts, menu = menu_intents() | set(engine.GLOBAL_INTENTS), menu_intents()
    bars = THRESHOLDS
    uses: list[tuple[str, Callable[[float, float], BarScore], float]] = [
        ("open_part", lambda lo, hi: at_bar(readings, parts, lo, hi), bars.open_part),
        ("leave_question", lambda lo, hi: at_bar(readings, parts, lo, hi), bars.leave_question),
        (
            "answer_choice",
            lambda lo, hi: at_bar(readings, {"affirm", "deny"}, lo, hi),
            bars.answer_choice,
        ),
        (
            "change_language",
            lambda lo, hi: at_bar(readings, {"change_language"}, lo, hi),
            bars.change_language,
        ),
        (
            "suggest",
            lambda lo, hi: at_bar(readings, menu, lo, min(hi, bars.open_part)),
            bars.suggest,
        ),
        ("clear_language", lambda lo, hi: language_at_bar(langs, lo, hi), bars.clear_language),
    ]
    summary = []
    for name, band, shipped in uses:
        need = getattr(NEEDS, name)
        print(f"\n{name} (needs {need:.2f} right)")
        table(band, shipped)
        summary.append((name, shipped, supported(band, shipped, need)))
    print("\nuse              shipped  supported")
    for name, shipped, bar in summary:
        print(f"{name:<16} {shipped:>7.2f} {bar:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
