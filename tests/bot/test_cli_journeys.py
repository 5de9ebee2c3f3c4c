"""`workshop` and `inbox` as staff run them: real processes on a real database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.cli import run


def environment(database_url: str) -> dict[str, str]:
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_", "TELEGRAM_", "TWILIO_"))
    }
    return {**keep, "DATABASE_URL": database_url}


@pytest.fixture
def ready(database_url: str, tmp_path: Path) -> dict[str, str]:
    if database_url.startswith("sqlite"):
        database_url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    env = environment(database_url)
    assert run(["migrate"], env).returncode == 0
    assert run(["seed"], env).returncode == 0
    return env


def test_workshop_add_list_cancel(ready: dict[str, str]) -> None:
    added = run(
        [
            "workshop", "add",
            "--title", "La CAE, comment ça marche",
            "--title-ar", "كيف تعمل CAE",
            "--at", "2031-03-30 14:30",
            "--place", "Maison des associations, Paris 18e",
            "--langs", "fr,ar",
        ],
        ready,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    workshop_id = added.stdout.strip().splitlines()[-1]
    assert workshop_id.isdigit()
    listed = run(["workshop", "list"], ready)
    line = listed.stdout.strip().splitlines()[-1]
    assert line.split("\t")[:5] == [workshop_id, "2031-03-30 14:30", "planned", "0 coming", "fr,ar"]
    assert "La CAE, comment ça marche" in line and "Paris 18e" in line
    cancelled = run(["workshop", "cancel", workshop_id], ready)
    assert cancelled.returncode == 0 and "cancelled" in cancelled.stdout
    assert "\tcancelled\t" in run(["workshop", "list"], ready).stdout
    again = run(["workshop", "cancel", workshop_id], ready)
    assert again.returncode == 1 and "already cancelled" in again.stderr
    assert "Traceback" not in again.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["workshop", "add", "--title", "x", "--at", "demain 10h", "--place", "p"],
        ["workshop", "add", "--title", "x", "--at", "2020-01-01 10:00", "--place", "p"],
        ["workshop", "add", "--title", "x", "--at", "2031-03-30 02:30", "--place", "p"],
        ["workshop", "add", "--title", " ", "--at", "2031-06-01 10:00", "--place", "p"],
        [
            "workshop",
            "add",
            "--title",
            "x",
            "--at",
            "2031-06-01 10:00",
            "--place",
            "p",
            "--langs",
            "en",
        ],
        ["workshop", "cancel", "twelve"],
        ["inbox", "reply", "x", "bonjour"],
        ["inbox", "reply", "1", "   "],
        ["inbox", "list", "--open"],
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(args: list[str], tmp_path: Path) -> None:
    # Refused before any database is opened: none is needed.
    result = run(args, environment(f"sqlite+aiosqlite:///{tmp_path}/none.db"))
    assert result.returncode == 2, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last.startswith("python -m bot") and ": error: " in last


def test_inbox_list_reply_and_the_person_reads_it(ready: dict[str, str]) -> None:
    talk = run(
        ["chat", "--user", "amina"],
        ready,
        "bonjour\n1\noui\n6\nje ne comprends pas la lettre de la CAF\n",
    )
    assert talk.returncode == 0, talk.stderr
    listed = run(["inbox", "list"], ready)
    assert listed.returncode == 0
    (line,) = listed.stdout.strip().splitlines()
    request_id, status = line.split("\t")[:2]
    assert status == "open" and "user_request" in line and "(fr)" in line
    assert "console" not in line and "amina" not in line  # no identifier shown
    shown = run(["inbox", "show", request_id], ready)
    assert "lettre de la CAF" in shown.stdout
    answered = run(
        [
            "inbox",
            "reply",
            request_id,
            "Bonjour, envoyez-moi une photo de la lettre.",
            "--as",
            "Nadia",
        ],
        ready,
    )
    assert answered.returncode == 0, answered.stderr
    assert f"reply to request {request_id} queued" in answered.stdout
    line = run(["inbox", "list"], ready).stdout.strip()
    assert "\tanswered\t" in line and "Nadia" in line and "reply pending" in line
    # The next time the person is in the chat, the answer reaches them.
    back = run(["chat", "--user", "amina"], ready, "merci\n")
    assert "Une personne de Migracoop vous répond" in back.stdout
    assert "envoyez-moi une photo de la lettre" in back.stdout
    closed = run(["inbox", "close", request_id], ready)
    assert closed.returncode == 0 and run(["inbox", "list"], ready).stdout == ""
    assert "closed" in run(["inbox", "list", "--all"], ready).stdout
    missing = run(["inbox", "reply", "999", "bonjour"], ready)
    assert missing.returncode == 1 and "no request 999" in missing.stderr
