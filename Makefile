# One command per habit: make run, make test, make lint, make bench (see README.md).
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TRANSLATE_STAMP := $(VENV)/.installed-translate
RASA_URL ?= http://127.0.0.1:5005

.PHONY: venv model translate browser run test lint bench rasa test-rasa clean

venv: $(STAMP)

# The embedded NLU model, built from nlu/data into NLU_MODEL_DIR (var/nlu) when missing or
# stale (~10 s); never committed.
model: venv
	$(PY) -m nlu train --if-stale >/dev/null

# Reinstall only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
	  $(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $@

# The optional machine-translation extra (argostranslate, and through stanza PyTorch).
# torch==2.13.0 first: its CPU build lies on disk, plain torch pulls a multi-GB CUDA build.
# `make run` does not install it: without it the admin says no model is installed.
translate: $(TRANSLATE_STAMP)

$(TRANSLATE_STAMP): $(STAMP)
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[translate]'
	@touch $@

run: model
	@mkdir -p var
	$(PY) -m bot migrate
	$(PY) -m bot seed
	$(PY) -m bot serve

# The admin panel's browser tests drive Debian's Chromium through Playwright (never
# `playwright install`); the Noto fonts make Arabic, Ge'ez and emoji readable in screenshots
# (and in the impact report's PDF); poppler-utils' pdftotext reads that PDF back in tests.
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then \
	  if [ "$$(id -u)" -ne 0 ]; then \
	    echo "the browser tests need Debian's chromium and poppler-utils: sudo apt-get install chromium fonts-noto-core fonts-noto-color-emoji poppler-utils" >&2; \
	    exit 1; \
	  fi; \
	  echo "installing Debian's chromium and poppler-utils for the browser and report tests" >&2; \
	  apt-get update -qq >&2; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-noto-color-emoji poppler-utils >&2; \
	fi

# The whole suite on SQLite and on a throwaway PostgreSQL (stopped even on failure), with
# the translation extra (its tests run argostranslate on a tiny model) and the browser
# tests (marker `browser`: `make test PYTEST_ARGS="-m browser"` runs only them). Two
# pytest-xdist workers (TEST_WORKERS; each has its own PostgreSQL database): much of the
# suite waits on real processes, browsers and platforms' timeouts (README: Development).
TEST_WORKERS ?= 2
test: model translate browser
	@pgdir="$$(mktemp -d /tmp/migracoop-pg.XXXXXX)"; \
	trap 'bash scripts/pg.sh stop "$$pgdir"' EXIT; \
	trap 'exit 130' INT TERM; \
	pg_url="$$(PG_FAST=1 bash scripts/pg.sh start "$$pgdir")"; \
	TEST_DATABASE_URLS="sqlite,$$pg_url" $(PY) -m pytest -q -n $(TEST_WORKERS) --durations=15 $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# Every bench/*.py (pipeline first); BENCH_PG_URL points them at a throwaway PostgreSQL.
bench: model
	@pgdir="$$(mktemp -d /tmp/migracoop-pg.XXXXXX)"; \
	trap 'bash scripts/pg.sh stop "$$pgdir"' EXIT; \
	trap 'exit 130' INT TERM; \
	export BENCH_PG_URL="$$(bash scripts/pg.sh start "$$pgdir")"; \
	for script in bench/pipeline.py $$(ls bench/*.py | grep -vx -e bench/pipeline.py -e bench/fakes.py || true); do \
	  echo "== $$script" >&2; \
	  $(PY) "$$script"; \
	done

# Rasa 3.6 in its own Python 3.10 venv (.venv-rasa), trained on nlu/data, on 127.0.0.1:5005.
rasa:
	bash nlu/rasa/setup.sh
	bash nlu/rasa/serve.sh

# The Rasa backend's tests against a real server; starts one (and stops it) if none is up.
test-rasa: venv
	@up() { $(PY) -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$(RASA_URL)/" >/dev/null 2>&1; }; \
	started=""; \
	if ! up; then \
	  bash nlu/rasa/setup.sh; \
	  mkdir -p var; \
	  setsid bash nlu/rasa/serve.sh >var/rasa.log 2>&1 & started=$$!; \
	  trap 'kill -- -'"$$started"' 2>/dev/null || true' EXIT; \
	  trap 'exit 130' INT TERM; \
	  echo "waiting for Rasa on $(RASA_URL) (log: var/rasa.log)" >&2; \
	  for _ in $$(seq 300); do up && break; \
	    kill -0 "$$started" 2>/dev/null || { tail -n 30 var/rasa.log >&2; exit 1; }; \
	    sleep 1; done; \
	  up || { echo "Rasa did not come up; see var/rasa.log" >&2; exit 1; }; \
	fi; \
	RASA_URL="$(RASA_URL)" $(PY) -m pytest -q -m rasa tests/nlu $(PYTEST_ARGS)

# Caches and the venv; var/ (the SQLite database, secret key) is kept.
clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
	find . -name __pycache__ -type d -not -path './.venv*' -prune -exec rm -rf {} +
