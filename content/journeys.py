"""Everything the journeys read (modules, eligibility, checklists, referrals), loaded and
cross-checked at once, and the text keys it needs from the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from content import checklists, eligibility, modules, referrals
from content.catalog import LANGS, Catalog

CONTENT_DIR = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Journeys:
    modules: tuple[modules.Module, ...]
    eligibility: eligibility.Eligibility
    checklists: tuple[checklists.Step, ...]
    referrals: referrals.Referrals

    def text_keys(self) -> set[str]:
        keys = {key for m in self.modules for key in m.text_keys()} | set(modules.LearnText)
        keys |= self.eligibility.text_keys() | checklists.text_keys(self.checklists)
        return keys | self.referrals.text_keys()

    def missing_texts(self, catalog: Catalog) -> list[str]:
        """ "lang: key" for every text the journeys need that the catalog lacks."""
        return [
            f"{lang}: {key}"
            for lang in LANGS
            for key in sorted(self.text_keys())
            if not catalog.has(key, lang)
        ]


def load_journeys(directory: Path = CONTENT_DIR) -> Journeys:
    found_referrals = referrals.load_referrals(directory / "referrals.yaml")
    found_eligibility = eligibility.load_eligibility(directory / "eligibility", found_referrals)
    return Journeys(
        modules=modules.load_modules(directory / "modules", directory / "media"),
        eligibility=found_eligibility,
        checklists=checklists.load_checklists(directory / "checklists", found_eligibility),
        referrals=found_referrals,
    )
