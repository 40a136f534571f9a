"""Reading PTB 22's durations, which are moving from seconds to timedelta, without deprecation noise."""

from __future__ import annotations

import warnings
from datetime import timedelta

from telegram.warnings import PTBDeprecationWarning


def seconds(owner: object, attribute: str) -> float:
    """A duration attribute (e.g. Voice.duration, RetryAfter.retry_after) in seconds, whichever type PTB gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = getattr(owner, attribute)
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
