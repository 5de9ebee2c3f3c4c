"""The impact report for funders: each figure for the period beside the previous period of
the same length, in total, by language and by channel. Anonymous by construction: made only
of counts, each shown through the "< 5" rule (bot/reports/tables.py)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from bot.reports.counts import (
    CHANNEL_NAMES,
    COUNTED_CHANNELS,
    LANG_NAMES_FR,
    REPORT_LANGS,
    Counts,
    people_to_date,
    read_counts,
)
from bot.reports.period import Period
from bot.reports.tables import Table, protect_lines, shown

# (measure, label): the figures of the report, in order.
FIGURES: Final = (
    ("people", "Personnes touchées (premier contact dans la période)"),
    ("consented", "dont ayant donné leur consentement"),
    ("handovers", "Demandes à parler à une personne"),
    ("messages_in", "Messages reçus"),
    ("not_understood", "Messages non compris"),
)
CSV_HEADER: Final = ("from", "to", "figure", "label", "by", "group", "value", "previous_value")


@dataclass(frozen=True)
class Line:
    """One figure in total, or for one language or channel."""

    figure: str
    label: str
    by: str  # total | language | channel
    group: str  # all, or the language or channel code
    group_label: str
    value: str  # as shown ("< 5" for 1 to 4)
    previous: str


@dataclass(frozen=True)
class Report:
    period: Period
    made_at: datetime
    to_date: str  # everyone reached from the start to the end of the period
    tables: tuple[Table, ...]  # one per figure: rows total / by language / by channel

    def lines(self) -> list[Line]:
        out = []
        for table in self.tables:
            grid = dict(table.grid())
            for key, label in zip(table.keys, [r[0] for r in table.rows], strict=True):
                by, group = key.split(":", 1)
                value, previous = grid[label][:2]
                out.append(Line(table.id, table.title, by, group, label, value, previous))
        return out

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        start, end = self.period.start.isoformat(), self.period.end.isoformat()
        writer.writerow(
            (
                start,
                end,
                "people_to_date",
                "Personnes touchées depuis le début",
                "total",
                "all",
                self.to_date,
                "",
            )
        )
        for line in self.lines():
            writer.writerow(
                (
                    start,
                    end,
                    line.figure,
                    line.label,
                    line.by,
                    line.group,
                    line.value,
                    line.previous,
                )
            )
        return out.getvalue()


def figure_table(measure: str, label: str, now: Counts, before: Counts) -> Table:
    """Rows: total, each language, each channel; columns: this period, the previous one.
    The total is computed from the parts, so the "< 5" rule hides what subtraction would
    give away within each breakdown."""
    rows: list[tuple[str, tuple[int, int]]] = [
        ("Total", (now.total(measure), before.total(measure)))
    ]
    keys = ["total:all"]
    for lang in REPORT_LANGS:
        rows.append(
            (
                LANG_NAMES_FR[lang],
                (now.by(measure, "lang").get(lang, 0), before.by(measure, "lang").get(lang, 0)),
            )
        )
        keys.append(f"language:{lang}")
    for ch in COUNTED_CHANNELS:
        rows.append(
            (
                CHANNEL_NAMES[ch],
                (now.by(measure, "channel").get(ch, 0), before.by(measure, "channel").get(ch, 0)),
            )
        )
        keys.append(f"channel:{ch}")
    return ReportTable(
        measure,
        label,
        "",
        ("Période", "Période précédente"),
        tuple(rows),
        totals=False,
        keys=tuple(keys),
    )


class ReportTable(Table):
    """A figure's rows: the total first, then the languages, then the channels. Each
    breakdown adds up to the total and is protected as one line of parts with that total."""

    def marks(self) -> list[list[str | None]]:
        numbers = [values for _, values in self.numbers()]
        n_langs = len(REPORT_LANGS)
        groups = (range(1, 1 + n_langs), range(1 + n_langs, len(numbers)))
        # Both breakdowns share the total: protected together, so that a total hidden for
        # one is not given away by the other.
        lines = [
            [*((r, column) for r in group), (0, column)]
            for group in groups
            for column in range(len(self.columns))
        ]
        return protect_lines(numbers, lines)


async def build_report(
    conn: AsyncConnection, period: Period, tz: ZoneInfo, made_at: datetime
) -> Report:
    now = await read_counts(conn, period, tz)
    before = await read_counts(conn, period.previous, tz)
    tables = tuple(figure_table(m, label, now, before) for m, label in FIGURES)
    to_date = await people_to_date(conn, period.end, tz)
    return Report(period, made_at, shown(to_date), tables)
