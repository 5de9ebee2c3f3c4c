#!/usr/bin/env bash
# Serve the Rasa NLU model trained by setup.sh on 127.0.0.1:5005 (POST /model/parse).
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="$(pwd)/.venv-rasa"
PORT="${RASA_PORT:-5005}"
if [ ! -x "$VENV/bin/rasa" ] || ! ls nlu/rasa/models/*.tar.gz >/dev/null 2>&1; then
  echo "No Rasa install or model: run 'bash nlu/rasa/setup.sh' first (make rasa does)." >&2
  exit 1
fi
MODEL="$(ls -t nlu/rasa/models/*.tar.gz | head -1)"
echo "Serving $MODEL on http://127.0.0.1:$PORT" >&2
exec "$VENV/bin/rasa" run --enable-api --model "$MODEL" \
  --interface 127.0.0.1 --port "$PORT" --cors "*"
