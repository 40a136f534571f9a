"""Logging that never shows a secret: every record and every formatted line is scrubbed."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import IO, Any

MASK = "<redacted>"
LIBRARIES = ("telegram", "httpx", "httpcore", "aiohttp")  # their lines may carry what people sent
# Anything shaped like a bot token, even one we were not told about.
_TOKEN_SHAPE = re.compile(r"[0-9]{5,16}:[A-Za-z0-9_-]{30,64}")


class Redactor:
    """Replaces known secrets, and anything shaped like a bot token, with a mask."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets = tuple(s for s in secrets if s)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return _TOKEN_SHAPE.sub(MASK, text)


def library_record(record: logging.LogRecord) -> None:
    """A library's own line keeps its wording but not its values, nor the message of an exception: in rare
    error paths python-telegram-bot puts a whole update (names, texts) into them."""
    if record.args:
        record.msg, record.args = str(record.msg).replace("%r", "<…>").replace("%s", "<…>"), None
    if record.exc_info and record.exc_info[0] is not None:
        record.msg = f"{record.msg} ({record.exc_info[0].__name__})"
        record.exc_info, record.exc_text = None, None


class RedactingFormatter(logging.Formatter):
    """Scrubs the final line, tracebacks included."""

    def __init__(self, redactor: Redactor, fmt: str) -> None:
        super().__init__(fmt)
        self._redact = redactor

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(super().format(record))


def configure_logging(level: int = logging.INFO, secrets: Iterable[str] = (), stream: IO[str] | None = None) -> None:
    """Log to a stream (stderr by default) with every secret scrubbed from records and output."""
    redactor = Redactor(secrets)
    previous = logging.getLogRecordFactory()
    base = getattr(previous, "inspraak_base", previous)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record: logging.LogRecord = base(*args, **kwargs)
        if record.name.split(".", 1)[0] in LIBRARIES:
            library_record(record)
        message = record.getMessage()
        cleaned = redactor(message)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return record

    factory.inspraak_base = base  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(redactor, "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "inspraak", False)]:
        root.removeHandler(old)
    handler.inspraak = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler logs every outbox tick: quiet unless debugging.
    logging.getLogger("apscheduler.executors").setLevel(logging.DEBUG if level <= logging.DEBUG else logging.WARNING)
    # At DEBUG, python-telegram-bot logs every call's parameters and every answer: texts, names, Telegram ids.
    # Personal data never goes to a log, so its loggers say nothing below INFO, whatever the level.
    for library in LIBRARIES:
        logging.getLogger(library).setLevel(max(level, logging.INFO))
