"""`python -m nlu`: parse writes only JSON lines on stdout; evaluate reports."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from nlu import normalize
from nlu.classifier import load
from nlu.features import intent_features
from nlu.language import identify
from nlu.training import data_fingerprint
from nlu.types import INTENTS, LANGS
from tests.cli import run
from tests.nlu.test_store import small_data


def nlu_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m nlu ARGS`, which must succeed."""
    return run(args, stdin=stdin, module="nlu", check=True)


def test_parse_reads_lines_and_writes_json_lines() -> None:
    out = nlu_cli("parse", stdin="bonjour\nj'ai vendu 12 repas à 8€\n٤٥ يورو\n").stdout
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
    out = nlu_cli("evaluate", str(cases)).stdout
    assert "fr" in out and "latency" in out
    report = json.loads(nlu_cli("evaluate", "--json", str(cases)).stdout)
    assert report["languages"]["fr"]["intent_accuracy"] == 1.0
    assert report["languages"]["fr"]["amount_accuracy"] == 1.0


def test_evaluate_reports_each_set_and_both_readings(tmp_path: Path) -> None:
    first, second = tmp_path / "one.jsonl", tmp_path / "two"
    first.write_text('{"text": "bonjour", "intent": "greet", "lang": "fr"}\n', encoding="utf-8")
    second.mkdir()
    (second / "fr.jsonl").write_text(
        '{"text": "vendu 3 robes a 20 euros", "intent": "log_sale", "lang": "fr", "amount": 60,'
        ' "amount_alternative": 20}\n',
        encoding="utf-8",
    )
    out = nlu_cli("evaluate", str(first), str(second)).stdout
    assert f"on {first} (1 messages)" in out and f"on {second} (1 messages)" in out
    assert "1 ambiguous" in out and "reliability" in out
    report = json.loads(nlu_cli("evaluate", "--json", str(first), str(second)).stdout)
    assert report[str(second)]["languages"]["fr"]["ambiguous_n"] == 1
    assert report[str(second)]["languages"]["fr"]["amount_accuracy"] == 1.0


def test_evaluate_scores_what_a_line_gives(tmp_path: Path) -> None:
    """A line without an intent (as in nlu/dev) is scored on its language and amount; an
    amount of null means no number of it is a sale's amount."""
    cases = tmp_path / "dev.jsonl"
    cases.write_text(
        '{"text": "vendu 3 robes a 20 euros", "lang": "fr", "amount": 60}\n'
        '{"text": "mon loyer est de 500 euros", "lang": "fr", "amount": null}\n'
        '{"text": "rdv a 14h", "lang": "fr", "amount": null}\n'
        '{"text": "bonsoir", "lang": "fr"}\n',
        encoding="utf-8",
    )
    report = json.loads(nlu_cli("evaluate", "--json", str(cases)).stdout)["languages"]["fr"]
    assert (report["n"], report["intent_n"], report["lang_accuracy"]) == (4, 0, 1.0)
    assert (report["amount_n"], report["amount_accuracy"]) == (1, 1.0)
    assert (report["no_amount_n"], report["no_amount_accuracy"]) == (2, 1.0)
    out = nlu_cli("evaluate", str(cases)).stdout
    assert "no amount given 2/2" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "nlu/data/fr.yml:1: not a JSON-lines file"),  # the training data itself
        ("version: 3.1\n", "not a JSON-lines file (this line is not JSON)"),
        ('{"text": "ok", "lang": "fr"}\n[1, 2]\n', ":2: not a JSON-lines file"),
        ('{"intent": "greet", "lang": "fr"}\n', 'needs "text" and "lang"'),
        ('{"text": "x", "lang": "fr", "amount": "12"}\n', '"amount" must be a number'),
        ("\n\n", "no cases in"),
    ],
)
def test_evaluate_on_a_file_that_is_not_cases_says_so_in_one_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = "nlu/data/fr.yml"
    if content is not None:
        path = str(tmp_path / "bad.jsonl")
        Path(path).write_text(content, encoding="utf-8")
    done = run(["evaluate", path], module="nlu")
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_evaluate_on_a_binary_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"
    path.write_bytes(bytes(range(256)))
    done = run(["evaluate", str(path)], module="nlu")
    assert done.returncode == 2
    assert "not a JSON-lines file" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["evaluate", "no/such/file.jsonl"], "no such file or folder"),
        (["train", "--data", "no/such/folder"], "no <lang>.yml files"),
        (["parse", "--nope"], "unrecognized arguments"),
        ([], "the following arguments are required"),
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(args: list[str], message: str) -> None:
    done = run(args, module="nlu", timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_train_builds_a_model_from_a_data_folder(tmp_path: Path) -> None:
    """A small copy of the data (5 examples per intent and language) trains a working model."""
    data = small_data(tmp_path / "data")
    out = tmp_path / "model.npz"

    meta = json.loads(nlu_cli("train", "--data", str(data), "--out", str(out)).stdout)

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


def test_train_if_stale_keeps_a_current_model(tmp_path: Path) -> None:
    data = small_data(tmp_path / "data")
    env = {**os.environ, "NLU_MODEL_DIR": str(tmp_path / "cache")}

    def train(*extra: str) -> subprocess.CompletedProcess[str]:
        return run(["train", "--data", str(data), *extra], env, module="nlu", check=True)

    first = train("--if-stale")
    assert "training the model" in first.stderr
    again = train("--if-stale")
    assert again.stderr == "" and json.loads(again.stdout) == json.loads(first.stdout)
    forced = train()
    assert "training the model" in forced.stderr
