"""contact_field_changed: an answer is kept only with consent."""

from __future__ import annotations

import pytest

from flows.events import ContactFieldChanged
from tests.bot.handlers.conftest import Harness, json_value


@pytest.mark.parametrize(
    ("consent", "kept"), [(True, {"project": "food"}), (False, {}), (None, {})]
)
async def test_answers_are_kept_only_with_consent(
    harness: Harness, consent: bool | None, kept: dict[str, str]
) -> None:
    contact = await harness.contact(consent=consent)
    await harness.apply(contact, [ContactFieldChanged("project", "food")])
    stored = (await harness.rows("SELECT fields FROM contacts"))[0].fields
    assert json_value(stored) == kept == contact.fields
