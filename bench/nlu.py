"""NLU benchmark on the held-out split: embedded model, and Rasa side by side when it answers;
then the embedded model on the independent challenge set (nlu/challenge).

Per language: intent accuracy, macro-F1, language accuracy, amount accuracy, p50/p99
parse latency; plus model load time and memory. Run: `python bench/nlu.py`
(`RASA_URL` overrides http://127.0.0.1:5005).
"""

from __future__ import annotations

import asyncio
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlu import normalize, pipeline  # noqa: E402
from nlu.backend import DEFAULT_RASA_URL, RasaBackend  # noqa: E402
from nlu.classifier import load  # noqa: E402
from nlu.evaluation import Report, evaluate, load_split  # noqa: E402
from nlu.types import LANGS, ParseResult  # noqa: E402

TEST_DIR = ROOT / "nlu" / "data" / "test"
CHALLENGE_DIR = ROOT / "nlu" / "challenge"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rasa_up(url: str) -> bool:
    try:
        return httpx.get(f"{url}/status", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _row(name: str, lang: str, report: Report) -> str:
    s = report.by_lang[lang]
    return (
        f"{name:<9} {lang:<4} {s.n:>4} {s.intent_accuracy:>7.3f} {s.macro_f1:>8.3f} "
        f"{s.lang_accuracy:>6.3f} {s.amount_accuracy:>7.3f}"
    )


def _table(reports: dict[str, Report]) -> None:
    print(
        f"{'backend':<9} {'lang':<4} {'n':>4} {'intent':>7} {'macroF1':>8} {'lang':>6} "
        f"{'amount':>7}"
    )
    for lang in (*LANGS, "und"):
        for name, report in reports.items():
            if lang in report.by_lang:
                print(_row(name, lang, report))


def _verdict(reports: dict[str, Report]) -> None:
    """The target: the embedded model at least as accurate as Rasa in every language."""
    if "rasa" not in reports:
        return
    ours, theirs = reports["embedded"].by_lang, reports["rasa"].by_lang
    behind = [
        f"{lang} ({ours[lang].intent_accuracy:.3f} < {theirs[lang].intent_accuracy:.3f})"
        for lang in LANGS
        if lang in ours and ours[lang].intent_accuracy < theirs[lang].intent_accuracy
    ]
    print(
        "embedded >= rasa in every language:", "yes" if not behind else "no, " + ", ".join(behind)
    )


def _confusions(reports: dict[str, Report]) -> None:
    for name, report in reports.items():
        pairs = ", ".join(f"{g}->{p} x{c}" for (g, p), c in report.confusions.most_common(6))
        print(f"{name:<9} top confusions: {pairs or 'none'}")


async def main() -> int:
    cases = load_split(TEST_DIR)
    rss_before = _rss_mb()
    tracemalloc.start()
    t0 = time.perf_counter()
    _models, meta = load(pipeline.MODEL_PATH)
    load_s = time.perf_counter() - t0
    model_mb = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    pipeline.models()
    pipeline.parse("warm up")

    async def embedded(text: str) -> ParseResult:
        return pipeline.parse(text)

    reports: dict[str, Report] = {"embedded": await evaluate(cases, embedded)}
    # Latency of the pure parse, many rounds, without the evaluation's bookkeeping.
    timings = []
    for _ in range(5):
        for case in cases:
            normalize.light.cache_clear()  # time a message never seen before
            normalize.fold.cache_clear()
            t = time.perf_counter()
            pipeline.parse(case.text)
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()

    challenge = load_split(CHALLENGE_DIR)
    ch_reports: dict[str, Report] = {"embedded": await evaluate(challenge, embedded)}
    rasa_url = os.environ.get("RASA_URL", DEFAULT_RASA_URL)
    rasa_failures = 0
    if _rasa_up(rasa_url):
        backend = RasaBackend(rasa_url, timeout=5.0)

        async def rasa(text: str) -> ParseResult:
            return await backend.parse(text)

        await rasa("warm up")
        reports["rasa"] = await evaluate(cases, rasa)
        ch_reports["rasa"] = await evaluate(challenge, rasa)
        rasa_failures = backend.failures
        await backend.aclose()

    print(f"held-out split: {len(cases)} messages in {TEST_DIR.relative_to(ROOT)}")
    print(
        f"embedded model: loaded in {load_s * 1000:.0f} ms, {model_mb:.1f} MB allocated, "
        f"process RSS {rss_before:.0f} -> {_rss_mb():.0f} MB; "
        f"cross-validated intent accuracy on training data {meta['cv_intent_accuracy']}"
    )
    print()
    _table(reports)
    print()
    for name, report in reports.items():
        print(
            f"{name:<9} latency through the backend: p50 {report.percentile(0.5):.3f} ms, "
            f"p99 {report.percentile(0.99):.3f} ms"
        )
    p50, p99 = timings[len(timings) // 2], timings[int(len(timings) * 0.99)]
    print(f"embedded  pure parse ({len(timings)} calls): p50 {p50:.3f} ms, p99 {p99:.3f} ms")
    if "rasa" in reports:
        print(f"rasa      failures (fell back to embedded): {rasa_failures}")
    else:
        print(f"rasa      no server at {rasa_url} (make rasa): embedded only")
    _verdict(reports)
    _confusions(reports)

    print()
    print(
        f"challenge set (independent): {len(challenge)} messages in "
        f"{CHALLENGE_DIR.relative_to(ROOT)}, written without seeing the training data"
    )
    _table(ch_reports)
    _verdict(ch_reports)
    _confusions(ch_reports)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
