"""With the network absent, the whole translate path works and nothing tries to connect.

Each run is a fresh `python -m content translate text …` process, so importing
argostranslate (and stanza, spaCy, torch through it) is covered too. The controls show
that the guard sees what it must: argostranslate's own splitter, and its spaCy setting,
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


def test_translate_with_every_connection_refused(install: Installer, tmp_path: Path) -> None:
    models = install("fr_en", "en_ar")
    # ARGOS_CHUNK_TYPE=SPACY would make importing argostranslate download a spaCy model.
    env = _env(tmp_path, models, ARGOS_CHUNK_TYPE="SPACY")
    text = "bonjour. merci !\n\nÀ demain ?"
    command = [sys.executable, str(GUARD), "-m", "content", "translate", "text"]
    result = _run([*command, "--from", "fr", "--to", "ar", text], env, tmp_path)
    assert ATTEMPT not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout == "مرحبا. شكرا !\n\nÀ غدا ؟\n"


def test_translate_in_a_network_namespace_without_network(
    install: Installer, tmp_path: Path
) -> None:
    unshare = shutil.which("unshare")
    if unshare is None or _run([unshare, "--net", "true"], dict(os.environ), tmp_path).returncode:
        pytest.skip("cannot make a network namespace here (unshare --net)")
    models = install("ti_en", "en_fr")
    command = [unshare, "--net", sys.executable, "-m", "content", "translate", "text"]
    result = _run(
        [*command, "--from", "ti", "--to", "fr", "ሰላም። የቐንየለይ።"], _env(tmp_path, models), tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "bonjour. merci.\n"


def test_control_argostranslate_own_splitter_reaches_for_the_network(
    install: Installer, tmp_path: Path
) -> None:
    """Without our splitter, argostranslate 1.11 fetches a MiniSBD model from the internet."""
    models = install("fr_en")
    code = (
        "import sys\n"
        "from argostranslate import package, translate\n"
        "pkg = package.Package(sys.argv[1])\n"
        "fr, en = translate.Language('fr', 'French'), translate.Language('en', 'English')\n"
        "print(translate.PackageTranslation(fr, en, pkg).translate('bonjour. merci.'))\n"
    )
    command = [sys.executable, str(GUARD), "-c", code, str(models / "translate-fr_en")]
    result = _run(command, _env(tmp_path, models), tmp_path)
    assert ATTEMPT in result.stderr


def test_control_argostranslate_spacy_setting_reaches_for_the_network(tmp_path: Path) -> None:
    command = [sys.executable, str(GUARD), "-c", "import argostranslate.translate"]
    result = _run(command, _env(tmp_path, tmp_path, ARGOS_CHUNK_TYPE="SPACY"), tmp_path)
    assert ATTEMPT in result.stderr
    assert result.returncode == 0  # it carries on silently: only the guard tells
