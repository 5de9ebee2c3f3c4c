"""The import rules of DESIGN.md, as import-linter contracts in pyproject.toml.

One test runs `lint-imports` on the code base; the other builds a small tree that breaks
each contract once and checks that every contract reports its breach.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(directory: Path, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", str(config)],
        cwd=directory,
        env={"PYTHONPATH": str(directory), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def contract_names() -> dict[str, str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c["name"] for c in config["tool"]["importlinter"]["contracts"]}


def test_the_codebase_keeps_the_import_rules() -> None:
    result = lint_imports(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(contract_names())} kept, 0 broken" in result.stdout


# One breach per contract, in files a real tree could have.
BREACHES = {
    "pure-core": {"content/catalog.py": "import bot.core.messages\n"},
    "channel-types": {"bot/core/dispatcher.py": "import telegram.ext\n"},
    "channels-handed-callables": {"bot/channels/registry.py": "from bot.delivery import outbox\n"},
    "admin-writes-outbox": {"admin/routes/broadcasts.py": "from bot.channels import telegram\n"},
    "no-io-in-engine-or-nlu": {"flows/engine.py": "import sqlalchemy\n"},
}
ALLOWED = {
    "bot/channels/telegram.py": "import telegram\n",
    "bot/channels/whatsapp.py": "from twilio.rest import Client\n",
    "nlu/backend.py": "import httpx\n",
    "admin/routes/outbox.py": "from bot.delivery import outbox\n",
    "bot/delivery/outbox.py": "import sqlalchemy\n",
    "flows/engine.py": "import yaml\n",
    "bot/services.py": "from bot.channels import registry\n",
    "bot/db/session.py": "import sqlalchemy\n",
}


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for package in ("bot", "flows", "nlu", "content", "admin"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    for relative, source in files.items():
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(tmp_path).parents:
            if str(parent) != ".":
                (tmp_path / parent / "__init__.py").touch()
        path.write_text(source)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_each_contract_reports_its_breach(tmp_path: Path) -> None:
    files = dict(ALLOWED)
    for breach in BREACHES.values():
        files.update(breach)
    result = lint_imports(_tree(tmp_path, files), tmp_path / "pyproject.toml")
    assert result.returncode == 1, result.stdout + result.stderr
    names = contract_names()
    assert set(BREACHES) == set(names)
    for contract_id, name in names.items():
        assert f"{name} BROKEN" in result.stdout, contract_id
    assert f"0 kept, {len(names)} broken" in result.stdout


def test_allowed_imports_break_nothing(tmp_path: Path) -> None:
    result = lint_imports(_tree(tmp_path, ALLOWED), tmp_path / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
