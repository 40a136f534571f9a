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
    BOARD = "board"  # a coordinator's sorting board: acts as that coordinator, while they still run the session
    REPORT = "report"  # the session's report, read-only, to share: no pseudonyms


# How long a link works: a projector link lasts through a session's days of collecting and voting.
# A board link acts as its coordinator, so it lasts a working day.
# A report link is shared with directors and partners while the year of follow-up runs.
LIFETIME = {
    PageRole.PROJECTOR: timedelta(days=14),
    PageRole.BOARD: timedelta(hours=12),
    PageRole.REPORT: timedelta(days=400),
}
_MAC_BYTES = 16


@dataclass(frozen=True)
class Grant:
    """One role on one session, until a moment; for a board, as one coordinator (a participant id)."""

    role: PageRole
    session_id: int
    expires: datetime
    person: int = 0

    def valid_at(self, moment: datetime) -> bool:
        """Whether the link still works at this moment."""
        return moment < self.expires


def grant_for(role: PageRole, session_id: int, now: datetime, person: int = 0) -> Grant:
    """A grant from now for as long as its role's links last."""
    return Grant(role, session_id, (now + LIFETIME[role]).replace(microsecond=0), person)


def sign(secret: bytes, grant: Grant) -> str:
    """The grant as a URL-safe token: what it grants in the clear, and a MAC over that with the bot's secret."""
    claim = f"{grant.role.value}.{grant.session_id}.{grant.person}.{int(grant.expires.timestamp())}"
    return f"{claim}.{_mac(secret, claim)}"


def verify(secret: bytes, token: str) -> Grant | None:
    """The grant a token carries, if the bot signed it; None for anything forged, altered or malformed."""
    claim, _, mac = token.rpartition(".")
    parts = claim.split(".")
    if len(parts) != 4 or not hmac.compare_digest(mac, _mac(secret, claim)):
        return None
    role, session, person, expires = parts
    if role not in {r.value for r in PageRole} or not all(p.isdigit() for p in (session, person, expires)):
        return None
    return Grant(PageRole(role), int(session), datetime.fromtimestamp(int(expires), UTC), int(person))


def csrf_for(secret: bytes, token: str) -> str:
    """The key a page sends back with every change it asks for: only a page the bot served knows it."""
    return _mac(secret, "csrf:" + token)


def _mac(secret: bytes, claim: str) -> str:
    digest = hmac.new(secret, b"page:" + claim.encode(), hashlib.sha256).digest()[:_MAC_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
