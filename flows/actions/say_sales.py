"""say_sales: the member's sales today, this week and this month and the coop's today, in
the reader's convention (`totals`); or the coop's products, numbered, with their usual
price (`products`). Says nothing to a contact in no coop."""

from content.amounts import euros_text
from content.dates import day_words
from flows.actions import action
from flows.model import SaySales
from flows.run import Run

KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")


@action("say_sales")
def say_sales(act: SaySales, run: Run) -> None:
    coop, lang = run.lookup.coop(), run.render_lang
    if coop is None:
        return
    if act.what == "products":
        lines = [
            run.text(
                "sales.product_line",
                n=KEYCAPS[n] if n < len(KEYCAPS) else f"{n + 1}.",
                name=p.name,
                price=euros_text(p.price_cents, lang),
            )
            for n, p in enumerate(coop.products)
        ]
        if lines:
            run.say("\n".join([run.text("sales.products"), *lines]))
        return
    totals = run.lookup.sales_totals()
    if totals is None:
        return
    run.say(
        run.text(
            "sales.summary",
            coop=coop.name,
            today=day_words(totals.today, lang),
            mine_today=euros_text(totals.mine_today.cents, lang),
            mine_week=euros_text(totals.mine_week.cents, lang),
            mine_month=euros_text(totals.mine_month.cents, lang),
            coop_today=euros_text(totals.coop_today.cents, lang),
        )
    )
