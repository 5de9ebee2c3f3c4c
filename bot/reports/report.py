"""The impact report for funders: each figure for the period beside the previous period of
the same length, in total and by language and channel (or by eligibility outcome, coop).
Anonymous by construction: made only of counts, each shown through the "< 5" rule
(bot/reports/tables.py); a sales total only when at least 5 members made it."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
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
from bot.reports.programme import (
    OUTCOME_NAMES,
    CoopFigures,
    WorkshopFigures,
    coop_figures,
    genders,
    outcomes,
    workshop_figures,
)
from bot.reports.tables import SMALL, Table, euros, protect_lines, shown

# (measure, label): the figures of the report, in order.
FIGURES: Final = (
    ("people", "Personnes touchées (premier contact dans la période)"),
    ("consented", "dont ayant donné leur consentement"),
    ("modules_done", "Modules de sensibilisation terminés"),
    ("steps_done", "Démarches administratives faites (étapes cochées)"),
    ("rsvp_yes", "Réponses « je viens » à un atelier"),
    ("handovers", "Demandes à parler à une personne"),
    ("messages_in", "Messages reçus"),
    ("not_understood", "Messages non compris"),
)
FEW_SELLERS: Final = "< 5 vendeurs"
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
    for dim, names, key in (
        ("lang", LANG_NAMES_FR, "language"),
        ("channel", CHANNEL_NAMES, "channel"),
    ):
        these, those = now.by(measure, dim), before.by(measure, dim)  # type: ignore[arg-type]
        for code in REPORT_LANGS if dim == "lang" else COUNTED_CHANNELS:
            rows.append((names[code], (these.get(code, 0), those.get(code, 0))))
            keys.append(f"{key}:{code}")
    return ReportTable(
        measure,
        label,
        "",
        ("Période", "Période précédente"),
        tuple(rows),
        totals=False,
        keys=tuple(keys),
    )


@dataclass(frozen=True)
class ReportTable(Table):
    """A figure's rows: the total first, then its breakdowns (`groups`: how many rows each;
    by default the languages, then the channels). Each breakdown adds up to the total and
    is protected as one line of parts with that total; the breakdowns share it."""

    groups: tuple[int, ...] = (len(REPORT_LANGS), len(COUNTED_CHANNELS))

    def find_marks(self) -> list[list[str | None]]:
        numbers = [values for _, values in self.numbers()]
        lines = []
        first = 1
        for size in self.groups:
            rows = range(first, first + size)
            first += size
            # Both breakdowns share the total: protected together, so that a total hidden
            # for one is not given away by the other.
            lines += [
                [*((r, column) for r in rows), (0, column)] for column in range(len(self.columns))
            ]
        return protect_lines(numbers, lines)


@dataclass(frozen=True)
class MoneyTable(ReportTable):
    """Sales totals in cents (rows: all coops, then each), shown in euros. A total made by
    fewer than 5 members is hidden; and where one coop's is, so is another's (else the
    total minus the others gives it away)."""

    sellers: tuple[tuple[int, ...], ...] = ()  # per row and column: members who sold

    def find_marks(self) -> list[list[str | None]]:
        cents = [values for _, values in self.rows]
        marks: list[list[str | None]] = [
            [FEW_SELLERS if n < SMALL and c else None for n, c in zip(s, row, strict=True)]
            for s, row in zip(self.sellers, cents, strict=True)
        ]
        for column in range(len(self.columns)):
            if marks[0][column] is not None:
                continue
            parts = [r for r in range(1, len(cents)) if cents[r][column]]
            hidden = [r for r in parts if marks[r][column] is not None]
            shown_parts = [r for r in parts if marks[r][column] is None]
            if len(hidden) == 1:
                if shown_parts:
                    r = min(shown_parts, key=lambda r: abs(cents[r][column]))
                    marks[r][column] = FEW_SELLERS
                else:
                    marks[0][column] = FEW_SELLERS
        return marks

    def numbers(self) -> list[tuple[str, list[int]]]:
        """Whole euros (rounded in integers), for the charts' heights."""
        return [(label, [(c + 50) // 100 for c in values]) for label, values in self.rows]

    def grid(self) -> list[tuple[str, list[str]]]:
        marks = self.marks()
        return [
            (label, [marks[r][c] or euros(n) for c, n in enumerate(values)])
            for r, (label, values) in enumerate(self.rows)
        ]


COMPARE: Final = ("Période", "Période précédente")


def outcome_table(now: dict[str, int], before: dict[str, int]) -> ReportTable:
    names = [*OUTCOME_NAMES, *sorted((set(now) | set(before)) - set(OUTCOME_NAMES))]
    rows = [("Total", (sum(now.values()), sum(before.values())))]
    rows += [(OUTCOME_NAMES.get(o, o), (now.get(o, 0), before.get(o, 0))) for o in names]
    return ReportTable(
        "eligibility_outcomes",
        "Résultats de « puis-je participer ? »",
        "",
        COMPARE,
        tuple(rows),
        totals=False,
        keys=("total:all", *(f"outcome:{o}" for o in names)),
        groups=(len(names),),
    )


GENDER_NAMES: Final = {
    "woman": "Femmes",
    "man": "Hommes",
    "no_say": "Préfèrent ne pas le dire",
    "none": "Question passée",
}


def gender_table(now: dict[str, int], before: dict[str, int]) -> ReportTable:
    """Who did "can I join?", by what they chose to say (women are the programme's priority
    public): anonymous lines, never linked to a person."""
    names = list(GENDER_NAMES)
    rows = [("Total", (sum(now.values()), sum(before.values())))]
    rows += [(GENDER_NAMES[g], (now.get(g, 0), before.get(g, 0))) for g in names]
    return ReportTable(
        "eligibility_gender",
        "« Puis-je participer ? » : femmes et hommes (quand la personne a choisi de le dire)",
        "",
        COMPARE,
        tuple(rows),
        totals=False,
        keys=("total:all", *(f"gender:{g}" for g in names)),
        groups=(len(names),),
    )


def coop_tables(
    now: Sequence[CoopFigures], before: Sequence[CoopFigures]
) -> tuple[ReportTable, ReportTable, MoneyTable]:
    """Members at the period's end, members who sold, and sales totals: per coop."""
    earlier = {c.name: c for c in before}
    empty = CoopFigures("", 0, 0, 0, 0)
    pairs = [(c, earlier.get(c.name, empty)) for c in now]
    keys = ("total:all", *(f"coop:{c.name}" for c in now))

    def count(figure: str, title: str, attr: str) -> ReportTable:
        parts = [(c.name, (getattr(c, attr), getattr(b, attr))) for c, b in pairs]
        total = ("Total", tuple(sum(p[1][i] for p in parts) for i in range(2)))
        return ReportTable(
            figure,
            title,
            "",
            COMPARE,
            (total, *parts),
            totals=False,
            keys=keys,
            groups=(len(parts),),
        )

    parts = [(c.name, (c.cents, b.cents)) for c, b in pairs]
    sellers = [(c.sellers, b.sellers) for c, b in pairs]
    money = MoneyTable(
        "sales_total_eur",
        "Ventes des coopératives (euros TTC)",
        "",
        COMPARE,
        (("Total", tuple(sum(p[1][i] for p in parts) for i in range(2))), *parts),
        totals=False,
        keys=keys,
        groups=(len(parts),),
        sellers=(tuple(sum(s[i] for s in sellers) for i in range(2)), *sellers),
    )
    return (
        count("coop_members", "Membres des coopératives (à la fin de la période)", "members"),
        count("coop_sellers", "Membres ayant enregistré une vente", "sellers"),
        money,
    )


def attendance_table(
    now: Sequence[WorkshopFigures], before: Sequence[WorkshopFigures]
) -> ReportTable:
    """Workshops held in each period (not cancelled): who said they would come, who came.
    Two counts, not parts of a whole: each alone under the "< 5" rule."""
    rows = (
        ("Inscrits (« je viens »)", (sum(w.coming for w in now), sum(w.coming for w in before))),
        ("Présents", (sum(w.attended for w in now), sum(w.attended for w in before))),
    )
    return ReportTable(
        "workshop_attendance",
        "Ateliers : inscrits et présents",
        "",
        COMPARE,
        rows,
        totals=False,
        keys=("attendance:coming", "attendance:attended"),
        groups=(),
    )


async def build_report(
    conn: AsyncConnection, period: Period, tz: ZoneInfo, made_at: datetime
) -> Report:
    now = await read_counts(conn, period, tz, grain=None)
    before = await read_counts(conn, period.previous, tz, grain=None)
    tables: list[Table] = [figure_table(m, label, now, before) for m, label in FIGURES]
    tables.insert(
        3, outcome_table(await outcomes(conn, period), await outcomes(conn, period.previous))
    )
    tables.insert(
        4, gender_table(await genders(conn, period), await genders(conn, period.previous))
    )
    tables[7:7] = coop_tables(
        await coop_figures(conn, period, tz), await coop_figures(conn, period.previous, tz)
    )
    tables.insert(
        10,
        attendance_table(
            await workshop_figures(conn, period, tz),
            await workshop_figures(conn, period.previous, tz),
        ),
    )
    to_date = await people_to_date(conn, period.end, tz)
    return Report(period, made_at, shown(to_date), tuple(tables))
