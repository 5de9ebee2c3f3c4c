"""Real processes for tests and benchmarks that break things as the world would: the bot
(`python -m bot serve|worker`, killed with SIGKILL or stopped with SIGTERM, its standard
error kept to be read), and a fake platform in a process of its own, scripted over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, ClassVar

import httpx

from tests.fakes.scripting import Failure

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class BotProcess:
    """`python -m bot <command>` (or `argv`) with its standard error written to `log`."""

    def __init__(
        self, command: str, env: dict[str, str], log: Path, argv: list[str] | None = None
    ) -> None:
        self.command, self.env, self.log = command, env, log
        self.argv = argv or [sys.executable, "-m", "bot", command]
        self.port = int(env.get("PORT", "8000"))
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> BotProcess:
        with self.log.open("ab") as err:
            self.proc = subprocess.Popen(
                self.argv,
                env=self.env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Waits for /healthz; returns when it answered (time.time())."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.proc is not None and self.proc.poll() is None, self.stderr()
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return time.time()
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"`bot {self.command}` did not become healthy:\n{self.stderr()}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when the machine or the OOM killer strikes."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        return self.proc.returncode

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


class FakeProcess:
    """A fake platform API (telegram or twilio) in its own process, scripted over HTTP."""

    FACTORIES: ClassVar[dict[str, tuple[str, str]]] = {
        "telegram": ("tests.fakes.telegram_api", "FakeTelegram().app"),
        "twilio": ("tests.fakes.twilio_api", "FakeTwilio().app"),
    }

    def __init__(self, kind: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        module, expr = self.FACTORIES[kind]
        code = (
            f"import uvicorn, {module} as m; uvicorn.run(m.{expr}, host='127.0.0.1', "
            f"port={self.port}, log_level='warning', access_log=False)"
        )
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        self._http = httpx.Client(base_url=self.url, timeout=60)

    def wait(self) -> FakeProcess:
        for _ in range(400):
            try:
                self._http.get("/_fake/calls")
                return self
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("fake server did not start")

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        params = {"method": method} if method else {}
        return list(self._http.get("/_fake/calls", params=params).json())

    def fail(self, method: str, *failures: Failure, to: str | None = None) -> None:
        body = {"method": method, "to": to, "failures": [asdict(f) for f in failures]}
        self._http.post("/_fake/fail", json=body).raise_for_status()

    def delay(self, seconds: float, to: str | None = None) -> None:
        self._http.post("/_fake/delay", json={"seconds": seconds, "to": to}).raise_for_status()

    def reset(self) -> None:
        self._http.post("/_fake/reset").raise_for_status()

    def stop(self) -> None:
        self._http.close()
        self.proc.terminate()
        self.proc.wait(timeout=10)
