"""The command line as a user runs it: migrate, seed, chat with piped input, serve."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.db.session import Database

ROOT = Path(__file__).resolve().parents[2]


def run(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )


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
    assert "نكمل" in out or "العربية" in out
    assert "1. 🇫🇷 Français\n2. العربية\n3. دری\n4. ትግርኛ" in out
    assert "INFO" not in out and "alembic" not in out  # only replies on standard output
    # The conversation is stored: the same user continues where they were.
    again = run(["chat", "--user", "amina"], env, "2\n")
    assert "1. " in again.stdout and again.returncode == 0


def test_create_user(env: dict[str, str]) -> None:
    run(["migrate"], env)
    result = run(
        ["create-user", "nadia@example.org", "--role", "facilitator"], env, "a-long-password\n"
    )
    assert result.returncode == 0 and "created" in result.stderr
    assert run(["create-user", "x@example.org"], env, "short\n").returncode == 2


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
        proc.wait(timeout=10)


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
