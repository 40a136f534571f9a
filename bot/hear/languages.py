"""Which of the bot's languages Whisper can hear, as the ISO 639-1 codes it is given."""

from __future__ import annotations

# The languages of Whisper's multilingual models (faster_whisper.tokenizer, less "yue", which only large-v3 knows).
_CODES = """
    af am ar as az ba be bg bn bo br bs ca cs cy da de el en es et eu fa fi fo fr gl gu ha haw he hi hr ht hu hy id
    is it ja jw ka kk km kn ko la lb ln lo lt lv mg mi mk ml mn mr ms mt my ne nl nn no oc pa pl ps pt ro ru sa sd
    si sk sl sn so sq sr su sv sw ta te tg th tk tl tr tt uk ur uz vi yi yo zh
"""
WHISPER: frozenset[str] = frozenset(_CODES.split())


def whisper_language(language: str) -> str | None:
    """The code Whisper is told for a bot locale ("fa_AF", Dari, -> "fa"), or None when Whisper has none ("ti")."""
    code = language.replace("-", "_").split("_", 1)[0].lower()
    return code if code in WHISPER else None


def supports(language: str) -> bool:
    """Whether voice notes in this bot locale can be transcribed."""
    return whisper_language(language) is not None
