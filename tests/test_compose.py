"""compose.yaml and the Dockerfile describe the production stack of DESIGN.md."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
BOT_COMMANDS = {"serve", "worker", "chat", "migrate", "seed", "create-user", "export-sales"}
APP_SERVICES = ("web", "worker")
SETTINGS = {name.upper() for name in Settings.model_fields}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return dict(compose["services"])


def commands(command: str | list[str]) -> list[list[str]]:
    """The programs a service command runs, `sh -c "a && b"` split into a and b."""
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in re.split(r"&&|;", argv[2])]
    return [argv]


def bot_commands(command: str | list[str]) -> list[str]:
    found = []
    for argv in commands(command):
        assert argv[:3] == ["python", "-m", "bot"], f"not the bot CLI: {argv}"
        assert argv[3] in BOT_COMMANDS, f"unknown bot command: {argv}"
        found.append(argv[3])
    return found


def test_services(services: dict[str, Any]) -> None:
    assert {"db", "web", "worker", "rasa"} <= services.keys()


def test_database_is_postgres_15_with_a_volume_and_healthcheck(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    db = services["db"]
    assert db["image"] == "postgres:15"
    volume, _, target = db["volumes"][0].partition(":")
    assert volume in compose["volumes"], "the data must live in a named volume"
    assert target == "/var/lib/postgresql/data"
    test = db["healthcheck"]["test"]
    assert "pg_isready" in (test if isinstance(test, str) else " ".join(test))
    assert {"POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"} <= db["environment"].keys()


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_services_wait_for_a_healthy_migrated_database(
    services: dict[str, Any], name: str
) -> None:
    depends = services[name]["depends_on"]
    assert depends["db"]["condition"] == "service_healthy"
    migrations = [
        other
        for other, spec in services.items()
        if other not in {"db", "rasa"} and "migrate" in bot_commands(spec["command"])
    ]
    # Either the service migrates itself or it waits for one that does.
    assert "migrate" in bot_commands(services[name]["command"]) or any(
        depends.get(m, {}).get("condition") == "service_completed_successfully" for m in migrations
    )


def test_commands_use_the_bot_cli(services: dict[str, Any]) -> None:
    assert bot_commands(services["web"]["command"])[-1] == "serve"
    assert bot_commands(services["worker"]["command"]) == ["worker"]
    for name, spec in services.items():
        if name not in {"db", "rasa"} and "command" in spec:
            bot_commands(spec["command"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_environment_names_real_settings(services: dict[str, Any], name: str) -> None:
    env = services[name]["environment"]
    unknown = set(env) - SETTINGS
    assert not unknown, f"{name} sets what is not a setting: {sorted(unknown)}"
    assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert "@db:5432/" in env["DATABASE_URL"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_only_workers_send(services: dict[str, Any], name: str) -> None:
    # WORKER_ENABLED=true for every process: web replicas receive, workers send.
    assert str(services[name]["environment"]["WORKER_ENABLED"]).lower() == "true"


def test_web_listens_on_all_interfaces_on_port_8000(services: dict[str, Any]) -> None:
    web = services["web"]
    assert web["environment"]["HOST"] == "0.0.0.0"
    assert web["environment"].get("PORT", "8000") == "8000"
    assert any(str(port).endswith("8000:8000") for port in web["ports"])


def test_rasa_is_optional_and_serves_on_5005(services: dict[str, Any]) -> None:
    rasa = services["rasa"]
    assert rasa["profiles"] == ["rasa"]
    assert rasa["image"] == "rasa/rasa:3.6.21-full"
    assert any(str(port).endswith("5005:5005") for port in rasa["ports"])
    assert any("nlu/rasa/models" in volume for volume in rasa["volumes"])
    assert "--enable-api" in rasa["command"]
    for name in APP_SERVICES:
        assert "rasa" not in services[name].get("depends_on", {}), "rasa must stay optional"
        assert services[name]["environment"]["RASA_URL"] == "http://rasa:5005"


def test_dockerfile_builds_and_migrates_before_serving() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    instructions = [line.split(None, 1) for line in lines if line and not line.startswith("#")]
    assert instructions[0] == ["FROM", "python:3.11-slim"]
    assert any(word == "RUN" and "pip install ." in rest for word, rest, *_ in instructions)
    cmd = [rest for word, rest, *_ in instructions if word == "CMD"]
    assert len(cmd) == 1
    assert bot_commands(yaml.safe_load(cmd[0])) == ["migrate", "serve"]
