"""The panel's menu: every planned page, in order. An entry links once a module in
admin/routes/ serves its path; until then it shows "bientôt"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from admin.deps import Role

if TYPE_CHECKING:
    from admin.deps import Ctx


@dataclass(frozen=True)
class NavEntry:
    label: str
    path: str
    role: Role


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    live: bool
    current: bool


NAV = (
    NavEntry("Accueil", "/", Role.staff),
    NavEntry("Parcours", "/flows", Role.staff),
    NavEntry("Textes", "/texts", Role.staff),
    NavEntry("Simulateur", "/simulator", Role.staff),
    NavEntry("Versions", "/versions", Role.staff),
    NavEntry("Demandes", "/inbox", Role.facilitator),
    NavEntry("Coopératives", "/coops", Role.facilitator),
    NavEntry("Ateliers", "/workshops", Role.facilitator),
    NavEntry("Diffusions", "/broadcasts", Role.facilitator),
    NavEntry("Tableau de bord", "/dashboard", Role.staff),
    NavEntry("Rapport", "/report", Role.staff),
    NavEntry("Comptes", "/users", Role.admin),
    NavEntry("Journal", "/audit", Role.admin),
)


def entries(ctx: Ctx, live: set[str]) -> list[NavItem]:
    path = ctx.request.url.path.removeprefix("/admin") or "/"
    return [
        NavItem(
            e.label,
            e.path,
            e.path in live,
            path == e.path or (e.path != "/" and path.startswith(e.path + "/")),
        )
        for e in NAV
        if ctx.can(e.role)
    ]
