"""A contact's summary for staff (`/admin/contacts/ID`), in French: language, channels (masked
unless the role answers people), consent, activity, journey (modules, eligibility, steps,
coops and sales totals, workshops), open requests, and the questions the bot
did not understand with a French machine translation marked as such."""

from __future__ import annotations

from starlette.responses import Response

from admin.deps import Ctx, Role, page
from admin.translator import translator
from bot.reports.journey import Titles, read_journey
from bot.reports.summary import questions, read_summary


@page("/contacts/{contact_id:int}", role=Role.staff)
async def contact_summary(ctx: Ctx) -> Response:
    contact_id = int(ctx.request.path_params["contact_id"])
    settings = ctx.state.services.settings
    machine = translator(settings.effective_translation_backend, settings.translation_models_dir)
    async with ctx.db.connect() as conn:
        summary = await read_summary(conn, contact_id)
        if summary is None:
            return ctx.render(
                "error.html",
                status=404,
                code=404,
                message="Cette personne n'existe pas, ou a effacé ses données.",
            )
        asked = await questions(conn, contact_id, machine)
        journey = await read_journey(conn, contact_id, Titles.of(ctx.state.services.catalog()))
    return ctx.render("contact.html", summary=summary, questions=asked, journey=journey)
