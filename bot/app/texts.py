"""The bot's own messages that do not belong to a flow, as translatable references."""

from bot.domain import Msg

WELCOME = Msg(
    "start.welcome",
    "Welcome to inspraak! Here you can share your ideas and priorities in your own language.\n\n"
    "To take part in a session, open the link or scan the QR code that your coordinator shared. "
    "Send /help to see what you can do.",
)
HELP = Msg(
    "help.text",
    "What you can do:\n"
    "/start – start, or join a session with its link\n"
    "/language – choose your language\n"
    "/vote – choose what matters most (while voting is open)\n"
    "/history – the consultations you took part in, and what came of them\n"
    "/leave – leave an expert pool\n"
    "/mydata – see everything inspraak holds about you\n"
    "/forgetme – have everything about you removed\n"
    "/help – show this message",
)
CHOOSE_LANGUAGE = Msg("language.choose", "Choose your language:")
LANGUAGE_CHOSEN = Msg("language.chosen", "Your language is now {language}.")
BUTTON_EXPIRED = Msg("button.expired", "This button has expired.")
UNKNOWN_COMMAND = Msg("unknown.command", "Sorry, I don't know that command. Send /help to see what you can do.")
NOTHING_TO_DO = Msg(
    "unknown.message",
    "I can't do anything with this message yet. To take part, open the link your coordinator shared, or send /help.",
)
TRY_AGAIN = Msg("error.retry", "Sorry, something went wrong on our side. Please try again in a moment.")
PRIVATE_ONLY = Msg(
    "group.private_only",
    "Hello! I only work in private chats, so that nobody's ideas are shown to a group. "
    "Open a private chat with me to take part.",
)

# Descriptions in the command menu of Telegram apps, per language.
MENU = (
    ("start", Msg("command.start", "Start, or join a session")),
    ("help", Msg("command.help", "What you can do")),
    ("language", Msg("command.language", "Choose your language")),
    ("vote", Msg("command.vote", "Choose what matters most")),
    ("ideas", Msg("command.ideas", "See what others said")),
    ("history", Msg("command.history", "Consultations you took part in")),
    ("leave", Msg("command.leave", "Leave an expert pool")),
    ("mydata", Msg("command.mydata", "See what is held about you")),
    ("forgetme", Msg("command.forgetme", "Have everything about you removed")),
)
OUTSIDE_TRANSLATION = Msg(
    "consent.outside_translation",
    "So that coordinators can read them in their language, your written words are sent to a translation "
    "service ({service}).",
)
OUTSIDE_TRANSCRIPTION = Msg(
    "consent.outside_transcription",
    "Your voice messages are sent to a transcription service ({service}) to be written down.",
)
OUTSIDE_BOTH = Msg("consent.outside_both", "{translation}\n{transcription}")
