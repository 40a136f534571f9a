"""Signed links to the web pages: each grants one role on one session until it expires."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum


class PageRole(StrEnum):
    """What a link opens; each role is its own page, so a link for one never opens another."""

    PROJECTOR = "projector"  # read-only, for the room: no pseudonyms, no hidden ideas


# How long a link works: a projector link lasts through a session's days of collecting and voting.
LIFETIME = {PageRole.PROJECTOR: timedelta(days=14)}
_MAC_BYTES = 16


@dataclass(frozen=True)
class Grant:
    """One role on one session, until a moment."""

    role: PageRole
    session_id: int
    expires: datetime

    def valid_at(self, moment: datetime) -> bool:
        """Whether the link still works at this moment."""
        return moment < self.expires


def grant_for(role: PageRole, session_id: int, now: datetime) -> Grant:
    """A grant from now for as long as its role's links last."""
    return Grant(role, session_id, (now + LIFETIME[role]).replace(microsecond=0))


def sign(secret: bytes, grant: Grant) -> str:
    """The grant as a URL-safe token: what it grants in the clear, and a MAC over that with the bot's secret."""
    claim = f"{grant.role.value}.{grant.session_id}.{int(grant.expires.timestamp())}"
    return f"{claim}.{_mac(secret, claim)}"


def verify(secret: bytes, token: str) -> Grant | None:
    """The grant a token carries, if the bot signed it; None for anything forged, altered or malformed."""
    claim, _, mac = token.rpartition(".")
    parts = claim.split(".")
    if len(parts) != 3 or not hmac.compare_digest(mac, _mac(secret, claim)):
        return None
    role, session, expires = parts
    if role not in {r.value for r in PageRole} or not session.isdigit() or not expires.isdigit():
        return None
    return Grant(PageRole(role), int(session), datetime.fromtimestamp(int(expires), UTC))


def _mac(secret: bytes, claim: str) -> str:
    digest = hmac.new(secret, b"page:" + claim.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
