"""The dashboard's figures for a period and filters: tables (with their charts) built from
the period's counts. Pure: `build(counts, filters)`; the page reads the counts once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.reports.counts import (
    CHANNEL_NAMES,
    COUNTED_CHANNELS,
    LANG_NAMES_FR,
    REPORT_LANGS,
    Counts,
    Dim,
)
from bot.reports.period import Period, bucket, bucket_label
from bot.reports.tables import Table


@dataclass(frozen=True)
class Filters:
    period: Period
    lang: str | None = None  # one of REPORT_LANGS
    channel: str | None = None  # one of COUNTED_CHANNELS

    def apply(self, counts: Counts) -> Counts:
        return counts.where(lang=self.lang, channel=self.channel)


def build(counts: Counts, filters: Filters) -> list[Table]:
    """Every table of the dashboard, in the order shown."""
    counts = filters.apply(counts)
    period = filters.period
    langs = (filters.lang,) if filters.lang else REPORT_LANGS
    channels = (filters.channel,) if filters.channel else COUNTED_CHANNELS
    return [
        over_time(
            counts,
            period,
            "people",
            "lang",
            langs,
            "people_by_language",
            "Nouvelles personnes, par langue",
        ),
        over_time(
            counts,
            period,
            "people",
            "channel",
            channels,
            "people_by_channel",
            "Nouvelles personnes, par canal",
        ),
        consent_funnel(counts, langs),
        over_time(
            counts,
            period,
            "handovers",
            "lang",
            langs,
            "handovers_by_language",
            "Demandes à parler à une personne, par langue",
        ),
        misunderstood(counts, period),
    ]


def _names(dim: Dim, keys: Sequence[str]) -> tuple[str, ...]:
    names = CHANNEL_NAMES if dim == "channel" else LANG_NAMES_FR
    return tuple(names.get(k, k) for k in keys)


def over_time(
    counts: Counts,
    period: Period,
    measure: str,
    dim: Dim,
    keys: Sequence[str],
    table_id: str,
    title: str,
) -> Table:
    grain = period.grain
    cells = counts.by_day(measure, dim)
    rows: dict[date, list[int]] = {b: [0] * len(keys) for b in period.buckets()}
    index = {k: i for i, k in enumerate(keys)}
    for (day, part), n in cells.items():
        if part in index:
            rows[bucket(day, grain)][index[part]] += n
    unit = {"day": "Jour", "week": "Semaine", "month": "Mois"}[grain]
    return Table(
        table_id,
        title,
        unit,
        _names(dim, keys),
        tuple((bucket_label(b, grain), tuple(v)) for b, v in rows.items()),
        keys=tuple(keys),
    )


def consent_funnel(counts: Counts, langs: Sequence[str]) -> Table:
    """Of the people whose first contact is in the period, how many gave consent."""
    people, consented = counts.by("people", "lang"), counts.by("consented", "lang")
    return Table(
        "first_contact_to_consent",
        "Du premier contact au consentement",
        "Étape",
        _names("lang", langs),
        (
            ("Premier contact", tuple(people.get(k, 0) for k in langs)),
            ("Consentement donné", tuple(consented.get(k, 0) for k in langs)),
        ),
        keys=tuple(langs),
        total_row=False,
        note="Personnes dont le premier contact est dans la période.",
    )


def misunderstood(counts: Counts, period: Period) -> Table:
    measures = ("messages_in", "not_understood", "low_confidence")
    grain = period.grain
    rows: dict[date, list[int]] = {b: [0, 0, 0] for b in period.buckets()}
    for i, m in enumerate(measures):
        for (day, _), n in counts.by_day(m).items():
            rows[bucket(day, grain)][i] += n
    unit = {"day": "Jour", "week": "Semaine", "month": "Mois"}[grain]
    return Table(
        "misunderstood_messages",
        "Messages que le bot n'a pas compris",
        unit,
        ("Messages reçus", "Non compris", "Compris à moitié (« vouliez-vous dire… ? »)"),
        tuple((bucket_label(b, grain), tuple(v)) for b, v in rows.items()),
        totals=False,
    )
