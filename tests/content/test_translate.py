"""The translation service on tiny real Argos packages: exact outputs, routes, cache, errors."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import sys
import time
import zipfile
from pathlib import Path

import pytest

from content.sentences import split_sentences
from content.translate import (
    ArgosTranslator,
    InvalidPackageError,
    NoModelError,
    NoTranslator,
    TranslationError,
    TranslationSettings,
    install_package,
    make_translator,
    translate_async,
)
from tests.content.conftest import PAIRS, Installer

# Tests that translate take the `install` fixture, which skips without the translate extra.


def test_one_word_sentences_translate_exactly(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    assert translator.translate("bonjour", "fr", "en") == "hello"
    assert translator.translate("merci", "fr", "en") == "thanks"
    assert translator.translate("demain", "fr", "en") == "tomorrow"


def test_sentences_and_paragraphs_keep_their_shape(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    text = "Bonjour ! Merci pour l'atelier de demain.\n\nÀ demain ?"
    assert translator.translate(text, "fr", "en") == (
        "Bonjour ! Merci pour l'atelier de tomorrow.\n\nÀ tomorrow ?"
    )
    # Three sentences were split and sent to the model one by one.
    assert translator.sentences_translated == 3


def test_one_output_sentence_per_input_sentence(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    rng = random.Random(7)
    words = [*PAIRS["fr_en"].words, "nous", "avec", "la", "coopérative", "Vous"]
    for _ in range(20):
        sentences = [
            " ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) + rng.choice(".!?")
            for _ in range(rng.randint(1, 6))
        ]
        out = translator.translate(" ".join(sentences), "fr", "en")
        assert out.strip()
        assert len(split_sentences(out)) == len(sentences), out
        assert "bonjour" not in out and "merci" not in out


def test_a_long_run_on_message_loses_no_word(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    text = " ".join(random.Random(3).choice(["bonjour", "merci", "nous"]) for _ in range(1500))
    assert len(text) > 5000
    out = translator.translate(text, "fr", "en")
    expected = text.replace("bonjour", "hello").replace("merci", "thanks")
    assert out == expected


def test_pivot_through_english_when_no_direct_model(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en", "en_ar"))
    assert translator.route("fr", "ar") == ("fr", "en", "ar")
    assert translator.translate("bonjour", "fr", "ar") == "مرحبا"
    assert translator.sentences_translated == 2  # one sentence, two models
    assert translator.translate("Merci pour l'atelier de demain ?", "fr", "ar") == (
        "Merci pour l'atelier de غدا ؟"  # "Merci" is not in the tiny dictionary
    )
    assert translator.available_pairs() == {("fr", "ar")}
    assert translator.has_model("ar") and not translator.has_model("prs")


def test_a_direct_model_is_preferred_to_the_pivot(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en", "en_ar", "fr_ar"))
    assert translator.route("fr", "ar") == ("fr", "ar")
    assert translator.translate("bonjour", "fr", "ar") == "أهلا"


def test_dari_uses_the_persian_model(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_fa"))
    assert translator.translate("bonjour merci", "fr", "prs") == "سلام تشکر"
    [model] = translator.models()
    assert (model.source, model.target, model.version) == ("fr", "prs", "0.1")
    assert translator.has_model("prs") and not translator.has_model("ti")


def test_tigrinya_to_french_through_english(install: Installer) -> None:
    # Staff summaries: a user's text into French. Ethiopic full stops split sentences.
    translator = ArgosTranslator(install("ti_en", "en_fr"))
    assert translator.route("ti", "fr") == ("ti", "en", "fr")
    assert translator.translate("ሰላም። የቐንየለይ፧", "ti", "fr") == "bonjour. merci?"
    assert translator.sentences_translated == 4  # two sentences, two models


def test_a_missing_pair_is_a_clear_error(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    with pytest.raises(NoModelError, match=r"^no model for fr → ti$") as caught:
        translator.translate("bonjour", "fr", "ti")
    assert (caught.value.source, caught.value.target) == ("fr", "ti")
    with pytest.raises(NoModelError, match=r"^no model for en → fr$"):
        translator.translate("hello", "en", "fr")  # only fr → en is installed
    assert not translator.can_translate("ar", "fr")


def test_no_model_installed_says_where_it_looked(models_dir: Path) -> None:
    translator = ArgosTranslator(models_dir)
    with pytest.raises(NoModelError, match=r"^no model for fr → ar \(no model is installed in "):
        translator.translate("bonjour", "fr", "ar")
    assert translator.models() == () and translator.available_pairs() == frozenset()


def test_message_texts_stay_out_of_info_logs(
    install: Installer, caplog: pytest.LogCaptureFixture
) -> None:
    translator = ArgosTranslator(install("fr_en", "en_ar"))
    with caplog.at_level(logging.DEBUG):
        assert translator.translate("bonjour demain", "fr", "ar") == "مرحبا غدا"
    logged = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    assert not {"bonjour", "hello", "غدا"} & set(logged.replace("'", " ").split())


def test_unknown_language_is_refused(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    with pytest.raises(TranslationError, match="unknown language 'und'"):
        translator.translate("bonjour", "und", "fr")


def test_same_language_and_blank_text_need_no_model(models_dir: Path) -> None:
    translator = ArgosTranslator(models_dir)
    assert translator.translate("Bonjour !", "fr", "fr") == "Bonjour !"
    assert translator.route("prs", "prs") == ("prs",)


def test_a_cached_result_is_the_same_object_and_runs_no_model(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    first = translator.translate("bonjour. merci.", "fr", "en")
    sent = translator.sentences_translated
    second = translator.translate("bonjour. merci.", "fr", "en")
    assert second is first
    assert translator.sentences_translated == sent == 2
    translator.translate("bonjour. demain.", "fr", "en")
    assert translator.sentences_translated == 4


def test_models_installed_while_running_are_used(install: Installer, models_dir: Path) -> None:
    translator = ArgosTranslator(models_dir)
    assert not translator.has_model("ar")
    install("fr_en", "en_ar")
    assert translator.translate("bonjour", "fr", "ar") == "مرحبا"
    time.sleep(0.01)  # a later modification time, even on coarse file systems
    install("fr_ar")  # the cached pivot result must not outlive the new direct model
    assert translator.translate("bonjour", "fr", "ar") == "أهلا"


def test_a_broken_model_is_a_translation_error(install: Installer) -> None:
    models = install("fr_en")
    (models / "translate-fr_en" / "model" / "model.bin").write_bytes(b"not a model")
    with pytest.raises(TranslationError, match="cannot be loaded"):
        ArgosTranslator(models).translate("bonjour", "fr", "en")


async def test_translate_async_leaves_the_event_loop_free(install: Installer) -> None:
    translator = ArgosTranslator(install("fr_en"))
    translator.warm_up()
    text = " ".join(["bonjour nous avec la coopérative demain merci."] * 100)
    ticks_while_translating = 0
    done = False

    async def tick() -> None:
        nonlocal ticks_while_translating
        while not done:
            await asyncio.sleep(0)
            ticks_while_translating += 1

    ticker = asyncio.create_task(tick())
    out = await translate_async(translator, text, "fr", "en")
    done = True
    await ticker
    assert out.startswith("hello nous avec la cooperative tomorrow thanks.")
    assert ticks_while_translating > 10


# --- the none backend and the choice of backend ---


def test_none_backend_translates_nothing() -> None:
    translator = make_translator("none")
    assert isinstance(translator, NoTranslator) and translator.backend == "none"
    with pytest.raises(NoModelError, match=r"^no model for fr → ar .*TRANSLATION_BACKEND is none"):
        translator.translate("bonjour", "fr", "ar")
    assert translator.translate("bonjour", "fr", "fr") == "bonjour"
    assert translator.available_pairs() == frozenset() and translator.models() == ()
    assert not any(translator.has_model(lang) for lang in ("ar", "prs", "ti"))


def test_backend_argos_when_installed_else_none(
    monkeypatch: pytest.MonkeyPatch, models_dir: Path
) -> None:
    pytest.importorskip("argostranslate", reason="the translate extra is not installed")
    assert make_translator(None, models_dir).backend == "argos"
    assert make_translator("argos", models_dir).backend == "argos"
    monkeypatch.setitem(sys.modules, "argostranslate", None)  # as if not installed
    assert make_translator(None, models_dir).backend == "none"
    with pytest.raises(TranslationError, match="argostranslate is not installed"):
        make_translator("argos", models_dir)
    with pytest.raises(TranslationError, match="unknown translation backend 'deepl'"):
        make_translator("deepl")


def test_settings_agree_with_the_bot_settings() -> None:
    from bot.settings import Settings

    ours = TranslationSettings.model_fields
    theirs = Settings.model_fields
    for name, field in ours.items():
        assert theirs[name].annotation == field.annotation
        assert theirs[name].default == field.default


# --- installing packages ---


def test_install_unpacks_one_folder_per_pair_and_replaces(
    argos_packages: dict[str, Path], models_dir: Path, tmp_path: Path
) -> None:
    first = install_package(argos_packages["fr_en"], models_dir)
    assert (first.source, first.target, first.version) == ("fr", "en", "0.1")
    assert first.path == models_dir / "translate-fr_en"
    newer = tmp_path / "newer.argosmodel"
    with zipfile.ZipFile(argos_packages["fr_en"]) as src, zipfile.ZipFile(newer, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith("/metadata.json"):
                data = json.dumps({**json.loads(data), "package_version": "0.2"}).encode()
            dst.writestr(item, data)
    second = install_package(newer, models_dir)
    assert second.version == "0.2"
    assert sorted(p.name for p in models_dir.iterdir()) == ["translate-fr_en"]
    assert [m.version for m in ArgosTranslator(models_dir).models()] == ["0.2"]


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


META = json.dumps({"from_code": "fr", "to_code": "en"})
GOOD = {"p/metadata.json": META, "p/model/model.bin": "x", "p/sentencepiece.model": "x"}
BAD_PACKAGES = {
    "no folder": ({"metadata.json": META}, "exactly one folder"),
    "two folders": ({**GOOD, "q/metadata.json": META}, "exactly one folder"),
    "unsafe path": ({**GOOD, "p/../../evil.txt": "x"}, "unsafe path"),
    "no metadata": ({"p/model/model.bin": "x", "p/sentencepiece.model": "x"}, "no p/metadata"),
    "metadata not JSON": ({**GOOD, "p/metadata.json": "{"}, "not JSON"),
    "no to_code": ({**GOOD, "p/metadata.json": '{"from_code": "fr"}'}, "no valid to_code"),
    "path in a code": (
        {**GOOD, "p/metadata.json": '{"from_code": "../x", "to_code": "en"}'},
        "no valid from_code",
    ),
    "not translation": (
        {**GOOD, "p/metadata.json": '{"from_code": "fr", "to_code": "en", "type": "sbd"}'},
        "not a translation package",
    ),
    "no model": ({"p/metadata.json": META, "p/sentencepiece.model": "x"}, "no CTranslate2"),
    "no tokenizer": ({"p/metadata.json": META, "p/model/model.bin": "x"}, "no tokenizer"),
}


@pytest.mark.parametrize("case", BAD_PACKAGES)
def test_install_refuses_what_is_not_a_package(case: str, tmp_path: Path) -> None:
    files, message = BAD_PACKAGES[case]
    archive = _zip(tmp_path / "bad.argosmodel", files)
    with pytest.raises(InvalidPackageError, match=message):
        install_package(archive, tmp_path / "models")
    assert not (tmp_path / "evil.txt").exists()
    assert not any((tmp_path / "models").glob("translate-*"))


def test_install_refuses_a_missing_file_and_a_non_zip(tmp_path: Path) -> None:
    with pytest.raises(InvalidPackageError, match="no such file"):
        install_package(tmp_path / "nope.argosmodel", tmp_path / "models")
    text = tmp_path / "text.argosmodel"
    text.write_text("hello")
    with pytest.raises(InvalidPackageError, match="not a zip archive"):
        install_package(text, tmp_path / "models")


def test_a_minimal_valid_package_installs_without_loading(tmp_path: Path) -> None:
    info = install_package(_zip(tmp_path / "ok.argosmodel", GOOD), tmp_path / "models")
    assert (info.source, info.target, info.version) == ("fr", "en", "")
    assert (info.path / "metadata.json").is_file()
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["translate-fr_en"]
