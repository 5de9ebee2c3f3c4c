# The Migracoop Assistant image: web process (default) or `python -m bot worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 \
    NLU_MODEL_DIR=/app/nlu-model

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY nlu ./nlu
COPY content ./content
COPY admin ./admin
# The NLU model is built here, from the image's nlu/data, outside the var/ volume (which
# would hide it); a stale one would be rebuilt at start.
RUN pip install . \
    && python -m nlu train \
    && useradd --system --create-home --home-dir /home/app app \
    && mkdir -p /app/var \
    && chown app:app /app/var /app/nlu-model

USER app
EXPOSE 8000
CMD ["sh", "-c", "python -m bot migrate && python -m bot serve"]
