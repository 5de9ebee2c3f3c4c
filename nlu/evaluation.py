"""Scores a parser on a JSONL file: per-language accuracy, macro-F1, amounts, latency, and how
well its confidences are calibrated (accuracy per confidence bin).

A case is one JSON object per line with `text` and `lang`, and what it is scored on:
- `intent`: the intent is scored (a line without one, as in `nlu/dev`, is not);
- `amount` on a sale (`intent` "log_sale", or no intent): the total in euros; a case may add
  `amount_alternative`, the other reading of an ambiguous sale (unit price or total). An
  amount is right when the parser's `amount` is the case's `amount`, or when the case is
  ambiguous and the parser offers both readings (its `amount_alternative` is the other
  one): the sales flow then asks;
- `"amount": null`: the message's numbers are not a sale's (a phone number, a time, rent,
  a loan): right when the parser reports no `amount` for it.

Language is scored twice: by the identifier alone (`und` is wrong: the first message of a
contact nobody knows yet), and as the bot answers a contact whose language it knows (the
line's): parsed with that known language, as the dispatcher does, and a message read `und`
("ok", "👍", "menu") is answered in the contact's language (the engine answers in it and
switches only on a clear other language); any other language read stays wrong, however
unsure (the engine would not switch on it: this figure is the pessimistic one).
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from nlu.types import LANGS, ParseResult

Parser = Callable[[str], Awaitable[ParseResult]]
# A parser told the contact's known language (`known_lang`, as the dispatcher passes it).
KnownParser = Callable[[str, str], Awaitable[ParseResult]]


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    intent: str | None  # None: the intent is not scored
    lang: str
    amount: float | None = None
    amount_alternative: float | None = None
    no_amount: bool = False  # `"amount": null`: no number of it is a sale's amount

    @property
    def sale(self) -> bool:
        """Whether the case's amount is scored: a sale, or a line that only gives an amount."""
        return self.intent == "log_sale" or (self.intent is None and self.amount is not None)


class CaseError(ValueError):
    """A line of an evaluation file that is not a case (not JSON, or fields missing)."""


@dataclass(slots=True)
class LanguageScore:
    n: int = 0
    intent_n: int = 0  # cases with an intent
    intent_ok: int = 0
    lang_ok: int = 0  # the identifier alone: `und` is wrong
    answered_ok: int = 0  # the language the bot answers in, the contact's being known
    amount_n: int = 0
    amount_ok: int = 0
    no_amount_n: int = 0  # cases whose numbers are no sale amount
    no_amount_ok: int = 0  # ... for which the parser gave no amount
    ambiguous_n: int = 0  # cases with an amount_alternative
    ambiguous_both: int = 0  # ... where the parser offered both readings
    alternative_offered: int = 0  # sales where the parser offered a second reading
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_ok / self.intent_n if self.intent_n else 0.0

    @property
    def lang_accuracy(self) -> float:
        return self.lang_ok / self.n if self.n else 0.0

    @property
    def answered_accuracy(self) -> float:
        """The language as the bot answers: `und` is the contact's known language."""
        return self.answered_ok / self.n if self.n else 0.0

    @property
    def amount_accuracy(self) -> float:
        return self.amount_ok / self.amount_n if self.amount_n else 1.0

    @property
    def no_amount_accuracy(self) -> float:
        return self.no_amount_ok / self.no_amount_n if self.no_amount_n else 1.0

    @property
    def macro_f1(self) -> float:
        labels = set(self.gold)
        f1s = []
        for lab in labels:
            tp = sum(g == p == lab for g, p in zip(self.gold, self.pred, strict=True))
            fp = sum(p == lab != g for g, p in zip(self.gold, self.pred, strict=True))
            fn = sum(g == lab != p for g, p in zip(self.gold, self.pred, strict=True))
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        return sum(f1s) / len(f1s) if f1s else 0.0


# Confidence bins of the reliability table (lower bounds).
BINS: Final = (0.0, 0.3, 0.5, 0.7, 0.9, 0.97)


@dataclass(slots=True)
class Report:
    by_lang: dict[str, LanguageScore]
    confusions: Counter[tuple[str, str]]
    latencies_ms: list[float]
    errors: list[tuple[Case, ParseResult]]
    # (confidence of the model's top intent, whether that intent is the right one)
    confidences: list[tuple[float, bool]] = field(default_factory=list)

    def reliability(self) -> list[tuple[float, int, float, float]]:
        """Per confidence bin: (lower bound, n, mean confidence, accuracy)."""
        out = []
        for i, lo in enumerate(BINS):
            hi = BINS[i + 1] if i + 1 < len(BINS) else 1.01
            inside = [(c, ok) for c, ok in self.confidences if lo <= c < hi]
            if inside:
                mean = sum(c for c, _ in inside) / len(inside)
                acc = sum(ok for _, ok in inside) / len(inside)
                out.append((lo, len(inside), mean, acc))
        return out

    def calibration_error(self) -> float:
        """Expected calibration error over the bins: mean |confidence - accuracy|, weighted."""
        n = len(self.confidences)
        return sum(k * abs(mean - acc) for _, k, mean, acc in self.reliability()) / n if n else 0.0

    def percentile(self, q: float) -> float:
        xs = sorted(self.latencies_ms)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "languages": {
                lang: {
                    "n": s.n,
                    "intent_n": s.intent_n,
                    "intent_accuracy": round(s.intent_accuracy, 4),
                    "macro_f1": round(s.macro_f1, 4),
                    "lang_accuracy": round(s.lang_accuracy, 4),
                    "lang_accuracy_answered": round(s.answered_accuracy, 4),
                    "amount_accuracy": round(s.amount_accuracy, 4),
                    "amount_n": s.amount_n,
                    "no_amount_n": s.no_amount_n,
                    "no_amount_accuracy": round(s.no_amount_accuracy, 4),
                    "ambiguous_n": s.ambiguous_n,
                    "ambiguous_both_offered": s.ambiguous_both,
                    "alternative_offered": s.alternative_offered,
                }
                for lang, s in self.by_lang.items()
            },
            "latency_ms": {
                "p50": round(self.percentile(0.5), 3),
                "p99": round(self.percentile(0.99), 3),
            },
            "confusions": [
                {"gold": g, "predicted": p, "count": c}
                for (g, p), c in self.confusions.most_common(15)
            ],
            "reliability": [
                {"from": lo, "n": k, "confidence": round(mean, 4), "accuracy": round(acc, 4)}
                for lo, k, mean, acc in self.reliability()
            ],
            "calibration_error": round(self.calibration_error(), 4),
        }


def load_cases(path: Path) -> list[Case]:
    """The cases of one JSON-lines file; `CaseError` names the first line that is not one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise CaseError(f"{path}: not a JSON-lines file (not UTF-8 text)") from None
    cases = []
    for number, line in enumerate(lines, 1):
        if line.strip():
            cases.append(_case(line, f"{path}:{number}"))
    return cases


def _case(line: str, where: str) -> Case:
    try:
        d = json.loads(line)
    except json.JSONDecodeError:
        raise CaseError(f"{where}: not a JSON-lines file (this line is not JSON)") from None
    if not isinstance(d, dict):
        raise CaseError(f"{where}: not a JSON-lines file (a line must be a JSON object)")
    text, lang, intent = d.get("text"), d.get("lang"), d.get("intent")
    amount, alternative = d.get("amount"), d.get("amount_alternative")
    if not isinstance(text, str) or not isinstance(lang, str):
        raise CaseError(f'{where}: a case needs "text" and "lang" strings')
    if intent is not None and not isinstance(intent, str):
        raise CaseError(f'{where}: "intent" must be a string')
    for name, value in (("amount", amount), ("amount_alternative", alternative)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise CaseError(f'{where}: "{name}" must be a number or null')
    return Case(
        text,
        intent,
        lang,
        None if amount is None else float(amount),
        None if alternative is None else float(alternative),
        no_amount="amount" in d and amount is None,
    )


NLU_DIR: Final = Path(__file__).parent
# The sets shipped with the package: the held-out split and the development set may be read
# and tuned on; the challenge sets are only ever scored (never trained on, never read).
HELD_OUT: Final = NLU_DIR / "data" / "test"
DEVELOPMENT: Final = NLU_DIR / "dev"


def set_name(path: Path) -> str:
    """What a folder of cases is: "held-out split", "development set", "challenge set ..."."""
    resolved = path.resolve()
    if resolved == HELD_OUT.resolve():
        return "held-out split"
    if resolved == DEVELOPMENT.resolve():
        return "development set"
    if resolved.parent == NLU_DIR.resolve() and resolved.name.startswith("challenge"):
        return f"challenge set {resolved.name}"
    return str(path)


def load_split(path: Path) -> list[Case]:
    """One JSONL file, or every `*.jsonl` of a folder."""
    if path.is_dir():
        return [c for p in sorted(path.glob("*.jsonl")) for c in load_cases(p)]
    return load_cases(path)


def answered_in(read: str, contact: str) -> str:
    """The language a reply is in: the contact's when the message was read `und`."""
    return contact if read == "und" else read


async def evaluate(cases: list[Case], parser: Parser, known: KnownParser | None = None) -> Report:
    """Every case through `parser`; the language as answered through `known` (the parser
    told the line's language), or, without it, from the same parse."""
    by_lang: dict[str, LanguageScore] = {}
    confusions: Counter[tuple[str, str]] = Counter()
    latencies: list[float] = []
    errors: list[tuple[Case, ParseResult]] = []
    confidences: list[tuple[float, bool]] = []
    for case in cases:
        t0 = time.perf_counter()
        res = await parser(case.text)
        latencies.append((time.perf_counter() - t0) * 1000)
        # Language-neutral messages ("ok", "👍") are scored with the file's language.
        key = case.lang if case.lang in LANGS else "und"
        score = by_lang.setdefault(key, LanguageScore())
        score.n += 1
        score.lang_ok += res.lang == case.lang
        if case.lang in LANGS:
            told = res if known is None else await known(case.text, case.lang)
            score.answered_ok += answered_in(told.lang, case.lang) == case.lang
        else:  # a line no language is known for ("👍" labelled und): as the identifier reads
            score.answered_ok += res.lang == case.lang
        ok = case.intent is None or res.intent == case.intent
        if case.intent is not None:
            score.intent_n += 1
            score.gold.append(case.intent)
            score.pred.append(res.intent)
            score.intent_ok += ok
            if not ok:
                confusions[(case.intent, res.intent)] += 1
            top, top_conf = res.ranking[0] if res.ranking else (res.intent, res.confidence)
            confidences.append((top_conf, top == case.intent))
        wrong = not ok or res.lang != case.lang
        if case.no_amount:
            score.no_amount_n += 1
            score.no_amount_ok += res.entity("amount") is None
            wrong = wrong or res.entity("amount") is not None
        if case.sale:
            score.amount_n += 1
            got, other = res.entity("amount"), res.entity("amount_alternative")
            score.alternative_offered += other is not None
            amount_ok = _same(got, case.amount)
            if case.amount_alternative is not None:
                score.ambiguous_n += 1
                both = _same(got, case.amount_alternative) and _same(other, case.amount)
                both = both or (_same(got, case.amount) and _same(other, case.amount_alternative))
                score.ambiguous_both += both
                amount_ok = amount_ok or both
            score.amount_ok += amount_ok
            wrong = wrong or not amount_ok
        if wrong:
            errors.append((case, res))
    order = {lang: i for i, lang in enumerate((*LANGS, "und"))}
    return Report(
        dict(sorted(by_lang.items(), key=lambda kv: order.get(kv[0], 9))),
        confusions,
        latencies,
        errors,
        confidences,
    )


def _same(got: float | int | str | None, want: float | None) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return isinstance(got, float | int) and abs(float(got) - want) < 0.01


def format_report(report: Report, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'lang':<5} {'n':>4} {COLUMNS}")
    for lang, s in report.by_lang.items():
        lines.append(f"{lang:<5} {s.n:>4} {score_columns(s)}")
    lines.append(
        f"latency p50 {report.percentile(0.5):.3f} ms, p99 {report.percentile(0.99):.3f} ms"
    )
    if report.confusions:
        pairs = ", ".join(f"{g}->{p} x{c}" for (g, p), c in report.confusions.most_common(10))
        lines.append(f"confusions: {pairs}")
    lines.append(format_reliability(report))
    return "\n".join(lines)


# The headers of `score_columns`: "langID" is the identifier alone, "answer" the language
# the bot answers in (`und` → the contact's known language).
COLUMNS: Final = f"{'intent':>7} {'macroF1':>8} {'langID':>6} {'answer':>6} {'amount':>7}"


def score_columns(s: LanguageScore) -> str:
    """intent, macro-F1, language (identifier alone, then as answered) and amount accuracy
    ("-" where nothing is scored), then what the amounts were: "(amounts: 12, 3 ambiguous,
    both offered 3; no amount 14/15)"."""
    intent = f"{s.intent_accuracy:>7.3f} {s.macro_f1:>8.3f}" if s.intent_n else f"{'-':>7} {'-':>8}"
    amount = f"{s.amount_accuracy:>7.3f}" if s.amount_n else f"{'-':>7}"
    lang = f"{s.lang_accuracy:>6.3f} {s.answered_accuracy:>6.3f}"
    return f"{intent} {lang} {amount}  (amounts: {s.amount_n}{amount_note(s)})"


def amount_note(s: LanguageScore) -> str:
    """How ambiguous sales went: ", 3 ambiguous, both offered 2; 1 alternative offered",
    and lines whose numbers are no sale amount: ", no amount given 14/15"."""
    note = f", {s.ambiguous_n} ambiguous, both offered {s.ambiguous_both}" if s.ambiguous_n else ""
    note += f", {s.alternative_offered} with an alternative" if s.alternative_offered else ""
    if s.no_amount_n:
        note += f", no amount given {s.no_amount_ok}/{s.no_amount_n}"
    return note


def format_reliability(report: Report) -> str:
    """One line: per confidence bin, its share of messages and accuracy."""
    bins = "; ".join(
        f"[{lo:.2f}-) n={k} conf {mean:.2f} acc {acc:.2f}"
        for lo, k, mean, acc in report.reliability()
    )
    return f"reliability (top intent): {bins}; calibration error {report.calibration_error():.3f}"


# How a confidence bar does for one use (the per-use thresholds of flows/confidence.py):
# of the messages the NLU reads as one of some intents at or above the bar, how many are
# right (precision), and of the messages that are one of them, how many it reads so (recall).
Reading = tuple[str, ParseResult]  # (the right intent, what the NLU read)


@dataclass(frozen=True, slots=True)
class BarScore:
    bar: float
    acted: int  # readings of these intents at or above the bar
    right: int  # ... whose intent is the right one
    asked: int  # messages whose right intent is one of these

    @property
    def precision(self) -> float:
        return self.right / self.acted if self.acted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.asked if self.asked else 1.0


def at_bar(readings: list[Reading], intents: set[str], bar: float, below: float = 2.0) -> BarScore:
    """Readings of `intents` with a confidence in [bar, below)."""
    acted = [
        (gold, p.intent)
        for gold, p in readings
        if p.intent in intents and bar <= p.confidence < below
    ]
    return BarScore(
        bar,
        len(acted),
        sum(gold == got for gold, got in acted),
        sum(gold in intents for gold, _ in readings),
    )


def language_at_bar(
    cases: list[tuple[str, ParseResult]], bar: float, below: float = 2.0
) -> BarScore:
    """(right language, reading): messages read as one of our languages with a language
    confidence in [bar, below), and how many of them are in that language."""
    acted = [
        (gold, p.lang) for gold, p in cases if p.lang in LANGS and bar <= p.lang_confidence < below
    ]
    return BarScore(
        bar,
        len(acted),
        sum(gold == got for gold, got in acted),
        sum(gold in LANGS for gold, _ in cases),
    )


def wilson_low(right: int, n: int, z: float = 1.96) -> float:
    """The lower end of the Wilson score interval of right/n (95% by default)."""
    if n == 0:
        return 0.0
    p = right / n
    centre = p + z * z / (2 * n)
    spread = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (centre - spread) / (1 + z * z / n)
