"""Pure rules and values of inspraak; imports nothing else of the bot."""

from bot.domain.membership import Changes, Membership, NewIdea
from bot.domain.message import Button, Msg, Reply, Text, Verbatim
from bot.domain.participant import Participant, make_pseudonym
from bot.domain.session import (
    DEFAULT_GROUPS,
    IDEA_MAX_LENGTH,
    GroupDef,
    Phase,
    Session,
    groups_from_names,
    make_join_code,
    normalise_join_code,
)

__all__ = [
    "DEFAULT_GROUPS",
    "IDEA_MAX_LENGTH",
    "Button",
    "Changes",
    "GroupDef",
    "Membership",
    "Msg",
    "NewIdea",
    "Participant",
    "Phase",
    "Reply",
    "Session",
    "Text",
    "Verbatim",
    "groups_from_names",
    "make_join_code",
    "make_pseudonym",
    "normalise_join_code",
]
