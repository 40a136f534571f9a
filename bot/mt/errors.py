"""What can go wrong when a service translates: each kind tells the caller whether and when to try again.

Messages name the service, the status and what to check; never the key and never the texts.
"""

from __future__ import annotations


class TranslationError(Exception):
    """A machine translation did not happen."""


class Unsupported(TranslationError):
    """The service does not translate this pair of languages: asking again will not help."""


class Unavailable(TranslationError):
    """The service is down, slow, busy or out of quota: try again later (after `retry_after` seconds if known)."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Misconfigured(TranslationError):
    """The key or the address is wrong, or the server is not what we expect: the operator must act."""
