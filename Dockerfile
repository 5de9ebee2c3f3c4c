# The Migracoop Assistant image: web process (default) or `python -m bot worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY flows ./flows
COPY nlu ./nlu
COPY content ./content
COPY admin ./admin
RUN pip install . \
    && useradd --system --create-home --home-dir /home/app app \
    && mkdir -p /app/var \
    && chown app:app /app/var

USER app
EXPOSE 8000
CMD ["sh", "-c", "python -m bot migrate && python -m bot serve"]
