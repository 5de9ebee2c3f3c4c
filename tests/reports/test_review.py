"""Learning from misunderstandings: the review page (senders masked for staff, reviews by
facilitators only, consent required), then `python -m bot nlu-export` writing files that
the NLU's own training loader reads back."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from bot.db.repos import activity
from bot.db.session import Database
from nlu.training import load_examples
from tests.admin.conftest import post
from tests.cli import ROOT, run
from tests.reports.conftest import Panel, People, at


async def misses(db: Database, people: People) -> dict[str, int]:
    ids = {
        "amal": await people.add(
            "+33612345644", channel="whatsapp", lang="ar", when="2026-03-02 10:00", consent=True
        ),
        "tesfay": await people.add(
            "555123", channel="telegram", lang="ti", when="2026-03-02 11:00", consent=True
        ),
        "gone": await people.add(
            "+33698765432", channel="whatsapp", lang="fr", when="2026-03-02 12:00", consent=False
        ),
    }
    rows = [
        activity.MissRow(
            ids["amal"],
            "whatsapp",
            "ar",
            "بدي اعرف كيف ابيع الاكل",
            "not_understood",
            "out_of_scope",
            0.31,
            at("2026-03-02 10:05"),
        ),
        activity.MissRow(
            ids["tesfay"],
            "telegram",
            "ti",
            "ሰላም ከመይ ኣለኹም",
            "low_confidence",
            "greet",
            0.55,
            at("2026-03-02 11:05"),
        ),
        activity.MissRow(
            ids["amal"],
            "whatsapp",
            "ar",
            "رقمي 0612345644",
            "not_understood",
            None,
            None,
            at("2026-03-02 10:07"),
        ),
        activity.MissRow(
            ids["gone"],
            "whatsapp",
            "fr",
            "jveu vendr mes gato",
            "not_understood",
            "log_sale",
            0.5,
            at("2026-03-02 12:05"),
        ),
    ]
    await db.run(activity.add_misses, rows)
    return ids


def cli(args: list[str], database_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMIN_")}
    env["DATABASE_URL"] = database_url
    return run(args, env)


async def test_review_then_export_round_trip(
    panel: Panel, people: People, database_url: str, tmp_path: Path
) -> None:
    db = panel.services.db
    await misses(db, people)
    staff = await panel.signed_in("staff")
    page = await staff.get("/admin/misunderstood")
    assert page.status_code == 200
    assert "بدي اعرف كيف ابيع الاكل" in page.text and "ሰላም ከመይ ኣለኹም" in page.text
    assert "jveu vendr" not in page.text  # no consent, not listed
    assert "WA •••• 44" in page.text and "+33612345644" not in page.text
    assert '<form method="post" action="/admin/misunderstood/' not in page.text
    refused = await post(staff, "/admin/misunderstood/1", {"review": "log_sale"})
    assert refused.status_code == 403

    facilitator = await panel.signed_in("facilitator")
    listed = await facilitator.get("/admin/misunderstood")
    assert "WA +33612345644" in listed.text
    for miss_id, review in ((1, "log_sale"), (2, "greet"), (3, "ignore"), (4, "log_sale")):
        response = await post(facilitator, f"/admin/misunderstood/{miss_id}", {"review": review})
        expected = 404 if miss_id == 4 else 303  # no consent: not reviewable either
        assert response.status_code == expected, (miss_id, response.text)
    bad = await post(facilitator, "/admin/misunderstood/1", {"review": "<script>"})
    assert bad.status_code == 422
    done = await facilitator.get("/admin/misunderstood?status=done")
    assert done.text.count("selected>noter une vente") == 1
    todo = await facilitator.get("/admin/misunderstood")
    assert "Aucun message ici." in todo.text

    out = tmp_path / "reviewed"
    result = cli(["nlu-export", "--out", str(out)], database_url)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["ar.yml", "ti.yml"]
    examples = {(e.lang, e.intent, e.text) for e in load_examples(out)}
    assert examples == {
        ("ar", "log_sale", "بدي اعرف كيف ابيع الاكل"),
        ("ti", "greet", "ሰላም ከመይ ኣለኹም"),
    }  # the ignored message (a phone number) is not training data
    printed = cli(["nlu-export"], database_url)
    assert printed.returncode == 0 and "# ar.yml" in printed.stdout
    assert "- intent: log_sale" in printed.stdout
    # The bench scores the embedded model on the same two reviewed messages.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADMIN_")}
    bench = subprocess.run(
        [sys.executable, "bench/misunderstood.py"],
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": database_url},
        cwd=ROOT,
        timeout=120,
    )
    assert bench.returncode == 0, bench.stderr
    assert bench.stdout.startswith("reviewed misunderstood messages: 2 ")
    assert re.search(r"^  ar +1 messages  intent accuracy", bench.stdout, re.M)
    assert re.search(r"^  ti +1 messages  intent accuracy", bench.stdout, re.M)

    exported = await facilitator.get("/admin/misunderstood/export?status=all")
    assert "WA •••• 44" in exported.text and "+33612345644" not in exported.text
    assert (await staff.get("/admin/misunderstood/export")).status_code == 403


async def test_withdrawn_consent_takes_the_messages_out(panel: Panel, people: People) -> None:
    db = panel.services.db
    ids = await misses(db, people)
    from sqlalchemy import update

    from bot.db.tables import contacts

    async with db.begin() as conn:
        await conn.execute(
            update(contacts).where(contacts.c.id == ids["amal"]).values(consent=False)
        )
    page = await (await panel.signed_in("facilitator")).get("/admin/misunderstood?status=all")
    assert "ابيع" not in page.text and "ሰላም" in page.text
