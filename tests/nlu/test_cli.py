"""`python -m nlu`: parse writes only JSON lines on stdout; evaluate reports."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from nlu import normalize
from nlu.classifier import intent_features, load
from nlu.language import identify
from nlu.training import AMHARIC, DATA_DIR, data_fingerprint
from nlu.types import INTENTS, LANGS

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nlu", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )


def test_parse_reads_lines_and_writes_json_lines() -> None:
    out = run("parse", stdin="bonjour\nj'ai vendu 12 repas à 8€\n٤٥ يورو\n").stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [d["text"] for d in lines] == ["bonjour", "j'ai vendu 12 repas à 8€", "٤٥ يورو"]
    assert set(lines[0]) == {"text", "lang", "intent", "confidence", "entities"}
    assert (lines[0]["intent"], lines[0]["lang"]) == ("greet", "fr")
    assert {"entity": "amount", "value": 96.0} in lines[1]["entities"]
    assert lines[2]["lang"] == "ar"


def test_evaluate_prints_a_report(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        '{"text": "bonjour", "intent": "greet", "lang": "fr"}\n'
        '{"text": "vendu 3 robes a 20 euros", "intent": "log_sale", "lang": "fr", "amount": 60}\n',
        encoding="utf-8",
    )
    out = run("evaluate", str(cases)).stdout
    assert "fr" in out and "latency" in out
    report = json.loads(run("evaluate", "--json", str(cases)).stdout)
    assert report["languages"]["fr"]["intent_accuracy"] == 1.0
    assert report["languages"]["fr"]["amount_accuracy"] == 1.0


def test_train_builds_a_model_from_a_data_folder(tmp_path: Path) -> None:
    """A small copy of the data (5 examples per intent and language) trains a working model."""
    data = tmp_path / "data"
    (data / "language").mkdir(parents=True)
    shutil.copy(DATA_DIR / AMHARIC, data / AMHARIC)
    for lang in LANGS:
        doc = yaml.safe_load((DATA_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
        for block in doc["nlu"]:
            lines = block["examples"].splitlines()[:5]
            block["examples"] = "\n".join(lines) + "\n"
        (data / f"{lang}.yml").write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    out = tmp_path / "model.json"

    meta = json.loads(run("train", "--data", str(data), "--out", str(out)).stdout)

    assert meta["examples"] == len(INTENTS) * len(LANGS) * 5
    assert meta["data"] == data_fingerprint(data) != data_fingerprint()
    models, saved = load(out)
    assert saved == meta
    intent_model, lang_model = models["intent"], models["language"]
    for text, intent in [
        ("bonjour", "greet"),
        ("au revoir", "goodbye"),
        ("ሎሚ 45 ዩሮ ሸይጠ", "log_sale"),
    ]:
        feats = intent_features(normalize.fold(text))
        assert intent_model.labels[int(intent_model.proba(feats).argmax())] == intent, text
    assert identify(normalize.light("ሰላም ከመይ ኣለኹም"), lang_model)[0] == "ti"
