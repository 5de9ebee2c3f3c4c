"""Start-up: the receiving process loads the NLU model before the first message; the worker,
which only sends, never does."""

from __future__ import annotations

import pytest

from bot.core.content import seed_if_empty
from bot.db.session import Database
from bot.services import Services
from bot.settings import Settings
from nlu import pipeline


@pytest.mark.parametrize("receive", [True, False])
async def test_model_is_loaded_at_start_only_where_messages_arrive(
    db: Database, receive: bool
) -> None:
    await seed_if_empty(db)
    services = Services(Settings(database_url=db.url), db=db)
    await services.open()
    pipeline.models.cache_clear()
    try:
        await services.start_background(receive=receive, deliver=False)
        assert pipeline.models.cache_info().currsize == (1 if receive else 0)
    finally:
        await services.close()
        pipeline.models()  # leave it loaded for the other tests
