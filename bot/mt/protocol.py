"""What the bot asks of a machine translation service, whichever it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class MachineTranslator(Protocol):
    """A service that translates texts between the bot's locales."""

    name: str  # as coordinators see it: "LibreTranslate", "DeepL"

    async def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per text, in order, from locale `source` to locale `target` (e.g. "ar" to "nl").

        As many requests as the service's limits need. Raises Unsupported (never retry), Unavailable (retry,
        after `retry_after` if given) or Misconfigured (the operator must fix the key or address).
        """
        ...
