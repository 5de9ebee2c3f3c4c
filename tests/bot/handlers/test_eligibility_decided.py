"""eligibility_decided: kept (with the nudge) only with consent; counted anonymously always."""

from __future__ import annotations

import pytest

from flows.events import EligibilityDecided
from tests.bot.handlers.conftest import Harness, json_value

DECIDED = EligibilityDecided(
    "ephemeral_culinary",
    kept=(("project", "food"), ("address", "none")),
    anonymous=(("gender", "woman"),),
)


async def test_with_consent_the_outcome_is_kept_and_the_nudge_starts(harness: Harness) -> None:
    contact = await harness.contact(consent=True)
    await harness.apply(contact, [DECIDED])
    (kept,) = await harness.rows("SELECT contact_id, outcome, answers FROM eligibility_results")
    assert (kept.contact_id, kept.outcome) == (contact.id, "ephemeral_culinary")
    assert json_value(kept.answers) == {"project": "food", "address": "none"}
    jobs = await harness.rows("SELECT key FROM scheduled_jobs")
    assert [r.key for r in jobs] == [f"nudge:{contact.id}"]


@pytest.mark.parametrize("consent", [False, None])
async def test_without_consent_nothing_is_linked_to_the_person(
    harness: Harness, consent: bool | None
) -> None:
    contact = await harness.contact(consent=consent)
    await harness.apply(contact, [DECIDED])
    assert await harness.rows("SELECT contact_id FROM eligibility_results") == []
    assert await harness.rows("SELECT id FROM scheduled_jobs") == []
    (figure,) = await harness.rows("SELECT * FROM eligibility_figures")
    assert figure.outcome == "ephemeral_culinary"
    assert json_value(figure.answers) == {"gender": "woman"}
    assert "contact_id" not in figure._fields  # an anonymous line: nothing to link
