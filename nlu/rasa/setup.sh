#!/usr/bin/env bash
# Install Rasa 3.6.21 in its own Python 3.10 venv (.venv-rasa) and train it on nlu/data.
# Rasa pins SQLAlchemy 1.4 and pydantic 1, so it can never share the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
VENV="$ROOT/.venv-rasa"
PY310="${PY310:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")/versions/3.10.13/bin/python}"

if [ ! -x "$VENV/bin/rasa" ]; then
  if [ ! -x "$PY310" ]; then
    echo "Python 3.10 not found at $PY310 (install it with: pyenv install 3.10.13)" >&2
    exit 1
  fi
  "$PY310" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --upgrade "pip<24.1" wheel
  # jax pins avoid a long back-tracking of the resolver.
  "$VENV/bin/pip" install "rasa==3.6.21" "jax==0.4.30" "jaxlib==0.4.30"
fi

# Rasa reads only its own NLU format: nlu/data/*.yml (never nlu/data/test/).
DATA_HASH="$(cat nlu/data/*.yml nlu/rasa/config.yml nlu/rasa/domain.yml | sha256sum | cut -c1-16)"
MODEL="nlu/rasa/models/nlu-$DATA_HASH.tar.gz"
if [ ! -f "$MODEL" ]; then
  mkdir -p nlu/rasa/models
  rm -f nlu/rasa/models/*.tar.gz
  # Train on a copy of the top-level YAML files only, so the held-out split stays unseen.
  TRAIN_DIR="$(mktemp -d)"
  trap 'rm -rf "$TRAIN_DIR"' EXIT
  cp nlu/data/*.yml "$TRAIN_DIR/"
  (cd nlu/rasa && "$VENV/bin/rasa" train nlu \
      --config config.yml --domain domain.yml --nlu "$TRAIN_DIR" \
      --out models --fixed-model-name "nlu-$DATA_HASH")
fi
echo "Rasa model: $MODEL" >&2
