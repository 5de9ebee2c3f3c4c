"""The embedded NLU on the messages it did not understand, as facilitators reviewed them
(/admin/misunderstood; the same rows `python -m bot nlu-export` writes for the next
training): per language, how many the model now gets right. Reads the configured database
(DATABASE_URL, else var/migracoop.db); says so and stops when it has none.

    python bench/misunderstood.py
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from bot.db.repos.misunderstood import reviewed  # noqa: E402
from bot.db.session import Database  # noqa: E402
from bot.settings import Settings  # noqa: E402
from nlu import pipeline  # noqa: E402
from nlu.evaluation import Case, evaluate  # noqa: E402
from nlu.types import ParseResult  # noqa: E402


async def main() -> int:
    url = Settings().database_url
    db = Database(url)
    try:
        async with db.connect() as conn:
            rows = await reviewed(conn)
    except (SQLAlchemyError, OSError) as exc:
        print(f"reviewed misunderstood messages: no database to read ({type(exc).__name__})")
        return 0
    finally:
        await db.dispose()
    cases = [Case(text, intent, lang) for lang, intent, text in rows if text.strip()]
    if not cases:
        print("reviewed misunderstood messages: none reviewed yet")
        return 0
    pipeline.parse("warm up")

    async def embedded(text: str) -> ParseResult:
        return pipeline.parse(text)

    report = await evaluate(cases, embedded)
    total = sum(s.n for s in report.by_lang.values())
    right = sum(s.intent_ok for s in report.by_lang.values())
    print(
        f"reviewed misunderstood messages: {total} (what the facilitators said they meant); "
        f"the embedded model now gets {right} right ({right / total:.1%})"
    )
    for lang, score in sorted(report.by_lang.items()):
        print(
            f"  {lang:<4} {score.n:5d} messages  intent accuracy {score.intent_accuracy:6.1%}  "
            f"macro-F1 {score.macro_f1:.3f}"
        )
    for (gold, pred), n in report.confusions.most_common(5):
        print(f"  still read as {pred!r} instead of {gold!r}: {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
