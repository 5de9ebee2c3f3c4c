"""Our command lines as a user runs them: a real `python -m <package> …` process started from
the repository's root, its output read as text. The exit code is the test's to check."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(
    args: Sequence[str],
    env: Mapping[str, str] | None = None,
    stdin: str = "",
    *,
    module: str = "bot",
    check: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` (or another `module`), `stdin` piped in; `env` None: ours.
    `check`: a non-zero exit raises CalledProcessError."""
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
        check=check,
    )


async def chat(env: Mapping[str, str], user: str, lines: list[str], lang: str | None = None) -> str:
    """What `python -m bot chat --user USER [--lang LANG]` printed for these typed lines (it
    must exit 0 with no traceback)."""
    language = ("--lang", lang) if lang else ()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "bot", "chat", "--user", user, *language),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    stdin = "".join(f"{line}\n" for line in lines).encode()
    out, err = await asyncio.wait_for(proc.communicate(stdin), timeout=180)
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err
    return out.decode()
