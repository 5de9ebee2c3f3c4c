"""The dashboard's figures for a period and filters: tables (with their charts) built from
the period's counts, and from the journeys' and coops' figures when given. Pure:
`build(counts, filters, programme)`; the page reads them once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from bot.reports.broadcasts import STAGES, SentBroadcast
from bot.reports.counts import (
    CHANNEL_NAMES,
    COUNTED_CHANNELS,
    LANG_NAMES_FR,
    REPORT_LANGS,
    Counts,
    Dim,
)
from bot.reports.period import Grain, Period, bucket, bucket_label
from bot.reports.programme import OUTCOME_NAMES, Programme
from bot.reports.tables import AmountTable, Table

PAYMENTS: Final = {"cash": "espèces", "card": "carte", "transfer": "virement", "": "non dit"}
STATUSES: Final = (("done", "Fait"), ("not_yet", "Pas encore"), ("help", "Demande de l'aide"))


@dataclass(frozen=True)
class Filters:
    period: Period
    lang: str | None = None  # one of REPORT_LANGS
    channel: str | None = None  # one of COUNTED_CHANNELS
    coop: str | None = None  # a coop's name: its sales by member, product, payment method

    def apply(self, counts: Counts) -> Counts:
        return counts.where(lang=self.lang, channel=self.channel)


@dataclass(frozen=True)
class Journeys:
    """The journeys' and coops' figures, with what the viewer may see of them."""

    programme: Programme
    member_name: Callable[[int, int], str]  # (member id, rank in the table) -> a label
    step_titles: dict[str, str]


def build(
    counts: Counts,
    filters: Filters,
    journeys: Journeys | None = None,
    sent: Sequence[SentBroadcast] | None = None,
) -> list[Table]:
    """Every table of the dashboard, in the order shown."""
    counts = filters.apply(counts)
    period = filters.period
    langs = (filters.lang,) if filters.lang else REPORT_LANGS
    channels = (filters.channel,) if filters.channel else COUNTED_CHANNELS
    tables = [
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
    if sent is not None:  # before the requests for a person
        tables.insert(3, broadcast_reach(sent))
    if journeys is not None:  # after the people, before the messages
        funnel = journey_funnel(counts, filters, journeys.programme)
        tables[3:3] = [funnel, *programme_tables(filters, journeys)]
    return tables


def programme_tables(filters: Filters, journeys: Journeys) -> list[Table]:
    data, period = journeys.programme, filters.period
    tables: list[Table] = []
    if not (filters.lang or filters.channel):  # these figures have no language nor channel
        tables.append(outcomes_over_time(data, period))
    tables.append(steps_table(data, journeys.step_titles))
    tables += sales_tables(data, filters, journeys.member_name)
    tables.append(workshop_table(data))
    return tables


def journey_funnel(counts: Counts, filters: Filters, data: Programme) -> Table:
    """People and steps of the journey in the period, one count each. Modules, steps and
    eligibility results are counted as they happen (a person may count twice); coops have
    no language nor channel, so a filter on them leaves those rows out."""
    rows = [
        ("Premier contact (personnes)", counts.total("people")),
        ("Consentement donné (personnes)", counts.total("consented")),
        ("Modules terminés", counts.total("modules_done")),
    ]
    if not (filters.lang or filters.channel):
        rows.append(("Résultats « puis-je participer ? »", sum(data.outcomes.values())))
    rows.append(("Démarches faites", counts.total("steps_done")))
    if not (filters.lang or filters.channel):
        rows += [
            ("Nouveaux membres de coopérative", data.joined),
            ("Premières ventes (membres)", data.first_sales),
        ]
    return Table(
        "journey_funnel",
        "Le parcours : du premier contact à la première vente",
        "Étape",
        ("Nombre",),
        tuple((label, (n,)) for label, n in rows),
        totals=False,
        note="Dans la période. Modules, résultats et démarches sont comptés quand ils ont "
        "lieu (une personne peut compter deux fois).",
    )


def outcomes_over_time(data: Programme, period: Period) -> Table:
    names = [*OUTCOME_NAMES, *sorted({o for _, o in data.outcomes} - set(OUTCOME_NAMES))]
    index = {o: i for i, o in enumerate(names)}
    rows: dict[date, list[int]] = {b: [0] * len(names) for b in period.buckets()}
    for (day, outcome), n in data.outcomes.items():
        rows[bucket(day, period.grain)][index[outcome]] += n
    return Table(
        "eligibility_outcomes",
        "Résultats de « puis-je participer ? »",
        _unit(period.grain),
        tuple(OUTCOME_NAMES.get(o, o) for o in names),
        tuple((bucket_label(b, period.grain), tuple(v)) for b, v in rows.items()),
        keys=tuple(names),
    )


def steps_table(data: Programme, titles: dict[str, str]) -> Table:
    """Each step's state today, for the people who gave consent (the others' are not kept)."""
    order = [s for s in titles if s in data.steps] + sorted(set(data.steps) - set(titles))
    return Table(
        "checklist_steps",
        "Démarches : où en sont les personnes",
        "Démarche",
        tuple(label for _, label in STATUSES),
        tuple(
            (titles.get(s, s), tuple(data.steps[s].get(k, 0) for k, _ in STATUSES)) for s in order
        ),
        total_row=False,
        note="Aujourd'hui, pour les personnes qui ont donné leur consentement (les autres "
        "réponses ne sont pas gardées). Les personnes effacées n'y sont plus.",
        keys=tuple(k for k, _ in STATUSES),
    )


def sales_tables(
    data: Programme, filters: Filters, member_name: Callable[[int, int], str]
) -> list[Table]:
    period, grain = filters.period, filters.period.grain
    coops = [c for c in data.coops if c in data.sales]
    out: list[Table] = []
    for g in dict.fromkeys((grain, "week")):  # the period's own grain, and by week
        rows: dict[date, list[int]] = {b: [0] * len(coops) for b in _buckets(period, g)}
        for i, coop in enumerate(coops):
            for day, cents in data.sales[coop].get("day", {}).items():
                rows[bucket(day, g)][i] += cents  # type: ignore[arg-type]
        out.append(
            AmountTable(
                f"sales_by_{g}",
                f"Ventes des coopératives ({_per(g)}, euros TTC)",
                _unit(g),
                tuple(coops),
                tuple((bucket_label(b, g), tuple(v)) for b, v in rows.items()),
                keys=tuple(coops),
                note="Sommes du registre des ventes (corrections comprises).",
            )
        )
    if filters.coop in data.sales:
        sums = data.sales[filters.coop]
        by_member = sorted(sums.get("member", {}).items(), key=lambda kv: -kv[1])
        out.append(
            AmountTable(
                "sales_by_member",
                f"Ventes de {filters.coop}, par membre (euros TTC)",
                "Membre",
                ("Ventes",),
                tuple(
                    (member_name(int(m), rank), (cents,))  # type: ignore[call-overload]
                    for rank, (m, cents) in enumerate(by_member, 1)
                ),
                totals=False,
            )
        )
        by_product = sorted(sums.get("product", {}).items(), key=lambda kv: -kv[1])
        out.append(
            AmountTable(
                "sales_by_product",
                f"Ventes de {filters.coop}, par produit (euros TTC)",
                "Produit",
                ("Ventes",),
                tuple((str(p), (cents,)) for p, cents in by_product),
                totals=False,
            )
        )
    payments: dict[str, int] = {}
    for coop in coops:
        for key, cents in data.sales[coop].get("payment", {}).items():
            payments[str(key)] = payments.get(str(key), 0) + cents
    out.append(
        AmountTable(
            "sales_by_payment",
            "Ventes par moyen de paiement (euros TTC)",
            "Moyen de paiement",
            ("Ventes",),
            tuple((PAYMENTS.get(k, k), (payments[k],)) for k in sorted(payments)),
            totals=False,
        )
    )
    return out


def workshop_table(data: Programme) -> Table:
    return Table(
        "workshops",
        "Ateliers : inscrits et présents",
        "Atelier",
        ("Inscrits (« je viens »)", "Présents"),
        tuple(
            (f"{w.day.day:02d}/{w.day.month:02d} {w.title}", (w.coming, w.attended))
            for w in data.workshops
        ),
        totals=False,
        note="Ateliers de la période (non annulés). Les personnes effacées restent comptées.",
    )


def broadcast_reach(sent: Sequence[SentBroadcast]) -> Table:
    """Per broadcast started in the period, its recipients (of the language and channel
    filtered on, as read) by how far their message got: each counted once, so the stages
    add up to the recipients (the total), and the "< 5" rule hides what subtraction would
    give."""
    rows = []
    for b in sent:
        label = f"{b.started_on.day:02d}/{b.started_on.month:02d} n°{b.id}"
        rows.append((label, tuple(b.stages.get(stage, 0) for stage, _, _ in STAGES)))
    return Table(
        "broadcast_reach",
        "Diffusions : jusqu'où les messages sont allés",
        "Diffusion",
        tuple(name for _, name, _ in STAGES),
        tuple(rows),
        note="Diffusions parties dans la période ; le total est le nombre de destinataires, "
        "chacun compté une fois, à l'étape la plus avancée (états relevés par l'envoi "
        "toutes les quelques minutes). Telegram ne dit ni la réception ni la lecture : ses "
        "messages restent « envoyés ». Les personnes effacées restent comptées.",
        keys=tuple(stage for stage, _, _ in STAGES),
    )


def _buckets(period: Period, grain: Grain) -> list[date]:
    return list(dict.fromkeys(bucket(d, grain) for d in _days(period)))


def _days(period: Period) -> list[date]:
    return [period.start + timedelta(days=i) for i in range(period.days)]


def _unit(grain: Grain) -> str:
    return {"day": "Jour", "week": "Semaine", "month": "Mois"}[grain]


def _per(grain: Grain) -> str:
    return {"day": "par jour", "week": "par semaine", "month": "par mois"}[grain]


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
