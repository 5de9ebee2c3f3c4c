"""Tiny real Argos packages, built once per test session (see argos_package.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from content.translate import install_package
from tests.content.argos_package import TinyPair, build_package

# Argos codes. fr → ar exists directly and, differently, through English (fr → en → ar).
PAIRS = {
    "fr_en": TinyPair(
        "fr",
        "en",
        {
            "bonjour": "hello",
            "merci": "thanks",
            "demain": "tomorrow",
            "atelier": "workshop",
            "coopérative": "cooperative",
        },
    ),
    "en_ar": TinyPair(
        "en",
        "ar",
        {
            "hello": "مرحبا",
            "thanks": "شكرا",
            "tomorrow": "غدا",
            "workshop": "ورشة",
            "cooperative": "تعاونية",
            "?": "؟",
        },
    ),
    "fr_ar": TinyPair("fr", "ar", {"bonjour": "أهلا", "merci": "شكرا", "?": "؟"}),
    "fr_fa": TinyPair("fr", "fa", {"bonjour": "سلام", "merci": "تشکر", "atelier": "کارگاه"}),
    "ti_en": TinyPair("ti", "en", {"ሰላም": "hello", "የቐንየለይ": "thanks", "።": ".", "፧": "?"}),
    "en_fr": TinyPair("en", "fr", {"hello": "bonjour", "thanks": "merci"}),
}

Installer = Callable[..., Path]


@pytest.fixture(scope="session")
def argos_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Pair key ("fr_en") -> its .argosmodel file."""
    pytest.importorskip("argostranslate", reason="the translate extra is not installed")
    out = tmp_path_factory.mktemp("argos-packages")
    return {key: build_package(pair, out) for key, pair in PAIRS.items()}


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "translation-models"


@pytest.fixture
def install(argos_packages: dict[str, Path], models_dir: Path) -> Installer:
    """install("fr_en", "en_ar") installs those packages into `models_dir`."""

    def _install(*keys: str) -> Path:
        for key in keys:
            install_package(argos_packages[key], models_dir)
        return models_dir

    return _install
