"""Fake Telegram Bot API and Twilio REST API servers: real HTTP on 127.0.0.1, scriptable."""
