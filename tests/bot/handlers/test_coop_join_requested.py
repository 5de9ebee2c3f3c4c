"""coop_join_requested: the contact becomes a member of the coop of the code (any case, any
digits), once; an unknown code or a coop that is over is refused, in their language."""

from __future__ import annotations

from datetime import date

from flows.events import CoopJoinRequested
from tests.bot.handlers.conftest import Harness
from tests.bot.handlers.coop import make_coop


async def test_a_code_in_any_case_and_digits_makes_a_member_once(harness: Harness) -> None:
    coop = await make_coop(harness)
    contact = await harness.contact(lang="ar")
    arabic = coop.invite_code.lower().translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    applied = await harness.apply(contact, [CoopJoinRequested(arabic)])
    catalog = applied.scene.env.catalog
    assert [r.text for r in applied.scene.replies] == [
        catalog.text("sales.joined", "ar", coop="Cuisine du monde")
    ]
    await harness.apply(contact, [CoopJoinRequested(coop.invite_code)], external_id="x2")
    members = await harness.rows("SELECT coop_id, contact_id, added_by FROM coop_members")
    assert [tuple(m) for m in members] == [(coop.id, contact.id, "invite")]


async def test_unknown_codes_and_finished_coops_are_refused(harness: Harness) -> None:
    coop = await make_coop(harness, ends_on=date(2026, 11, 30))  # NOW is 2 December
    contact = await harness.contact(lang="ti")
    for code in ("ZZZZZZ", coop.invite_code):
        applied = await harness.apply(contact, [CoopJoinRequested(code)], external_id=code)
        refusal = applied.scene.env.catalog.text("sales.refused.join", "ti")
        assert [r.text for r in applied.scene.replies] == [refusal]
    assert await harness.rows("SELECT id FROM coop_members") == []


async def test_joining_a_second_coop_says_where_the_next_sales_go(harness: Harness) -> None:
    first = await make_coop(harness)
    second = await make_coop(harness, name="Couture")
    contact = await harness.contact(lang="ti")
    await harness.apply(contact, [CoopJoinRequested(first.invite_code)], external_id="j1")
    applied = await harness.apply(
        contact, [CoopJoinRequested(second.invite_code)], external_id="j2"
    )
    catalog = applied.scene.env.catalog
    assert [r.text for r in applied.scene.replies] == [
        catalog.text("sales.joined", "ti", coop="Couture"),
        catalog.text("sales.joined_switch", "ti", coop="Couture", before="Cuisine du monde"),
    ]
    # The first code again: already a member there, nothing moves, nothing to announce.
    again = await harness.apply(contact, [CoopJoinRequested(first.invite_code)], external_id="j3")
    assert [r.text for r in again.scene.replies] == [
        catalog.text("sales.joined", "ti", coop="Cuisine du monde")
    ]
