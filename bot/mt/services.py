"""The machine translation service the operator configured, if any."""

from __future__ import annotations

import aiohttp

from bot.mt.deepl import DeepL
from bot.mt.http import SessionFactory
from bot.mt.libretranslate import LibreTranslate
from bot.mt.protocol import MachineTranslator

KINDS = ("none", "libretranslate", "deepl")


def build(
    kind: str,
    url: str | None,
    key: str | None,
    timeout: float = 10.0,
    session_factory: SessionFactory = aiohttp.ClientSession,
) -> MachineTranslator | None:
    """The translator of that kind ("none": None). A ValueError, never quoting the key, if it cannot be built."""
    if kind == "none":
        return None
    if kind == "libretranslate":
        if not url:
            raise ValueError("LibreTranslate needs the address of its server (INSPRAAK_TRANSLATOR_URL)")
        return LibreTranslate(url, key, timeout=timeout, session_factory=session_factory)
    if kind == "deepl":
        if not key:
            raise ValueError("DeepL needs an API key (INSPRAAK_TRANSLATOR_KEY)")
        return DeepL(key, url, timeout=timeout, session_factory=session_factory)
    raise ValueError(f"unknown kind of translator {kind!r}; expected one of: {', '.join(KINDS)}")
