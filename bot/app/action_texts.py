"""What the bot says about the action agenda: to coordinators, to action owners and to participants."""

from bot.domain import Cadence, Msg

CADENCE_NAMES = {
    Cadence.WEEKLY: Msg("cadence.weekly", "every week"),
    Cadence.BIWEEKLY: Msg("cadence.biweekly", "every 2 weeks"),
    Cadence.MONTHLY: Msg("cadence.monthly", "every month"),
    Cadence.QUARTERLY: Msg("cadence.quarterly", "every 3 months"),
}

# ---- coordinators --------------------------------------------------------------------------------
ACTIONS = Msg("actions.list", "Actions of “{title}”:")
NO_ACTIONS = Msg("actions.none", "No actions yet.")
ADD_ACTION = Msg("actions.add", "Add an action")
PAUSE = Msg("actions.pause", "Pause {number}")
RESUME = Msg("actions.resume", "Resume {number}")
CLOSE = Msg("actions.close", "Close {number}")
EDIT = Msg("actions.edit", "Edit {number}")
UPDATED = Msg("actions.updated", "“{action}” is updated.")
ACTION_LINE = Msg("actions.line", "{number}. {action} · owner: {owner} · {status}")
NO_OWNER = Msg("actions.no_owner", "not yet accepted")
INVITE_OWNER = Msg(
    "actions.invite_owner",
    "Forward the link below to the person who will own “{action}”. It works once. "
    "They choose their language, see what they commit to, and pick a time of day for check-ins.",
)
ACTION_CHANGED = Msg("actions.changed", "“{action}” is now: {status}")
AGENDA = Msg("agenda.title", "Agenda of “{title}”:")
AGENDA_LINE = Msg(
    "agenda.line", "{number}. {action}\n   owner: {owner} · {status}\n   last answer: {last} · next check-in: {next}"
)
AGENDA_NONE = Msg("agenda.nothing", "none yet")
ESCALATION = Msg(
    "alert.silent",
    "“{action}”: its owner ({owner}) has not answered the last two check-ins. Maybe give them a call?",
)
STUCK_ALERT = Msg("alert.stuck", "“{action}” is stuck, says its owner ({owner}). What would help: {help}")
HELP_NOT_GIVEN = Msg("alert.no_help_given", "(no answer)")
DIGEST = Msg("digest.title", "Monthly overview of “{title}”:")

# ---- action owners -------------------------------------------------------------------------------
OWNER_INVITE = Msg(
    "owner.invite",
    "You are invited to own this action:\n\n{action}\n{description}\n\n"
    "For 12 months you will be asked {cadence} how it is going, in a few taps. "
    "Coordinators see your answers under a code name. Will you take it on?",
)
OWNER_YES = Msg("owner.yes", "Yes, I take it on")
OWNER_NO = Msg("owner.no", "No, thank you")
OWNER_TIME = Msg("owner.time", "At what time of day may we ask you? Never at night.")
OWNER_WELCOME = Msg("owner.welcome", "Thank you! The first check-in will come on {first}.")
OWNER_DECLINED = Msg("owner.declined", "No problem. Nothing has changed.")
REMINDER = Msg(
    "owner.reminder", "A short reminder: how is “{action}” going? Tap an answer above, or send /start to see it again."
)

# ---- participants who asked for updates ----------------------------------------------------------
KEEP_ME_INFORMED = Msg("updates.offer", "Keep me informed about what happens with our ideas")
UPDATES_ON = Msg("updates.on", "You will hear what happens, at most once a week. Thank you!")
UPDATE = Msg("updates.action", "News about your ideas: “{action}” is now: {status}")
YEAR_ENDED = Msg("action.year_ended", "“{action}” has finished its year of check-ins. {ending}")
OWNER_WORDS = Msg("action.owner_words", "In the owner's words: {note}")
HELP_SPOKEN = Msg("action.help_spoken", "(a voice message, which follows)")
AGENDA_WORDS = Msg("agenda.owner_words", "   the owner said ({when}): {words}")
MACHINE_WORDS = Msg("agenda.machine_words", "   machine translation ({service}), not checked by a person: {text}")
SPOKEN = Msg("agenda.spoken", "🎤 a voice message (/agenda plays the latest)")
SUMMARY_LATELY = Msg("updates.summary_lately", "   in the last three months: {answers}")
NEWS = Msg("updates.several", "News about your ideas:")
SUMMARY = Msg("updates.summary", "What happened with the ideas of “{title}” so far:")
SUMMARY_LINE = Msg("updates.summary_line", "• {action}: {status}")
OWNER_LOST = Msg(
    "action.owner_lost",
    "The owner of “{action}” ({owner}) can no longer be reached: they stopped or blocked the bot, so no more "
    "check-ins reach them. Give the action a new owner or pause it with /actions.",
)
