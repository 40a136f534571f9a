"""Scheduled work as data: the sender delivers the outbox chat by chat, runs due jobs, retries and pauses."""

from bot.scheduling.sender import (
    Blocked,
    Clock,
    Delivery,
    Jobs,
    NotYet,
    Policy,
    RateLimited,
    Refused,
    Sender,
    Transient,
)

__all__ = ["Blocked", "Clock", "Delivery", "Jobs", "NotYet", "Policy", "RateLimited", "Refused", "Sender", "Transient"]
