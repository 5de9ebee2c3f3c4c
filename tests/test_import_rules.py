"""The import rules of DESIGN.md, checked on the syntax tree of every source file.

Tests and benchmarks are exempt: they exercise the channels with the real SDKs.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "flows", "nlu", "content", "admin")
# Top-level directories not checked (hidden ones, such as .venv, never are).
SKIPPED_DIRS = {"var", "build", "tests", "bench", "node_modules"}
IO_MODULES = (
    "httpx",
    "sqlalchemy",
    "socket",
    "aiohttp",
    "requests",
    "urllib.request",
    "http.client",
    "asyncpg",
    "aiosqlite",
    "sqlite3",
    "telegram",
    "twilio",
)


@dataclass(frozen=True)
class Rule:
    why: str
    applies: Callable[[str], bool]  # to a path relative to the root, with "/"
    forbidden: tuple[str, ...]


def _under(*prefixes: str) -> Callable[[str], bool]:
    return lambda path: path.startswith(prefixes)


RULES = (
    Rule(
        "flows, nlu and content import nothing from bot or admin",
        _under("flows/", "nlu/", "content/"),
        ("bot", "admin"),
    ),
    Rule(
        "only bot/channels imports telegram or twilio",
        lambda path: not path.startswith("bot/channels/"),
        ("telegram", "twilio"),
    ),
    Rule(
        "admin never sends through a channel: it writes to the outbox",
        _under("admin/"),
        ("bot.channels",),
    ),
    Rule(
        "the flow engine and the NLU do no I/O (only nlu/rasa.py and nlu/backend.py may)",
        lambda path: (
            path == "flows/engine.py"
            or (path.startswith("nlu/") and path not in {"nlu/rasa.py", "nlu/backend.py"})
        ),
        IO_MODULES,
    ),
)


@dataclass(frozen=True)
class Violation:
    path: str
    line: int
    module: str
    why: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: imports {self.module} ({self.why})"


def source_files(root: Path) -> Iterator[Path]:
    for directory, subdirs, files in os.walk(root):
        top = Path(directory) == root
        subdirs[:] = sorted(
            d for d in subdirs if not d.startswith(".") and not (top and d in SKIPPED_DIRS)
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(directory) / name


def _package_of(path: Path, root: Path) -> list[str]:
    """The package a module belongs to (a package's __init__ belongs to itself)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1]


def imported_modules(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import, wherever it sits in the file.

    `from a import b` yields both `a` and `a.b`, since b may be a module. A constant
    string passed to importlib.import_module or __import__ counts as an import too.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = _package_of(path, root)
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, *([base] if base else [])])
            if base:
                yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}" if base else alias.name
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (isinstance(node.func, ast.Name) and node.func.id == "__import__")
            )
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.lineno, node.args[0].value


def _matches(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


def violations(root: Path) -> list[Violation]:
    found: set[Violation] = set()
    for path in source_files(root):
        relative = path.relative_to(root).as_posix()
        rules = [rule for rule in RULES if rule.applies(relative)]
        if not rules:
            continue
        for line, module in imported_modules(path, root):
            for rule in rules:
                for forbidden in rule.forbidden:
                    if _matches(module, forbidden):
                        found.add(Violation(relative, line, forbidden, rule.why))
    return sorted(found, key=lambda v: (v.path, v.line, v.module))


def test_the_codebase_keeps_the_import_rules() -> None:
    broken = violations(ROOT)
    assert not broken, "import rules broken:\n" + "\n".join(map(str, broken))


def test_every_package_is_checked() -> None:
    checked = {path.relative_to(ROOT).parts[0] for path in source_files(ROOT)}
    assert set(PACKAGES) <= checked
    assert ROOT / "flows" / "engine.py" in set(source_files(ROOT))


CASES = {
    # path: (source, forbidden modules it must be reported for)
    "flows/loader.py": ("from bot.settings import Settings\n", {"bot"}),
    "flows/engine.py": (
        "import importlib\nimport asyncio\n\n"
        "def load():\n    return importlib.import_module('sqlalchemy.ext')\n",
        {"sqlalchemy"},
    ),
    "flows/actions/send_msg.py": ("from ...admin import panel\n", {"admin"}),
    "flows/routers.py": ("import httpx\n", set()),
    "nlu/pipeline.py": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from admin import app\n\n"
        "def fetch():\n    from urllib import request\n",
        {"admin", "urllib.request"},
    ),
    "nlu/rasa.py": ("import httpx\n", set()),
    "nlu/backend.py": ("import socket\n", set()),
    "nlu/classifier.py": ("import sqlalchemy as sa\nimport re\n", {"sqlalchemy"}),
    "content/catalog.py": ("import bot.core.messages\nimport yaml\n", {"bot"}),
    "admin/__init__.py": ("", set()),
    "admin/routes/broadcasts.py": ("from bot import channels\n", {"bot.channels"}),
    "admin/routes/outbox.py": ("from bot.delivery import outbox\n", set()),
    "admin/routes/whatsapp.py": ("from twilio.rest import Client\n", {"twilio"}),
    "bot/core/dispatcher.py": ("import telegram.ext\n", {"telegram"}),
    "bot/channels/telegram.py": ("import telegram\nfrom twilio import rest\n", set()),
    "bot/channels/__init__.py": ("from . import telegram\n", set()),
    "tests/test_x.py": ("import twilio\nimport bot\n", set()),
    ".venv/lib/site.py": ("import bot\n", set()),
    "var/scratch/flows/x.py": ("import bot\n", set()),
    "nlu/tests/test_y.py": ("import httpx\n", {"httpx"}),
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for relative, (source, _) in CASES.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source, encoding="utf-8")
    return tmp_path


def test_the_checker_finds_each_violation(tree: Path) -> None:
    found: dict[str, set[str]] = {}
    for violation in violations(tree):
        found.setdefault(violation.path, set()).add(violation.module)
    expected = {path: modules for path, (_, modules) in CASES.items() if modules}
    assert found == expected


def test_relative_imports_resolve_to_absolute_names(tree: Path) -> None:
    modules = {m for _, m in imported_modules(tree / "bot/channels/__init__.py", tree)}
    assert modules == {"bot.channels", "bot.channels.telegram"}
    modules = {m for _, m in imported_modules(tree / "flows/actions/send_msg.py", tree)}
    assert modules == {"admin", "admin.panel"}
