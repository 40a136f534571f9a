"""The installation's secret: kept in a file beside the database, never in it."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_BYTES = 32


def secret_path(database: Path) -> Path:
    """Where the secret of the database at `database` lives."""
    return database.with_name(database.name + ".secret")


def load_or_create_secret(database: Path) -> bytes:
    """Read the secret, or create it (owner-only) on first start."""
    path = secret_path(database)
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
