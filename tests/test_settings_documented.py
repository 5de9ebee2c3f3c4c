"""Every setting is documented in .env.example (with its default) and in the README."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
# Read by compose.yaml, not by the application.
COMPOSE_ONLY = {"POSTGRES_PASSWORD"}
ASSIGNMENT = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$")


def documented(path: Path) -> dict[str, str]:
    """NAME -> value shown, for every `NAME=value` or `# NAME=value` line."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := ASSIGNMENT.match(line.strip()):
            name, value = match.groups()
            assert name not in out, f"{path.name} names {name} twice"
            out[name] = value.strip()
    return out


def setting_names() -> set[str]:
    return {name.upper() for name in Settings.model_fields}


def shown_default(default: Any) -> str:
    if default is None:
        return ""
    if isinstance(default, dict | list):
        return json.dumps(default)
    return str(default)


def test_every_setting_is_in_env_example() -> None:
    missing = setting_names() - documented(ROOT / ".env.example").keys()
    assert not missing, f".env.example does not document: {sorted(missing)}"


def test_env_example_names_only_settings() -> None:
    unknown = documented(ROOT / ".env.example").keys() - setting_names() - COMPOSE_ONLY
    assert not unknown, f".env.example names what is not a setting: {sorted(unknown)}"


def test_env_example_shows_the_defaults() -> None:
    shown = documented(ROOT / ".env.example")
    wrong = {}
    for name, field in Settings.model_fields.items():
        expected = shown_default(field.get_default(call_default_factory=True))
        if shown.get(name.upper()) != expected:
            wrong[name.upper()] = (shown.get(name.upper()), expected)
    assert not wrong, f".env.example shows other defaults (shown, actual): {wrong}"


def test_env_example_changes_nothing_when_copied() -> None:
    # Every line is commented out, so `cp .env.example .env` keeps the defaults.
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    active = [line for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert not active


def test_every_setting_is_in_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = {name for name in setting_names() if f"`{name}`" not in readme}
    assert not missing, f"README.md does not mention: {sorted(missing)}"


def test_checker_sees_a_missing_and_an_unknown_name(tmp_path: Path) -> None:
    example = tmp_path / ".env.example"
    example.write_text("# What it is for\n# HOST=127.0.0.1\nNOT_A_SETTING=1\n", encoding="utf-8")
    names = documented(example)
    assert names == {"HOST": "127.0.0.1", "NOT_A_SETTING": "1"}
    assert "DATABASE_URL" in setting_names() - names.keys()
    assert names.keys() - setting_names() == {"NOT_A_SETTING"}
