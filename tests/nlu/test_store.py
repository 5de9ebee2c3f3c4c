"""The model cache: built when missing or stale, loaded when current, never committed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from nlu import pipeline, store, training
from nlu.backend import EmbeddedBackend
from nlu.training import DATA_DIR, NEGATIVES
from nlu.types import LANGS

ROOT = Path(__file__).resolve().parents[2]


def small_data(folder: Path, per_intent: int = 5) -> Path:
    """A copy of nlu/data with the first examples of each intent and language."""
    (folder / "language").mkdir(parents=True)
    for negatives in NEGATIVES.values():
        (folder / negatives).write_bytes((DATA_DIR / negatives).read_bytes())
    for lang in LANGS:
        doc = yaml.safe_load((DATA_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
        for block in doc["nlu"]:
            lines = block["examples"].splitlines()[:per_intent]
            block["examples"] = "\n".join(lines) + "\n"
        (folder / f"{lang}.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return small_data(tmp_path / "data")


def models_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob("embedded-*.npz"))


def test_missing_then_current_then_stale(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cache = tmp_path / "cache"
    first = store.ensure(cache, data)
    built = capsys.readouterr().err.splitlines()
    assert len(built) == 1 and "training the model" in built[0] and "none yet" in built[0]
    assert models_in(cache) == [first.name]
    assert first.name == f"embedded-{training.model_fingerprint(data)}.npz"
    stamp = first.stat().st_mtime_ns

    # Unchanged data: the same file is loaded, nothing is built or said.
    assert store.ensure(cache, data) == first
    assert capsys.readouterr().err == ""
    assert first.stat().st_mtime_ns == stamp

    # Edited data: a new model replaces the old one.
    fr = data / "fr.yml"
    fr.write_text(fr.read_text(encoding="utf-8") + "# a comment is an edit too\n", "utf-8")
    second = store.ensure(cache, data)
    assert second != first
    assert "its data or code changed" in capsys.readouterr().err
    assert models_in(cache) == [second.name]

    # Deleted cache: rebuilt.
    second.unlink()
    assert store.ensure(cache, data) == second
    assert second.exists()
    assert "training the model" in capsys.readouterr().err


def test_training_code_is_part_of_the_key(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = tmp_path / "features.py"
    code.write_text("VERSION = 1\n")
    monkeypatch.setattr(training, "CODE", (code,))
    before = training.model_fingerprint(data)
    assert training.data_fingerprint(data) == training.data_fingerprint(data)
    code.write_text("VERSION = 2\n")
    assert training.model_fingerprint(data) != before


def test_processes_starting_together_build_once(
    tmp_path: Path, data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []
    real_train = training.train

    def counting_train(data_dir: Path, out: Path) -> dict[str, object]:
        calls.append(out)
        return real_train(data_dir, out)

    monkeypatch.setattr(training, "train", counting_train)
    cache = tmp_path / "cache"
    paths: list[Path] = []
    threads = [
        threading.Thread(target=lambda: paths.append(store.ensure(cache, data))) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(set(paths)) == 1 and paths[0].exists()


def test_model_dir_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(store.ENV_VAR, raising=False)
    assert store.model_dir() == Path("var/nlu")
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path))
    assert store.model_dir() == tmp_path
    assert store.model_dir(tmp_path / "x") == tmp_path / "x"


def test_warm_up_builds_then_loads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bot's start-up: a fresh cache folder gets the model of nlu/data, once."""
    backend = EmbeddedBackend(tmp_path / "cache")
    backend.warm_up()
    assert "training the model" in capsys.readouterr().err
    assert models_in(tmp_path / "cache") == [store.model_path(tmp_path / "cache").name]
    pipeline.models.cache_clear()
    backend.warm_up()
    assert capsys.readouterr().err == ""
    assert pipeline.parse("bonjour", model_dir=tmp_path / "cache").intent == "greet"

    # A file that cannot be read (a disk that filled, a copy cut short) is built again.
    path = store.model_path(tmp_path / "cache")
    path.write_bytes(path.read_bytes()[:1000])
    pipeline.models.cache_clear()
    pipeline.load_models.cache_clear()
    backend.warm_up()
    err = capsys.readouterr().err
    assert "cannot read" in err and "training the model" in err
    assert pipeline.parse("bonjour", model_dir=tmp_path / "cache").intent == "greet"


def test_cli_builds_before_answering(tmp_path: Path) -> None:
    """`python -m nlu parse` on a fresh machine: one line on stderr, only JSON on stdout."""
    env = {**os.environ, store.ENV_VAR: str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "nlu", "parse"],
        input="bonjour\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=180,
        check=True,
    )
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert json.loads(done.stdout)["intent"] == "greet"
    assert len(models_in(tmp_path / "cache")) == 1


def test_the_image_builds_the_model_outside_the_var_volume() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    runs = [line for line in text.splitlines() if line.strip().startswith("RUN")]
    assert any(
        "pip install ." in run and run.index("pip install .") < run.index("python -m nlu train")
        for run in runs
    )
    env = next(line for line in text.splitlines() if "NLU_MODEL_DIR=" in line)
    folder = env.split("NLU_MODEL_DIR=")[1].split()[0]
    assert not folder.startswith("/app/var")  # compose mounts a volume there


def test_make_builds_the_model_before_run_and_test() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-m nlu train --if-stale" in makefile
    for target in ("run", "test"):
        assert f"\n{target}: model" in makefile
