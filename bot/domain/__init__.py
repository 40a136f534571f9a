"""Pure rules and values of inspraak; imports nothing else of the bot."""

from bot.domain.content import missing, translatable, translated
from bot.domain.membership import Changes, Membership, NewIdea
from bot.domain.message import Button, Msg, Reply, Text, Verbatim
from bot.domain.participant import Participant, make_pseudonym
from bot.domain.roles import InviteKind, Role, invite_expiry, is_invite_token, make_invite_token, role_of
from bot.domain.session import (
    DEFAULT_GROUPS,
    IDEA_MAX_LENGTH,
    PHASE_NAMES,
    GroupDef,
    Phase,
    Session,
    Theme,
    groups_from_names,
    groups_from_text,
    make_join_code,
    normalise_join_code,
)

__all__ = [
    "DEFAULT_GROUPS",
    "IDEA_MAX_LENGTH",
    "PHASE_NAMES",
    "Button",
    "Changes",
    "GroupDef",
    "InviteKind",
    "Membership",
    "Msg",
    "NewIdea",
    "Participant",
    "Phase",
    "Reply",
    "Role",
    "Session",
    "Text",
    "Theme",
    "Verbatim",
    "groups_from_names",
    "groups_from_text",
    "invite_expiry",
    "is_invite_token",
    "make_invite_token",
    "make_join_code",
    "make_pseudonym",
    "missing",
    "normalise_join_code",
    "role_of",
    "translatable",
    "translated",
]
