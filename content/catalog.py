"""Localized texts by key, with fallback to French, parameters, and right-to-left safety."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from string import Formatter

import yaml

LANGS = ("fr", "ar", "prs", "ti")
BASE_LANG = "fr"
UNKNOWN_LANG = "und"
RTL_LANGS = frozenset({"ar", "prs"})
# Each language's name in its own script, as people pick it.
LANG_NAMES = {"fr": "Français", "ar": "العربية", "prs": "دری", "ti": "ትግርኛ"}
# Our code -> the platforms' (ISO 639-1, as Telegram's language_code): Dari apps say "fa".
LOCALE_CODES = {"fr": "fr", "ar": "ar", "prs": "fa", "ti": "ti"}
LOCALES_DIR = Path(__file__).parent / "locales"

FSI, PDI = "\u2068", "\u2069"
# A run of Latin letters, digits (any script) and the signs that go with them: "45,50 €", "CAE".
_LTR_RUN = re.compile(
    r"[A-Za-zÀ-ÿ0-9٠-٩۰-۹€$%+@/][A-Za-zÀ-ÿ0-9٠-٩۰-۹€$%+@/.,:'’\- ]*[A-Za-zÀ-ÿ0-9٠-٩۰-۹€$%]"
    r"|[A-Za-zÀ-ÿ0-9٠-٩۰-۹€]"
)
_FIELD_OR_RUN = re.compile(r"(\{[a-z_]+\})|(" + _LTR_RUN.pattern + ")")


def isolate_ltr(text: str) -> str:
    """Wrap Latin and numeric runs in FSI…PDI so they do not scramble RTL sentences."""
    return _FIELD_OR_RUN.sub(lambda m: m.group(1) or f"{FSI}{m.group(2)}{PDI}", text)


def lang_from_locale(locale: str | None) -> str:
    """Our language for a platform locale ("fa-AF" -> "prs"), else "und"."""
    code = (locale or "").split("-")[0].split("_")[0].lower()
    if code in LANGS:
        return code
    for lang, platform in LOCALE_CODES.items():
        if platform == code:
            return lang
    return UNKNOWN_LANG


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


class Catalog:
    """Read-only texts: `texts[lang][key]`. Missing texts fall back to French, then the key."""

    def __init__(self, texts: Mapping[str, Mapping[str, str]]) -> None:
        self._texts = {
            lang: {k: isolate_ltr(v) if lang in RTL_LANGS else v for k, v in by_key.items()}
            for lang, by_key in texts.items()
        }

    def has(self, key: str, lang: str) -> bool:
        return key in self._texts.get(lang, {})

    def keys(self, lang: str) -> set[str]:
        return set(self._texts.get(lang, {}))

    def raw(self, key: str, lang: str) -> str | None:
        return self._texts.get(lang, {}).get(key)

    def text(self, key: str, lang: str, **params: object) -> str:
        template = self.raw(key, lang) or self.raw(key, BASE_LANG) or key
        if not params:
            return template
        rtl = lang in RTL_LANGS
        values = {k: f"{FSI}{v}{PDI}" if rtl else str(v) for k, v in params.items()}
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            return template


def load_locale_files(directory: Path = LOCALES_DIR) -> dict[str, dict[str, str]]:
    """`locales/<lang>.yaml`, then each part's `locales/<part>.<lang>.yaml` (journeys,
    sales…), hold nested mappings; keys are joined with dots and never defined twice."""
    texts: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        texts[lang] = {}
        paths = [directory / f"{lang}.yaml", *sorted(directory.glob(f"*.{lang}.yaml"))]
        for path in paths:
            if not path.exists():
                continue
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for key, value in _flatten(data):
                if key in texts[lang]:
                    raise ValueError(f"{path.name}: text {key!r} is already defined")
                texts[lang][key] = value
    return texts


def _flatten(data: Mapping[str, object], prefix: str = "") -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, Mapping):
            items += _flatten(value, full + ".")
        else:
            items.append((full, str(value).strip()))
    return items


def load_catalog(directory: Path = LOCALES_DIR) -> Catalog:
    return Catalog(load_locale_files(directory))
