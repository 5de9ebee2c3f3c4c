"""With the network absent, the whole translate path works and nothing tries to connect.

The run is a fresh `python -m content translate text …` process, so importing
argostranslate (and stanza, spaCy, torch through it) is covered too. The control shows
that the guard sees what it must: argostranslate's spaCy setting and its own splitter
do reach for the network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.content.conftest import Installer

pytest.importorskip("argostranslate", reason="the translate extra is not installed")

ROOT = Path(__file__).resolve().parents[2]
GUARD = Path(__file__).with_name("no_network.py")
ATTEMPT = "NETWORK ATTEMPT:"


def _env(tmp_path: Path, models: Path, **extra: str) -> dict[str, str]:
    """Our settings, and argostranslate's data, config and cache folders empty and private."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "TRANSLATION_"))}
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    env["PYTHONPATH"] = str(ROOT)
    env["TRANSLATION_MODELS_DIR"] = str(models)
    return {**env, **extra}


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def _network_namespace(tmp_path: Path) -> list[str]:
    """`unshare --net` (a network namespace with no network) where it is permitted."""
    unshare = shutil.which("unshare")
    if unshare and _run([unshare, "--net", "true"], dict(os.environ), tmp_path).returncode == 0:
        return [unshare, "--net"]
    return []


def test_translate_without_network(install: Installer, tmp_path: Path) -> None:
    """In a namespace without network (where permitted), every connection refused too."""
    models = install("fr_en", "en_ar")
    # ARGOS_CHUNK_TYPE=SPACY would make importing argostranslate download a spaCy model.
    env = _env(tmp_path, models, ARGOS_CHUNK_TYPE="SPACY")
    text = "bonjour. merci !\n\nÀ demain ?"
    command = [*_network_namespace(tmp_path), sys.executable, str(GUARD), "-m", "content"]
    result = _run(
        [*command, "translate", "text", "--from", "fr", "--to", "ar", text], env, tmp_path
    )
    assert ATTEMPT not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout == "مرحبا. شكرا !\n\nÀ غدا ؟\n"


def test_control_argostranslate_own_settings_reach_for_the_network(
    install: Installer, tmp_path: Path
) -> None:
    """Without our splitter and settings, argostranslate 1.11 goes online, and carries on."""
    models = install("fr_en")
    code = (
        "import sys\n"
        "import argostranslate.translate\n"  # ARGOS_CHUNK_TYPE=SPACY: fetches a spaCy model
        "print('-- imported', file=sys.stderr)\n"
        "from argostranslate import package, sbd\n"
        "pkg = package.Package(sys.argv[1])\n"
        "try:\n"  # its default splitter for a package without one: MiniSBD, fetched on use
        "    sbd.MiniSBDSentencizer(pkg).split_sentences('bonjour. merci.')\n"
        "except OSError:\n"
        "    print('MiniSBD failed')\n"
    )
    command = [sys.executable, str(GUARD), "-c", code, str(models / "translate-fr_en")]
    result = _run(command, _env(tmp_path, models, ARGOS_CHUNK_TYPE="SPACY"), tmp_path)
    at_import, at_split = result.stderr.split("-- imported\n")
    assert ATTEMPT in at_import and ATTEMPT in at_split, result.stderr
    assert (result.returncode, result.stdout) == (0, "MiniSBD failed\n"), result.stderr
