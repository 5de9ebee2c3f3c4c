"""Machine translation drafts behind one small interface: argostranslate, or `none`.

A person reviews every machine translation before it is sent. Models are Argos packages
(`.argosmodel`) unpacked into one directory (TRANSLATION_MODELS_DIR, under var/) by
`install_package`; nothing is ever downloaded at run time. Where no direct model exists,
translation goes through English (fr → en → ar). Translating is slow on CPU: the core is
synchronous; async callers use `translate_async`, which runs it in a thread.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, Final, Literal, Protocol

from pydantic_settings import BaseSettings, SettingsConfigDict

from content.catalog import BASE_LANG, LANGS
from content.sentences import SentenceSplitter

log = logging.getLogger(__name__)

DEFAULT_MODELS_DIR: Final = Path("var/translation-models")
PIVOT: Final = "en"
# Our language codes -> Argos (ISO 639-1) codes. Dari is the Afghan variety of Persian (fa).
ARGOS_CODES: Final[Mapping[str, str]] = {
    "fr": "fr",
    "ar": "ar",
    "prs": "fa",
    "ti": "ti",
    "en": "en",
}
_OUR_CODES: Final = {argos: ours for ours, argos in ARGOS_CODES.items()}


class TranslationSettings(BaseSettings):
    """The settings this package reads itself (bot/settings.py declares the same two)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    translation_backend: Literal["argos", "none"] | None = None
    translation_models_dir: Path = DEFAULT_MODELS_DIR


class TranslationError(Exception):
    """A translation or an installation that cannot be done; the message says why."""


class NoModelError(TranslationError):
    """No installed model (direct, or through English) translates `source` into `target`."""

    def __init__(self, source: str, target: str, why: str = "") -> None:
        super().__init__(f"no model for {source} → {target}" + (f" ({why})" if why else ""))
        self.source = source
        self.target = target


class InvalidPackageError(TranslationError):
    """A file that is not an installable Argos translation package."""


@dataclass(frozen=True)
class ModelInfo:
    """One installed model. Codes are ours (prs, not fa) where we have one."""

    source: str
    target: str
    version: str
    path: Path


class Translator(Protocol):
    backend: str

    def translate(self, text: str, source: str, target: str) -> str:
        """`text` in `target`; raises NoModelError (a TranslationError) when it cannot."""

    def route(self, source: str, target: str) -> tuple[str, ...]:
        """The languages a translation passes through, e.g. ("fr", "en", "ar")."""

    def can_translate(self, source: str, target: str) -> bool: ...

    def available_pairs(self) -> frozenset[tuple[str, str]]:
        """Every (source, target) pair of fr, ar, prs, ti that can be translated."""

    def has_model(self, lang: str, *, source: str = BASE_LANG) -> bool:
        """True when a draft can be made in `lang` from `source` (French by default)."""

    def models(self) -> tuple[ModelInfo, ...]:
        """The installed models, one per direct pair."""

    def warm_up(self) -> None:
        """Load what the first translation would (blocking: call it in a thread)."""


def _argos_code(lang: str) -> str:
    try:
        return ARGOS_CODES[lang]
    except KeyError:
        known = ", ".join(ARGOS_CODES)
        raise TranslationError(f"unknown language {lang!r} (expected one of {known})") from None


def _our_code(argos_code: str) -> str:
    return _OUR_CODES.get(argos_code, argos_code)


class _RoutedTranslator:
    """Routes, pairs and `has_model`, from the direct pairs that `_direct_pairs` gives."""

    backend: str

    def _direct_pairs(self) -> set[tuple[str, str]]:
        """The (from, to) Argos codes of the installed models."""
        raise NotImplementedError

    def _why_not(self) -> str:
        return ""

    def route(self, source: str, target: str) -> tuple[str, ...]:
        src, tgt = _argos_code(source), _argos_code(target)
        if src == tgt:
            return (source,)
        direct = self._direct_pairs()
        if (src, tgt) in direct:
            return (source, target)
        if (src, PIVOT) in direct and (PIVOT, tgt) in direct:
            return (source, PIVOT, target)
        raise NoModelError(source, target, self._why_not())

    def can_translate(self, source: str, target: str) -> bool:
        try:
            self.route(source, target)
        except NoModelError:
            return False
        return True

    def available_pairs(self) -> frozenset[tuple[str, str]]:
        return frozenset(
            (s, t) for s in LANGS for t in LANGS if s != t and self.can_translate(s, t)
        )

    def has_model(self, lang: str, *, source: str = BASE_LANG) -> bool:
        return lang != source and self.can_translate(source, lang)

    def warm_up(self) -> None:
        return None


class NoTranslator(_RoutedTranslator):
    """TRANSLATION_BACKEND=none: no model, only the identity (a text into its own language)."""

    backend = "none"

    def _direct_pairs(self) -> set[tuple[str, str]]:
        return set()

    def models(self) -> tuple[ModelInfo, ...]:
        return ()

    def _why_not(self) -> str:
        return "machine translation is off: TRANSLATION_BACKEND is none"

    def translate(self, text: str, source: str, target: str) -> str:
        self.route(source, target)
        return text


class ArgosTranslator(_RoutedTranslator):
    """argostranslate on the packages in `models_dir`, with an in-memory LRU cache.

    Models installed while it runs (by `install_package`, in any process) are seen at the
    next call: the directory's modification time is checked on each one.
    """

    backend = "argos"

    def __init__(self, models_dir: Path | str = DEFAULT_MODELS_DIR, *, cache_size: int = 1024):
        self.models_dir = Path(models_dir)
        self._lock = threading.Lock()
        self._stamp: int | None = -1  # the directory's mtime when _packages was read
        self._packages: dict[tuple[str, str], Any] = {}  # Argos codes -> argostranslate Package
        self._engines: dict[Path, Any] = {}  # package path -> ctranslate2.Translator
        self._splitter = SentenceSplitter()
        self._cached = lru_cache(maxsize=cache_size)(self._translate_route)

    @property
    def sentences_translated(self) -> int:
        """Sentences sent to a model so far (cache hits send none)."""
        return self._splitter.sentences

    def _current_packages(self) -> dict[tuple[str, str], Any]:
        stamp = _mtime(self.models_dir)
        with self._lock:
            if stamp != self._stamp:
                self._packages = _load_packages(self.models_dir)
                self._engines.clear()
                self._cached.cache_clear()
                self._stamp = stamp
            return self._packages

    def _direct_pairs(self) -> set[tuple[str, str]]:
        return set(self._current_packages())

    def models(self) -> tuple[ModelInfo, ...]:
        return tuple(
            ModelInfo(_our_code(src), _our_code(tgt), pkg.package_version, pkg.package_path)
            for (src, tgt), pkg in sorted(self._current_packages().items())
        )

    def _why_not(self) -> str:
        if not self._current_packages():
            return f"no model is installed in {self.models_dir}"
        return ""

    def translate(self, text: str, source: str, target: str) -> str:
        route = self.route(source, target)
        if len(route) == 1 or not text.strip():
            return text
        return self._cached(text, tuple(_argos_code(lang) for lang in route))

    def warm_up(self) -> None:
        _import_argos_translate()
        for pkg in self._current_packages().values():
            self._engine(pkg)

    def _translate_route(self, text: str, route: tuple[str, ...]) -> str:
        packages = self._current_packages()
        for src, tgt in itertools.pairwise(route):
            pkg = packages.get((src, tgt))
            if pkg is None:  # removed since route() looked
                raise NoModelError(_our_code(src), _our_code(tgt))
            text = self._translate_hop(text, pkg)
        return text

    def _translate_hop(self, text: str, pkg: Any) -> str:
        apply_packaged_translation = _import_argos_translate()
        engine = self._engine(pkg)
        out = []
        # Paragraph by paragraph, as argostranslate does, keeping blank lines as they are.
        for paragraph in text.split("\n"):
            if not paragraph.strip():
                out.append(paragraph)
                continue
            try:
                hypotheses = apply_packaged_translation(
                    pkg, paragraph, engine, self._splitter, num_hypotheses=1
                )
            except (RuntimeError, ValueError, IndexError) as exc:
                raise TranslationError(f"the model {pkg.package_path} failed: {exc}") from exc
            out.append(hypotheses[0].value)
        return "\n".join(out)

    def _engine(self, pkg: Any) -> Any:
        import ctranslate2
        from argostranslate import settings as argos_settings

        with self._lock:
            engine = self._engines.get(pkg.package_path)
            if engine is None:
                try:
                    engine = ctranslate2.Translator(
                        str(pkg.package_path / "model"),
                        device=argos_settings.device,
                        inter_threads=argos_settings.inter_threads,
                        intra_threads=argos_settings.intra_threads,
                        compute_type=argos_settings.compute_type,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    raise TranslationError(
                        f"the model in {pkg.package_path} cannot be loaded: {exc}"
                    ) from exc
                self._engines[pkg.package_path] = engine
            return engine


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def _import_argos_package() -> Any:
    # Read by argostranslate when it is first imported. A user's settings.json choosing
    # the spaCy splitter would make that import download a spaCy model: we split ourselves.
    os.environ["ARGOS_CHUNK_TYPE"] = "ARGOSTRANSLATE"
    import argostranslate.package

    # argostranslate logs every sentence it translates at INFO: message texts stay out of logs.
    logging.getLogger("argostranslate.utils").setLevel(logging.WARNING)
    return argostranslate.package


def _import_argos_translate() -> Any:
    """argostranslate's apply_packaged_translation (the first import takes seconds: stanza,
    spaCy and PyTorch come with it)."""
    _import_argos_package()
    from argostranslate.translate import apply_packaged_translation

    return apply_packaged_translation


def _load_packages(models_dir: Path) -> dict[tuple[str, str], Any]:
    """(from, to) Argos codes -> argostranslate Package, for each package folder."""
    if not models_dir.is_dir():
        return {}
    package_module = _import_argos_package()
    packages: dict[tuple[str, str], Any] = {}
    for path in sorted(models_dir.iterdir()):
        if path.name.startswith(".") or not (path / "metadata.json").is_file():
            continue
        try:
            pkg = package_module.Package(path)
        except (OSError, ValueError) as exc:
            log.warning("skipping the translation model in %s: %s", path, exc)
            continue
        if pkg.type != "translate" or not pkg.from_code or not pkg.to_code:
            continue
        key = (pkg.from_code, pkg.to_code)
        if key in packages:
            log.warning("two models for %s → %s; using %s", *key, packages[key].package_path)
            continue
        packages[key] = pkg
    log.info("translation models: %s", ", ".join(f"{s}→{t}" for s, t in packages) or "none")
    return packages


def install_package(archive: Path | str, models_dir: Path | str = DEFAULT_MODELS_DIR) -> ModelInfo:
    """Check an `.argosmodel` file and unpack it into `models_dir`.

    A package is a zip archive of one folder holding metadata.json (from_code, to_code),
    a CTranslate2 model in model/ and a tokenizer (sentencepiece.model or bpe.model).
    The folder becomes `translate-<from>_<to>`, replacing an earlier model of that pair.
    We unpack it ourselves rather than with argostranslate's install_from_path, which
    accepts any zip and unpacks into one directory fixed when it is imported.
    """
    archive, models_dir = Path(archive), Path(models_dir)
    if not archive.is_file():
        raise InvalidPackageError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise InvalidPackageError(f"{archive}: not an Argos package (not a zip archive)")
    with zipfile.ZipFile(archive) as zf:
        top, metadata = _check_archive(archive, zf)
        src, tgt = metadata["from_code"], metadata["to_code"]
        models_dir.mkdir(parents=True, exist_ok=True)
        final = models_dir / f"translate-{src}_{tgt}"
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=models_dir))
        try:
            zf.extractall(staging)
            old = None
            if final.exists():
                old = Path(tempfile.mkdtemp(prefix=".replaced-", dir=models_dir))
                final.rename(old / final.name)
            (staging / top).rename(final)
            if old is not None:
                shutil.rmtree(old)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return ModelInfo(
        _our_code(src), _our_code(tgt), str(metadata.get("package_version", "")), final
    )


def _check_archive(archive: Path, zf: zipfile.ZipFile) -> tuple[str, dict[str, Any]]:
    """(top-level folder, metadata) of a valid package; raises InvalidPackageError."""
    names = zf.namelist()
    tops = set()
    for name in names:
        parts = PurePosixPath(name).parts
        if not parts or name.startswith("/") or ".." in parts:
            raise InvalidPackageError(f"{archive}: unsafe path in the archive: {name!r}")
        tops.add(parts[0])
    if len(tops) != 1 or not any("/" in name for name in names):
        raise InvalidPackageError(f"{archive}: an Argos package holds exactly one folder")
    top = tops.pop()
    try:
        metadata = json.loads(zf.read(f"{top}/metadata.json"))
    except KeyError:
        raise InvalidPackageError(f"{archive}: no {top}/metadata.json") from None
    except ValueError as exc:
        raise InvalidPackageError(f"{archive}: {top}/metadata.json is not JSON: {exc}") from None
    if not isinstance(metadata, dict) or metadata.get("type", "translate") != "translate":
        raise InvalidPackageError(f"{archive}: not a translation package")
    for key in ("from_code", "to_code"):
        code = metadata.get(key)
        if not isinstance(code, str) or not code.isalpha() or not 2 <= len(code) <= 3:
            raise InvalidPackageError(f"{archive}: metadata.json has no valid {key}")
    members = set(names)
    if f"{top}/model/model.bin" not in members:
        raise InvalidPackageError(f"{archive}: no CTranslate2 model ({top}/model/model.bin)")
    if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & members:
        raise InvalidPackageError(f"{archive}: no tokenizer (sentencepiece.model or bpe.model)")
    return top, metadata


def argos_installed() -> bool:
    try:
        import argostranslate  # noqa: F401
    except ImportError:
        return False
    return True


def make_translator(
    backend: str | None = None, models_dir: Path | str = DEFAULT_MODELS_DIR
) -> Translator:
    """The backend named by TRANSLATION_BACKEND: `argos`, `none`, or unset (argos when
    argostranslate is installed, else none)."""
    if backend is None:
        backend = "argos" if argos_installed() else "none"
    if backend == "none":
        return NoTranslator()
    if backend == "argos":
        if not argos_installed():
            raise TranslationError(
                "TRANSLATION_BACKEND is argos but argostranslate is not installed (make translate)"
            )
        return ArgosTranslator(models_dir)
    raise TranslationError(f"unknown translation backend {backend!r} (expected argos or none)")


async def translate_async(translator: Translator, text: str, source: str, target: str) -> str:
    """`translator.translate` in a worker thread, so the event loop keeps serving."""
    return await asyncio.to_thread(translator.translate, text, source, target)
