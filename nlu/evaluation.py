"""Scores a parser on a JSONL file: per-language accuracy, macro-F1, amounts, latency, and how
well its confidences are calibrated (accuracy per confidence bin).

A case's `amount` is the total in euros; a case may add `amount_alternative`, the other
reading of an ambiguous sale (unit price or total). An amount is right when the parser's
`amount` is the case's `amount`, or when the case is ambiguous and the parser offers both
readings (its `amount_alternative` is the other one): the sales flow then asks.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from nlu.types import LANGS, ParseResult

Parser = Callable[[str], Awaitable[ParseResult]]


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    intent: str
    lang: str
    amount: float | None = None
    amount_alternative: float | None = None


@dataclass(slots=True)
class LanguageScore:
    n: int = 0
    intent_ok: int = 0
    lang_ok: int = 0
    amount_n: int = 0
    amount_ok: int = 0
    ambiguous_n: int = 0  # cases with an amount_alternative
    ambiguous_both: int = 0  # ... where the parser offered both readings
    alternative_offered: int = 0  # sales where the parser offered a second reading
    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_ok / self.n if self.n else 0.0

    @property
    def lang_accuracy(self) -> float:
        return self.lang_ok / self.n if self.n else 0.0

    @property
    def amount_accuracy(self) -> float:
        return self.amount_ok / self.amount_n if self.amount_n else 1.0

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
                    "intent_accuracy": round(s.intent_accuracy, 4),
                    "macro_f1": round(s.macro_f1, 4),
                    "lang_accuracy": round(s.lang_accuracy, 4),
                    "amount_accuracy": round(s.amount_accuracy, 4),
                    "amount_n": s.amount_n,
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
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            amount, alternative = d.get("amount"), d.get("amount_alternative")
            cases.append(
                Case(
                    d["text"],
                    d["intent"],
                    d["lang"],
                    None if amount is None else float(amount),
                    None if alternative is None else float(alternative),
                )
            )
    return cases


def load_split(path: Path) -> list[Case]:
    """One JSONL file, or every `*.jsonl` of a folder."""
    if path.is_dir():
        return [c for p in sorted(path.glob("*.jsonl")) for c in load_cases(p)]
    return load_cases(path)


async def evaluate(cases: list[Case], parser: Parser) -> Report:
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
        score.gold.append(case.intent)
        score.pred.append(res.intent)
        ok = res.intent == case.intent
        score.intent_ok += ok
        score.lang_ok += res.lang == case.lang
        if not ok:
            confusions[(case.intent, res.intent)] += 1
        top, top_conf = res.ranking[0] if res.ranking else (res.intent, res.confidence)
        confidences.append((top_conf, top == case.intent))
        if case.intent == "log_sale":
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
            if not amount_ok:
                errors.append((case, res))
        if not ok or res.lang != case.lang:
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
    lines.append(f"{'lang':<5} {'n':>4} {'intent':>7} {'macroF1':>8} {'lang':>6} {'amount':>7}")
    for lang, s in report.by_lang.items():
        lines.append(
            f"{lang:<5} {s.n:>4} {s.intent_accuracy:>7.3f} {s.macro_f1:>8.3f} "
            f"{s.lang_accuracy:>6.3f} {s.amount_accuracy:>7.3f} (amounts: {s.amount_n}"
            f"{amount_note(s)})"
        )
    lines.append(
        f"latency p50 {report.percentile(0.5):.3f} ms, p99 {report.percentile(0.99):.3f} ms"
    )
    if report.confusions:
        pairs = ", ".join(f"{g}->{p} x{c}" for (g, p), c in report.confusions.most_common(10))
        lines.append(f"confusions: {pairs}")
    lines.append(format_reliability(report))
    return "\n".join(lines)


def amount_note(s: LanguageScore) -> str:
    """How ambiguous sales went: ", 3 ambiguous, both offered 2; 1 alternative offered"."""
    note = f", {s.ambiguous_n} ambiguous, both offered {s.ambiguous_both}" if s.ambiguous_n else ""
    return note + (
        f", {s.alternative_offered} with an alternative" if s.alternative_offered else ""
    )


def format_reliability(report: Report) -> str:
    """One line: per confidence bin, its share of messages and accuracy."""
    bins = "; ".join(
        f"[{lo:.2f}-) n={k} conf {mean:.2f} acc {acc:.2f}"
        for lo, k, mean, acc in report.reliability()
    )
    return f"reliability (top intent): {bins}; calibration error {report.calibration_error():.3f}"
