"""`python -m bot broadcast …` and `python -m bot template …` as a facilitator runs them."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.cli import main
from bot.db.session import Database
from tests.broadcasts.conftest import Person, add_people, daytime_zone, rows
from tests.cli import run

LAST_LINE = re.compile(r"broadcast (\d+): (\d+) recipients")


@pytest.fixture
def env(db: Database) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TWILIO_"))}
    e.update(DATABASE_URL=db.url, TIMEZONE=daytime_zone(), TRANSLATION_BACKEND="none")
    return e


PEOPLE = [Person("fr"), Person("fr"), Person("ar"), Person("prs", channel="whatsapp"), Person("ti")]


async def test_new_without_yes_counts_and_queues_nothing(db: Database, env: dict[str, str]) -> None:
    await db.run(add_people, PEOPLE)
    result = run(["broadcast", "new", "--text", "fr=Atelier demain", "--text", "ar=ورشة غدا"], env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "5 recipients"
    assert lines[:-1] == ["fr 2: text given", "ar 1: text given", "prs 1: no text", "ti 1: no text"]
    assert "refused" in result.stderr and "--yes" in result.stderr
    for table in ("broadcasts", "broadcast_recipients", "outbox"):
        assert await rows(db, f"SELECT * FROM {table}") == []


async def test_new_yes_prints_the_broadcast_and_its_recipients_last(
    db: Database, env: dict[str, str]
) -> None:
    await db.run(add_people, PEOPLE)
    result = run(
        [
            "broadcast",
            "new",
            "--text",
            "fr=Atelier demain à 10 h",
            "--text",
            'ar="ورشة غدا"',
            "--send-french",
            "prs",
            "--send-french",
            "ti",
            "--yes",
        ],
        env,
    )
    assert result.returncode == 0, result.stderr
    found = LAST_LINE.fullmatch(result.stdout.splitlines()[-1])
    assert found and found.group(2) == "5", result.stdout
    bid = int(found.group(1))
    texts = dict(await rows(db, "SELECT lang, status FROM broadcast_texts"))  # type: ignore[arg-type]
    assert texts == {"fr": "reviewed", "ar": "reviewed", "prs": "french", "ti": "french"}

    status = run(["broadcast", "status", str(bid)], env)
    assert status.returncode == 0, status.stderr
    counts = dict(line.split() for line in status.stdout.splitlines())
    assert counts["waiting"] == "5"
    assert set(counts) >= {"queued", "sent", "delivered", "read", "failed", "needs_template"}
    assert all(n.isdigit() for n in counts.values())

    cancel = run(["broadcast", "cancel", str(bid)], env)
    assert cancel.returncode == 0 and "5 not sent" in cancel.stdout
    after = dict(
        line.split() for line in run(["broadcast", "status", str(bid)], env).stdout.splitlines()
    )
    assert after["cancelled"] == "5" and after["waiting"] == "0"
    again = run(["broadcast", "cancel", str(bid)], env)
    assert again.returncode == 1 and again.stderr.count("\n") == 1 and "cancelled" in again.stderr


async def test_refused_without_a_text_for_every_language(db: Database, env: dict[str, str]) -> None:
    await db.run(add_people, PEOPLE)
    result = run(["broadcast", "new", "--text", "fr=Atelier", "--yes"], env)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "ar: no text" in result.stderr and "--send-french" in result.stderr
    assert await rows(db, "SELECT * FROM broadcasts") == []
    # Only French readers: French is enough.
    only_fr = run(
        ["broadcast", "new", "--text", "fr=Atelier", "--audience", "lang=fr", "--yes"], env
    )
    assert only_fr.stdout.splitlines()[-1].endswith(": 2 recipients"), only_fr.stderr


async def test_audience_and_time(db: Database, env: dict[str, str]) -> None:
    await db.run(add_people, PEOPLE)
    result = run(
        [
            "broadcast",
            "new",
            "--text",
            "prs=ورکشاپ فردا",
            "--audience",
            "lang=prs",
            "--audience",
            "channel=whatsapp",
            "--at",
            "2099-05-01 10:00",
            "--yes",
        ],
        env,
    )
    assert result.returncode == 0, result.stderr
    assert LAST_LINE.fullmatch(result.stdout.splitlines()[-1])
    assert result.stdout.splitlines()[-1].endswith(": 1 recipients")
    listed = run(["broadcast", "list"], env)
    assert "scheduled 2099-05-01 10:00 lang=prs channel=whatsapp" in listed.stdout


async def test_the_count_says_when_quiet_hours_move_the_start(
    db: Database, env: dict[str, str]
) -> None:
    await db.run(add_people, PEOPLE)
    at_night = ["broadcast", "new", "--text", "fr=Atelier", "--at", "2099-05-01 23:00"]
    preview = run(at_night, env)
    assert preview.returncode == 0, preview.stderr
    assert "would start 2099-05-02 08:00" in preview.stderr
    assert preview.stdout.splitlines()[-1] == "5 recipients"
    french_for_all = ["--send-french", "ar", "--send-french", "prs", "--send-french", "ti"]
    sent = run([*at_night, *french_for_all, "--yes"], env)
    assert "starts 2099-05-02 08:00" in sent.stderr  # the same as the count said


@pytest.mark.parametrize(
    "args",
    [
        ["broadcast"],
        ["broadcast", "new"],
        ["broadcast", "new", "--text", "Bonjour"],
        ["broadcast", "new", "--text", "en=Hello"],
        ["broadcast", "new", "--text", "fr="],
        ["broadcast", "new", "--text", "fr=a", "--text", "fr=b"],
        ["broadcast", "new", "--text", "fr=a", "--audience", "lang"],
        ["broadcast", "new", "--text", "fr=a", "--audience", "colour=red"],
        ["broadcast", "new", "--text", "fr=a", "--audience", "lang=en"],
        ["broadcast", "new", "--text", "fr=a", "--at", "demain 10h"],
        ["broadcast", "new", "--text", "fr=a", "--at", "2020-01-01 10:00"],
        ["broadcast", "new", "--text", "fr=a", "--send-french", "xx"],
        ["broadcast", "new", "--text", "fr=a", "--text", "ar=b", "--send-french", "ar"],
        ["broadcast", "new", "--text", "fr=a", "--image", "fr=file:///etc/passwd"],
        ["broadcast", "status"],
        ["broadcast", "status", "abc"],
        ["broadcast", "status", "-1"],
        ["broadcast", "cancel", "0"],
        ["template", "set", "--purpose", "broadcast", "--lang", "fr", "--sid", "HX12"],
        ["template", "set", "--purpose", "Broad cast", "--lang", "fr", "--sid", "HX" + "0" * 32],
        [
            "template",
            "set",
            "--purpose",
            "broadcast",
            "--lang",
            "fr",
            "--sid",
            "HX" + "0" * 32,
            "--var",
            "x",
        ],
    ],
)
def test_bad_arguments_exit_2_with_one_error_line(
    args: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    """In-process (the same parser `python -m bot` runs; a subprocess each costs seconds):
    refused before any database is opened."""
    monkeypatch.chdir(tmp_path)
    try:
        code = main(args)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert code == 2, (args, out, err)
    assert "Traceback" not in err and out == ""
    assert len([line for line in err.splitlines() if "error:" in line]) == 1, err
    assert not (tmp_path / "var").exists()  # no database was created


def test_an_unknown_coop_is_a_bad_argument(env: dict[str, str]) -> None:
    for extra in ([], ["--yes"]):
        result = run(
            ["broadcast", "new", "--text", "fr=a", "--audience", "coop=Jardin", *extra], env
        )
        assert result.returncode == 2 and result.stdout == ""
        assert (
            result.stderr
            == "python -m bot broadcast: error: --audience: nothing is named coop=Jardin\n"
        )


def test_unknown_broadcast_is_one_line(env: dict[str, str]) -> None:
    for action in ("status", "cancel"):
        result = run(["broadcast", action, "42"], env)
        assert (
            result.returncode == 1 and result.stderr == "python -m bot broadcast: no broadcast 42\n"
        )


def test_templates(env: dict[str, str]) -> None:
    sid = "HX" + "ab" * 16
    added = run(["template", "set", "--purpose", "broadcast", "--lang", "ar", "--sid", sid], env)
    assert added.returncode == 0 and "added" in added.stdout, added.stderr
    replaced = run(
        [
            "template",
            "set",
            "--purpose",
            "broadcast",
            "--lang",
            "ar",
            "--sid",
            sid,
            "--var",
            "1=text",
        ],
        env,
    )
    assert "replaced" in replaced.stdout
    assert run(["template", "list"], env).stdout == f"broadcast ar {sid} 1=text\n"
    assert (
        run(["template", "remove", "--purpose", "broadcast", "--lang", "ar"], env).returncode == 0
    )
    gone = run(["template", "remove", "--purpose", "broadcast", "--lang", "ar"], env)
    assert gone.returncode == 1 and "no broadcast template in ar" in gone.stderr
