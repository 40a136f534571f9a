"""The installation's secret: kept in a file beside a SQLite database, never in it; with PostgreSQL, derived from
the bot's token, so that every process that has the token agrees on it without a file to share."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from bot.storage.db import Location, is_postgres

SECRET_BYTES = 32


def secret_path(database: Path) -> Path:
    """Where the secret of the database at `database` lives."""
    return database.with_name(database.name + ".secret")


def load_or_create_secret(database: Location, token: str | None) -> bytes:
    """Read the secret, or create it (owner-only) on first start."""
    if is_postgres(database):
        if not token:
            raise ValueError("with PostgreSQL the installation's secret is derived from the token, which is missing")
        return hmac.new(token.encode(), b"inspraak installation secret", hashlib.sha256).digest()
    path = secret_path(Path(database))
    if path.exists():
        data = path.read_bytes()
        if len(data) >= SECRET_BYTES:
            return data
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        data = secrets.token_bytes(SECRET_BYTES)
        os.write(fd, data)
    finally:
        os.close(fd)
    return data
