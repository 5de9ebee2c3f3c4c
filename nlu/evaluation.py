"""Scores a parser on a held-out JSONL file: per-language accuracy, macro-F1, amounts, latency."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nlu.types import LANGS, ParseResult

Parser = Callable[[str], Awaitable[ParseResult]]


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    intent: str
    lang: str
    amount: float | None = None


@dataclass(slots=True)
class LanguageScore:
    n: int = 0
    intent_ok: int = 0
    lang_ok: int = 0
    amount_n: int = 0
    amount_ok: int = 0
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


@dataclass(slots=True)
class Report:
    by_lang: dict[str, LanguageScore]
    confusions: Counter[tuple[str, str]]
    latencies_ms: list[float]
    errors: list[tuple[Case, ParseResult]]

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
        }


def load_cases(path: Path) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            amount = d.get("amount")
            cases.append(
                Case(d["text"], d["intent"], d["lang"], None if amount is None else float(amount))
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
        if case.intent == "log_sale":
            score.amount_n += 1
            got = res.entity("amount")
            amount_ok = (got is None and case.amount is None) or (
                isinstance(got, float | int)
                and case.amount is not None
                and abs(float(got) - case.amount) < 0.01
            )
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
    )


def format_report(report: Report, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'lang':<5} {'n':>4} {'intent':>7} {'macroF1':>8} {'lang':>6} {'amount':>7}")
    for lang, s in report.by_lang.items():
        lines.append(
            f"{lang:<5} {s.n:>4} {s.intent_accuracy:>7.3f} {s.macro_f1:>8.3f} "
            f"{s.lang_accuracy:>6.3f} {s.amount_accuracy:>7.3f} (amounts: {s.amount_n})"
        )
    lines.append(
        f"latency p50 {report.percentile(0.5):.3f} ms, p99 {report.percentile(0.99):.3f} ms"
    )
    if report.confusions:
        pairs = ", ".join(f"{g}->{p} x{c}" for (g, p), c in report.confusions.most_common(10))
        lines.append(f"confusions: {pairs}")
    return "\n".join(lines)
