"""Pure rules and values of inspraak; imports nothing else of the bot."""

from bot.domain.message import Button, Msg, Reply, Text, Verbatim
from bot.domain.participant import Participant, make_pseudonym

__all__ = ["Button", "Msg", "Participant", "Reply", "Text", "Verbatim", "make_pseudonym"]
