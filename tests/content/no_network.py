"""Run a module or code with every network connection refused, as on a machine without one.

    python tests/content/no_network.py -m content translate text --from fr --to ar "…"
    python tests/content/no_network.py -c "CODE" [ARGS…]

Each attempt (a DNS look-up or a connection other than a Unix socket) is written to
stderr as a `NETWORK ATTEMPT:` line and fails with "Network is unreachable", so a
library that catches the error and carries on is still caught.
"""

from __future__ import annotations

import errno
import runpy
import socket
import sys
from typing import Any

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def _refuse(what: str, target: object) -> OSError:
    print(f"NETWORK ATTEMPT: {what} {target!r}", file=sys.stderr, flush=True)
    return OSError(errno.ENETUNREACH, "Network is unreachable (no network in this test)")


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if self.family == socket.AF_UNIX:
        return _connect(self, address)
    raise _refuse("connect", address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if self.family == socket.AF_UNIX:
        return _connect_ex(self, address)
    raise _refuse("connect_ex", address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    raise _refuse("getaddrinfo", host)


def _guarded_create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
    raise _refuse("create_connection", address)


def install() -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo
    socket.create_connection = _guarded_create_connection


def main(argv: list[str]) -> None:
    install()
    if len(argv) >= 2 and argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    elif len(argv) >= 2 and argv[0] == "-c":
        sys.argv = ["-c", *argv[2:]]
        exec(compile(argv[1], "<no_network -c>", "exec"), {"__name__": "__main__"})
    else:
        sys.exit("usage: no_network.py -m MODULE [ARGS…] | -c CODE [ARGS…]")


if __name__ == "__main__":
    main(sys.argv[1:])
