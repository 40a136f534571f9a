"""What the bot says about expert pools, to members and to coordinators."""

from bot.domain import Msg

# ---- members --------------------------------------------------------------------------------------
ALREADY_MEMBER = Msg(
    "pool.already", "You are already a member of the expert pool “{pool}”. Send /leave if you want to leave it."
)
INVITATION = Msg("pool.invitation", "You are invited, as a member of the expert pool “{pool}”, to a new consultation:")
INVITATION_CHOICE = Msg(
    "pool.invitation_choice",
    "Would you like to take part? If not, tap “Not this time” or simply ignore this message: "
    "that has no consequences at all.",
)
LAST_TIME = Msg("pool.last_time", "The pool was consulted on this topic before, in “{title}”. What came of it:")
NOTHING_DONE = Msg("pool.nothing_done", "No actions have been recorded yet.")
TAKE_PART = Msg("pool.take_part", "Take part")
NOT_NOW = Msg("pool.not_now", "Not this time")
NOT_NOW_OK = Msg("pool.not_now_ok", "No problem. You stay in the pool, and nothing changes.")
INVITATION_CLOSED = Msg("pool.invitation_closed", "This consultation no longer takes new participants.")
LEAVE_NONE = Msg("pool.leave_none", "You are not a member of an expert pool.")
LEAVE_WHICH = Msg("pool.leave_which", "Which expert pool do you want to leave?")
LEFT = Msg(
    "pool.left",
    "You have left the expert pool “{pool}”. You will receive no more invitations from it. "
    "What you gave in consultations stays; /forgetme removes that too.",
)

# ---- /history --------------------------------------------------------------------------------------
HISTORY_NONE = Msg("history.none", "You have not taken part in a consultation yet.")
HISTORY_SESSION = Msg("history.session", "“{title}” ({phase})")
HISTORY_IDEAS = Msg("history.ideas", "What you gave:")
HISTORY_NO_IDEAS = Msg("history.no_ideas", "You did not send ideas.")
HISTORY_VOICE = Msg("history.voice", "a voice message")
HISTORY_RESULT = Msg("history.result", "What mattered most to everyone:")
HISTORY_OPEN = Msg("history.open", "The consultation is still going on; the results follow when it closes.")
HISTORY_ACTIONS = Msg("history.actions", "What is being done:")

# ---- coordinators ------------------------------------------------------------------------------------
CREATED = Msg(
    "pool.created",
    "The expert pool “{pool}” ({region}) is ready. People join it with the link below or the QR code.",
)
QR_CAPTION = Msg("pool.qr_caption", "Join the expert pool “{pool}”")
POOLS = Msg("pool.list", "Your expert pools. Tap one to see who is in it and how its consultations went.")
NO_POOLS = Msg("pool.list_none", "You have no expert pools yet. Send /pool new to create one.")
OVERVIEW = Msg("pool.overview", "Expert pool “{pool}” ({region}). Members: {count}")
BY_LANGUAGE = Msg("pool.by_language", "Language")
BY_GROUP = Msg("pool.by_group", "Group")
NOT_ANSWERED = Msg("pool.not_answered", "not answered")
FOLDED = Msg("pool.folded", "others, fewer than 3 each: {count}")
SMALL_CELLS = Msg("pool.small_cells", "Answers given by fewer than 3 people are not shown on their own.")
CONSULTATIONS = Msg("pool.consultations", "Consultations:")
CONSULTATION_LINE = Msg("pool.consultation_line", "“{title}”: invited {invited}, took part {accepted} ({rate}%)")
NO_CONSULTATIONS = Msg("pool.no_consultations", "The pool has not been consulted yet.")
LINK_BUTTON = Msg("pool.link_button", "Link and QR code")
EXPORT_BUTTON = Msg("pool.export_button", "Export statistics")
INVITE_OFFER = Msg(
    "pool.invite_offer", "Invite an expert pool to “{title}”? Its members get an invitation in their own language."
)
INVITE_BUTTON = Msg("pool.invite_button", "Invite “{pool}”")
AUDIENCE_ASK = Msg("pool.audience_ask", "Whom of “{pool}” do you invite to “{title}”?")
EVERYONE = Msg("pool.everyone", "Everyone")
INTERESTED_IN = Msg("pool.interested_in", "Interested in: {topic}")
WITH_ANSWER = Msg("pool.with_answer", "{field}: {answer}")
FEWER_THAN_3 = Msg("pool.fewer_than_3", "fewer than 3")
CONFIRM_INVITE = Msg(
    "pool.confirm_invite",
    "Members who will be invited: {count}. Left out because they reached the monthly maximum: {over}. "
    "Send the invitations?",
)
SEND_INVITATIONS = Msg("pool.send", "Send invitations")
INVITATIONS_SENT = Msg("pool.sent", "The invitations are on their way to {count} members of “{pool}”.")
NOBODY_TO_INVITE = Msg("pool.nobody", "Nobody in this part of the pool can be invited now.")
USAGE = Msg(
    "pool.usage",
    "/pool new creates an expert pool, /pool lists yours, and /pool invite invites one to your current session.",
)
TRANSLATE_BUTTON = Msg("pool.translate", "Translate")
TRANSLATE_PICK = Msg(
    "pool.translate_pick", "Into which language do you want to translate the pool's name, region and description?"
)
TRANSLATE_DONE = Msg("pool.translate_done", "The words of “{pool}” are translated into {language}.")
MACHINE_DRAFTS_DONE = Msg(
    "pool.machine_drafts_done",
    "Machine drafts of the pool's name, region and description are ready ({count}). Check them with /pool, then "
    "Translate: until a person confirms them, they are marked as machine-made.",
)
