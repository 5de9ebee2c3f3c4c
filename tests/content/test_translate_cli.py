"""`python -m content translate install | list | text`: results on stdout, one-line errors."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from content.__main__ import main
from tests.content.conftest import Installer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, models_dir: Path) -> None:
    """Settings from the environment only: no stray .env, models in a temporary folder."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRANSLATION_BACKEND", raising=False)
    monkeypatch.setenv("TRANSLATION_MODELS_DIR", str(models_dir))


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("python -m content"), err
    assert "Traceback" not in err


def test_install_and_list_in_real_processes(
    argos_packages: dict[str, Path], models_dir: Path, tmp_path: Path
) -> None:
    pytest.importorskip("argostranslate", reason="the translate extra is not installed")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TRANSLATION_MODELS_DIR": str(models_dir)}
    env.pop("TRANSLATION_BACKEND", None)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "content", "translate", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    for key in ("fr_en", "en_ar"):
        result = cli("install", str(argos_packages[key]))
        assert result.returncode == 0, result.stderr
        source, target = key.split("_")
        assert result.stdout == (
            f"installed {source} → {target} 0.1 in {models_dir / f'translate-{key}'}\n"
        )
    listed = cli("list").stdout.splitlines()
    assert listed == [
        f"backend argos, models in {models_dir}",
        "model en → ar 0.1",
        "model fr → en 0.1",
        "can translate fr → ar (via en)",
    ]
    # `text` in a real process: test_translate_offline.py.


def test_text_reads_standard_input(
    install: Installer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    install("fr_en")
    monkeypatch.setattr("sys.stdin", io.StringIO("bonjour\nmerci\n"))
    assert run_main(capsys, "translate", "text", "--from", "fr", "--to", "en") == (
        0,
        "hello\nthanks\n",
        "",
    )


def test_no_model_is_one_line_and_exit_1(
    install: Installer, capsys: pytest.CaptureFixture[str]
) -> None:
    install("fr_en")
    code, out, err = run_main(capsys, "translate", "text", "--from", "fr", "--to", "ti", "salut")
    assert (code, out) == (1, "")
    assert err == "python -m content: error: no model for fr → ti\n"


def test_list_without_models_and_with_backend_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], models_dir: Path
) -> None:
    pytest.importorskip("argostranslate", reason="the translate extra is not installed")
    assert run_main(capsys, "translate", "list")[1] == (
        f"backend argos, models in {models_dir}\nno model installed\n"
    )
    monkeypatch.setenv("TRANSLATION_BACKEND", "none")
    code, out, _ = run_main(capsys, "translate", "list")
    assert code == 0 and out.startswith("backend none: machine translation is off")
    code, out, err = run_main(capsys, "translate", "text", "--from", "fr", "--to", "ar", "x")
    assert code == 1 and "TRANSLATION_BACKEND is none" in err
    assert_one_line_error(err)


BAD_ARGS = {
    "no command": ([], "the following arguments are required"),
    "no action": (["translate"], "the following arguments are required"),
    "unknown action": (["translate", "fetch"], "invalid choice: 'fetch'"),
    "bad language": (
        ["translate", "text", "--from", "xx", "--to", "ar", "hi"],
        "argument --from: invalid choice: 'xx'",
    ),
    "no target": (["translate", "text", "--from", "fr", "hi"], "--to"),
    "missing file": (["translate", "install", "nope.argosmodel"], "nope.argosmodel: no such file"),
    "not a zip": (["translate", "install", "notes.txt"], "not an Argos package"),
}


@pytest.mark.parametrize("case", BAD_ARGS)
def test_bad_arguments_are_one_line_and_exit_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not a package")
    argv, message = BAD_ARGS[case]
    code, out, err = run_main(capsys, *argv)
    assert (code, out) == (2, "")
    assert_one_line_error(err)
    assert message in err


def test_a_bad_backend_setting_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRANSLATION_BACKEND", "deepl")
    code, _, err = run_main(capsys, "translate", "list")
    assert code == 2
    assert_one_line_error(err)
    assert "TRANSLATION_BACKEND: Input should be 'argos' or 'none'" in err
