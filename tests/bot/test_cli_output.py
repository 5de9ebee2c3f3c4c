"""The command line's output as a shell uses it: a reader that leaves early (`… | head`),
a binary report asked for at a terminal, names for the audit trail that say nothing."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bot(args: list[str], env: dict[str, str], **kw: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args], env=env, cwd=ROOT, stderr=subprocess.PIPE, **kw
    )


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    path = tmp_path_factory.mktemp("cli-output") / "cli.db"
    e = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{path}")
    subprocess.run(
        [sys.executable, "-m", "bot", "migrate"], env=e, cwd=ROOT, check=True, capture_output=True
    )
    return e


@pytest.mark.parametrize(
    "args",
    [
        ["report", "--from", "2026-01-01", "--to", "2026-01-31"],
        ["export-sales", "--month", "2026-01"],
        ["coop", "list"],
    ],
)
def test_a_reader_gone_early_ends_quietly(env: dict[str, str], args: list[str]) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader has gone before the first line: every write fails
    proc = bot(args, env, stdout=write)
    os.close(write)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 141, err
    assert b"Traceback" not in err and b"BrokenPipeError" not in err


def test_a_pdf_is_not_written_to_a_terminal(env: dict[str, str]) -> None:
    main, child = pty.openpty()
    proc = bot(
        ["report", "--from", "2026-01-01", "--to", "2026-01-31", "--format", "pdf"],
        env,
        stdout=child,
    )
    os.close(child)
    _, err = proc.communicate(timeout=120)
    os.close(main)
    assert proc.returncode == 2
    assert "needs --out FILE" in err.decode().splitlines()[-1]  # argparse's usage, one error


@pytest.mark.parametrize(
    "args",
    [
        [
            "sales",
            "add",
            "--coop",
            "C",
            "--member",
            "M1",
            "--product",
            "p",
            "--amount",
            "8",
            "--by",
            "",
        ],
        ["sales", "undo", "12", "--by", "   "],
        ["sales", "correct", "12", "--amount", "9", "--by", "\t"],
        ["inbox", "assign", "1", ""],
        ["inbox", "reply", "1", "bonjour", "--as", " "],
        ["broadcast", "cancel", "1", "--by", ""],
    ],
)
def test_an_empty_name_is_refused(env: dict[str, str], args: list[str]) -> None:
    proc = bot(args, env, stdout=subprocess.PIPE)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert b"a name is needed" in err and b"Traceback" not in err and out == b""
