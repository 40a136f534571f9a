"""Pure rules and values of inspraak; imports nothing else of the bot."""

from bot.domain.action import (
    ACTION_INVITE_PREFIX,
    ENDING_NAMES,
    PROGRESS_NAMES,
    STATUS_NAMES,
    YEAR_END_GRACE,
    Action,
    ActionStatus,
    Ending,
    Progress,
    is_action_invite,
)
from bot.domain.buttons import ButtonError, ButtonKind
from bot.domain.cadence import Cadence, Schedule, due_times, parse_time
from bot.domain.content import missing, translatable, translated
from bot.domain.membership import Membership, NewIdea
from bot.domain.message import Button, Msg, Reply, Spoken, Text, Verbatim
from bot.domain.outbox import Purpose
from bot.domain.participant import Participant, make_pseudonym, pool_pseudonym, session_pseudonym
from bot.domain.roles import InviteKind, Role, invite_expiry, is_invite_token, make_invite_token, role_of
from bot.domain.run import Run, RunPurpose
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
    theme_names,
)

__all__ = [
    "ACTION_INVITE_PREFIX",
    "DEFAULT_GROUPS",
    "ENDING_NAMES",
    "IDEA_MAX_LENGTH",
    "PHASE_NAMES",
    "PROGRESS_NAMES",
    "STATUS_NAMES",
    "YEAR_END_GRACE",
    "Action",
    "ActionStatus",
    "Button",
    "ButtonError",
    "ButtonKind",
    "Cadence",
    "Ending",
    "GroupDef",
    "InviteKind",
    "Membership",
    "Msg",
    "NewIdea",
    "Participant",
    "Phase",
    "Progress",
    "Purpose",
    "Reply",
    "Role",
    "Run",
    "RunPurpose",
    "Schedule",
    "Session",
    "Spoken",
    "Text",
    "Theme",
    "Verbatim",
    "due_times",
    "groups_from_names",
    "groups_from_text",
    "invite_expiry",
    "is_action_invite",
    "is_invite_token",
    "make_invite_token",
    "make_join_code",
    "make_pseudonym",
    "missing",
    "normalise_join_code",
    "parse_time",
    "pool_pseudonym",
    "role_of",
    "session_pseudonym",
    "theme_names",
    "translatable",
    "translated",
]
