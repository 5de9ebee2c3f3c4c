"""The command line as a user runs it: migrate, seed, chat with piped input, serve."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.db.session import Database
from tests.cli import ROOT, run


@pytest.fixture
def env(db: Database, database_url: str, tmp_path: Path) -> dict[str, str]:
    """`db` empties PostgreSQL first: other tests leave accounts and content behind."""
    e = {
        k: v for k, v in os.environ.items() if not k.startswith(("ADMIN_", "TELEGRAM_", "TWILIO_"))
    }
    if database_url.startswith("sqlite"):
        database_url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    e["DATABASE_URL"] = database_url
    return e


def test_unmigrated_database_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    e = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/empty.db")
    result = run(["chat"], e, "bonjour\n")
    assert result.returncode == 1
    assert "python -m bot migrate" in result.stderr and result.stdout == ""


def test_chat_with_piped_input(env: dict[str, str]) -> None:
    assert run(["migrate"], env).returncode == 0
    seeded = run(["seed"], env)
    assert seeded.returncode == 0 and "admin@localhost" in seeded.stderr
    assert "admin@localhost" not in run(["seed"], env).stderr  # the password is shown once
    result = run(["chat", "--user", "amina"], env, "سلام عليكم\n1\n")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("🌍 نكمل بالعربية؟")  # the first reply is in the message's language
    assert "1. ✅ نعم، بالعربية\n2. 🌍 لغة أخرى" in out  # yes (keep Arabic) is choice 1
    assert "INFO" not in out and "alembic" not in out  # only replies on standard output
    # The conversation is stored: the same user continues where they were.
    again = run(["chat", "--user", "amina"], env, "2\n")
    assert "1. " in again.stdout and again.returncode == 0


def role_of(env: dict[str, str], email: str) -> str | None:
    from bot.db.repos import admin
    from bot.db.session import Database

    async def read() -> str | None:
        db = Database(env["DATABASE_URL"])
        try:
            async with db.connect() as conn:
                return await admin.user_role(conn, email)
        finally:
            await db.dispose()

    return asyncio.run(read())


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr and result.stdout == ""
    [line] = [x for x in result.stderr.splitlines() if x.startswith("python -m bot")]
    return line


def test_create_user(env: dict[str, str]) -> None:
    run(["migrate"], env)
    nadia = ["create-user", "Nadia@Example.org"]
    result = run([*nadia, "--role", "facilitator", "--password-stdin"], env, "a-long-password\n")
    assert result.returncode == 0 and "created" in result.stderr
    assert role_of(env, "nadia@example.org") == "facilitator"
    # An existing account changes only with --update: not its role, not its password.
    refused = run([*nadia, "--role", "admin", "--password", "another-password"], env)
    assert refused.returncode == 1 and "--update" in one_line(refused)
    assert role_of(env, "nadia@example.org") == "facilitator"
    # --update --role changes the role alone; no password is needed for that.
    updated = run([*nadia, "--update", "--role", "admin"], env)
    assert updated.returncode == 0 and "updated" in updated.stderr
    assert role_of(env, "nadia@example.org") == "admin"
    # A password update keeps the role.
    again = run([*nadia, "--update", "--password-stdin"], env, "yet-another-password\n")
    assert again.returncode == 0 and role_of(env, "nadia@example.org") == "admin"


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (["notanemail", "--password", "a-long-password"], "", "not an e-mail address"),
        (["x y@example.org", "--password", "a-long-password"], "", "not an e-mail address"),
        (["x@example.org"], "a-long-password\n", "--password-stdin"),  # no terminal to ask on
        (["x@example.org", "--password-stdin"], "short\n", "at least 8 characters"),
        (["x@example.org", "--password", "short"], "", "at least 8 characters"),
        (["x@example.org", "--password", "p-a-s-s-w-o-r-d", "--password-stdin"], "", "not allowed"),
    ],
)
def test_create_user_refuses_bad_arguments(
    env: dict[str, str], args: list[str], stdin: str, says: str
) -> None:
    run(["migrate"], env)
    result = run(["create-user", *args], env, stdin)
    assert result.returncode == 2
    line = one_line(result)
    assert ": error: " in line and says in line
    assert role_of(env, "x@example.org") is None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_healthz(env: dict[str, str]) -> None:
    run(["migrate"], env)
    run(["seed"], env)
    port = free_port()
    env = dict(env, PORT=str(port))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                time.sleep(0.2)
        assert r.status_code == 200 and r.json() == {"status": "ok"}
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=10)
    # No channel configured: the log says so, and how to reach the bot anyway.
    assert "no channel is configured" in stderr and "only `python -m bot chat`" in stderr


def test_serve_names_the_channels_it_hosts() -> None:
    from bot.cli.serve import channels_line
    from bot.settings import Settings

    polling = Settings(telegram_bot_token="1:x")
    assert channels_line(polling, ["telegram"]) == "channels active: telegram (polling)"
    hooked = Settings(telegram_bot_token="1:x", public_base_url="https://bot.example.org")
    assert channels_line(hooked, ["telegram", "whatsapp"]) == (
        "channels active: telegram (webhook), whatsapp"
    )
    assert "python -m bot chat" in channels_line(polling, [])


@pytest.mark.parametrize(
    "args",
    [
        ["export-sales", "--month", "2026-13"],
        ["export-sales", "--month", "november"],
        ["no-such-command"],
        ["chat", "--lang", "en"],
        ["create-user"],
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(args: list[str], env: dict[str, str]) -> None:
    result = run(args, env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stdout == ""
    last = result.stderr.splitlines()[-1]
    assert last.startswith("python -m bot") and ": error: " in last


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    e = dict(os.environ, DATABASE_URL="postgresql+asyncpg://nobody@127.0.0.1:1/none")
    result = run(["export-sales"], e)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        line for line in result.stderr.strip().splitlines() if "database error" in line
    ]


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("TIMEZONE", "Nowhere", "setting TIMEZONE: unknown time zone 'Nowhere'"),
        ("DATABASE_URL", "mysql://db/x", "setting DATABASE_URL: 'mysql' is not supported"),
        ("DATABASE_URL", "::nonsense::", "setting DATABASE_URL: not a database URL"),
    ],
)
def test_a_bad_setting_is_one_line(tmp_path: Path, name: str, value: str, says: str) -> None:
    e = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/x.db")
    e[name] = value
    result = run(["workshop", "list"], e)
    assert result.returncode == 2
    assert says in one_line(result)


def test_a_plain_sqlite_url_gets_its_async_driver(tmp_path: Path) -> None:
    e = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path}/plain.db")
    result = run(["migrate"], e)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "plain.db").exists()
