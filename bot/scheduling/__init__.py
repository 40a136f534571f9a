"""Scheduled work as data: the outbox runner, its retry and catch-up policy, and the delivery port."""

from bot.scheduling.runner import Blocked, Clock, Delivery, OutboxRunner, Policy, RateLimited, Transient

__all__ = ["Blocked", "Clock", "Delivery", "OutboxRunner", "Policy", "RateLimited", "Transient"]
