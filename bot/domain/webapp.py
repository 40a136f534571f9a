"""Telegram Mini Apps: a page opened from a button inside Telegram learns who opened it from the launch data
Telegram signs with the bot's token (checked here with a key derived from it), never from the page itself."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

WEB_APP_PREFIX = "webapp:"  # a button whose action is this prefix and an https address opens a Mini App
FRESH = timedelta(hours=24)  # launch data older than this is not taken as who someone is


def web_app_key(token: str) -> bytes:
    """The key launch data is signed with: the bot token under the constant "WebAppData", as Telegram defines."""
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def launched_by(key: bytes, init_data: str, now: datetime) -> int | None:
    """The Telegram user id in signed, fresh launch data; None for anything else."""
    fields = dict(parse_qsl(init_data, keep_blank_values=True))
    given = fields.pop("hash", "")
    check = "\n".join(f"{name}={value}" for name, value in sorted(fields.items()))
    expected = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    if not given or not hmac.compare_digest(given, expected):
        return None
    try:
        signed_at = datetime.fromtimestamp(int(fields.get("auth_date", "")), now.tzinfo)
        user = json.loads(fields.get("user", ""))
        user_id = int(user["id"])
    except (ValueError, TypeError, KeyError):
        return None
    return user_id if now - signed_at < FRESH else None


def web_app_action(url: str) -> str:
    """The action of a button that opens `url` as a Mini App."""
    return WEB_APP_PREFIX + url
