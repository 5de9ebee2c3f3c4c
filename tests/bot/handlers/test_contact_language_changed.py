"""contact_language_changed: the language is saved with the contact."""

from __future__ import annotations

from flows.events import ContactLanguageChanged
from tests.bot.handlers.conftest import Harness


async def test_language_is_saved(harness: Harness) -> None:
    contact = await harness.contact()
    await harness.apply(contact, [ContactLanguageChanged("ti")])
    assert (await harness.rows("SELECT lang FROM contacts"))[0].lang == "ti"
