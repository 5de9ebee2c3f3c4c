"""The lookup's sales facts of an engine case, from its YAML (`coop`, `totals`, `last_sale`,
`invites`): dates as YYYY-MM-DD, amounts in cents.

    coop: {name: Cuisine, today: 2026-11-10, max_sale_cents: 50000, reminders: true,
           products: [{id: 1, name: repas, price_cents: 800, aliases: [plat]}]}
    totals: {mine_today: 4000, mine_week: 12000, mine_month: 48000, coop_today: 31000}
    last_sale: {id: 12, product: repas, quantity: 5, cents: 4000, payment: cash,
                day: 2026-11-10, product_id: 1}
    invites: {K7M4Q2: {coop: Cuisine, status: open}}
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flows.lookup import (
    CoopInfo,
    InviteInfo,
    MemoryLookup,
    ProductInfo,
    SaleInfo,
    SalesTotals,
    Total,
)


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def coop_info(spec: Mapping[str, Any]) -> CoopInfo:
    return CoopInfo(
        name=str(spec.get("name", "Cuisine du monde")),
        today=_day(spec.get("today", "2026-11-10")),
        products=tuple(
            ProductInfo(
                int(p["id"]),
                str(p["name"]),
                tuple(str(a) for a in p.get("aliases", ())),
                int(p.get("price_cents", 0)),
            )
            for p in spec.get("products", ())
        ),
        max_sale_cents=int(spec.get("max_sale_cents", 100_000)),
        reminders=bool(spec.get("reminders", True)),
        reminder_at=str(spec.get("reminder_at", "20:00")),
        starts_on=_day(spec["starts_on"]) if "starts_on" in spec else None,
    )


def memory_lookup(
    values: Mapping[str, str],
    *,
    coop: Mapping[str, Any] | None = None,
    totals: Mapping[str, Any] | None = None,
    last_sale: Mapping[str, Any] | None = None,
    invites: Mapping[str, Mapping[str, str]] | None = None,
) -> MemoryLookup:
    membership = coop_info(coop) if coop is not None else None
    today = membership.today if membership else date(2026, 11, 10)
    return MemoryLookup(
        values,
        membership=membership,
        totals=SalesTotals(
            today,
            **{k: Total(int(v)) for k, v in totals.items()},  # type: ignore[arg-type]
        )
        if totals is not None and membership is not None
        else None,
        last=SaleInfo(
            id=int(last_sale["id"]),
            product=str(last_sale["product"]),
            quantity=int(last_sale["quantity"]),
            cents=int(last_sale["cents"]),
            payment=str(last_sale.get("payment", "cash")),
            day=_day(last_sale.get("day", today)),
            product_id=last_sale.get("product_id"),
        )
        if last_sale is not None
        else None,
        invites={
            code.upper(): InviteInfo(
                str(i["coop"]),
                i["status"],  # type: ignore[arg-type]
                ProductInfo(0, str(i["example"]), price_cents=int(i.get("price_cents", 0)))
                if "example" in i
                else None,
            )
            for code, i in (invites or {}).items()
        },
    )
