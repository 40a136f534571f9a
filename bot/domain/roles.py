"""Who may do what: admins make coordinators, coordinators run the sessions they own or were invited to."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from enum import StrEnum

INVITE_PREFIX = "inv_"
INVITE_LIFETIME = timedelta(days=7)


class Role(StrEnum):
    """What a person may do with the bot."""

    PARTICIPANT = "participant"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class InviteKind(StrEnum):
    """What accepting an invite makes of someone."""

    COORDINATOR = "coordinator"
    CO_COORDINATOR = "co_coordinator"


def role_of(telegram_id: int, admins: frozenset[int], is_coordinator: bool) -> Role:
    """An admin (from configuration) is also a coordinator."""
    if telegram_id in admins:
        return Role.ADMIN
    return Role.COORDINATOR if is_coordinator else Role.PARTICIPANT


def make_invite_token(random: bytes) -> str:
    """A deep-link payload for an invite: `inv_` and 22 URL-safe characters (within Telegram's 64)."""
    if len(random) < 16:
        raise ValueError("an invite token needs at least 16 random bytes")
    return INVITE_PREFIX + base64.urlsafe_b64encode(random[:16]).decode().rstrip("=")


def is_invite_token(payload: str) -> bool:
    """Whether a /start payload is an invite rather than a join code."""
    return payload.startswith(INVITE_PREFIX) and len(payload) == len(INVITE_PREFIX) + 22


def invite_expiry(now: datetime) -> datetime:
    """When an invite made now stops working."""
    return now + INVITE_LIFETIME
