"""`python -m nlu`: parse writes only JSON lines on stdout; evaluate reports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
