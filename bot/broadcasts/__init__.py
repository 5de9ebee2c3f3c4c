"""Broadcasts: one message to many contacts, each in their language, exactly once.

`audience` (who), `composition` (the texts and the review gate), `timing` (when, quiet
hours), `service` (what the CLI and the admin call), `runner` (the background loop that
hands recipients to the outbox in batches). The SQL is in bot/db/repos/broadcasts.py.
"""
