"""Machine translation of participants' texts by a service the operator chooses: LibreTranslate or DeepL.

`build(kind, url, key)` gives a MachineTranslator (None for "none"); its `translate(texts, source, target)` takes
the bot's locale codes and returns one translation per text, in order, or raises Unsupported (never retry),
Unavailable (try later, after `retry_after` when known) or Misconfigured (the operator must act). No message
quotes the key or the texts. Each call opens its own HTTP session (from `session_factory`) and closes it.
"""

from bot.mt.errors import Misconfigured, TranslationError, Unavailable, Unsupported
from bot.mt.http import SessionFactory
from bot.mt.protocol import MachineTranslator
from bot.mt.services import KINDS, build

__all__ = [
    "KINDS",
    "MachineTranslator",
    "Misconfigured",
    "SessionFactory",
    "TranslationError",
    "Unavailable",
    "Unsupported",
    "build",
]
