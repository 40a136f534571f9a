"""What the bot says to coordinators (and, for phase changes, to participants), as translatable references."""

from bot.domain import Msg, Phase

HELP = Msg(
    "help.coordinator",
    "For coordinators:\n"
    "/new – create a session\n"
    "/sessions – your sessions\n"
    "/use CODE – work on another session\n"
    "/phase – see and change the phase\n"
    "/status – live counts\n"
    "/projector – a page to show the room: how to join, the ideas as they come, the results\n"
    "/themes – add, rename or remove themes\n"
    "/sort – sort ideas into themes\n"
    "/hidden – hidden ideas\n"
    "/translate – translate the session's texts\n"
    "/record – read the question and the consent text aloud in each language\n"
    "/broadcast – send a message to all participants\n"
    "/results – what matters most, per group, with a chart\n"
    "/export – the data and the report as files\n"
    "/report – the report as a page to share\n"
    "/actions – the action agenda: add, pause, close\n"
    "/agenda – how every action is going\n"
    "/invite – invite a co-coordinator or translator\n"
    "/pool – expert pools: /pool new creates one, /pool invite invites one to this session\n"
    "/cancel – stop what you are typing",
)
HELP_ADMIN = Msg("help.admin", "For admins:\n/invite_coordinator – invite a new coordinator")

# ---- roles and invites ---------------------------------------------------------------------------
INVITE_COORDINATOR = Msg(
    "invite.coordinator", "Forward the link below to the new coordinator. It works once, until {expires}."
)
INVITE_CO = Msg(
    "invite.co_coordinator",
    "Forward the link below to a co-coordinator or translator for “{title}”. It works once, until {expires}.",
)
WELCOME_COORDINATOR = Msg(
    "invite.welcome_coordinator", "Welcome! You are now a coordinator. Send /new to create a session."
)
WELCOME_CO = Msg("invite.welcome_co", "Welcome! You can now help run “{title}”. Send /status to see how it is going.")

# ---- sessions and phases -------------------------------------------------------------------------
NEED_SESSION = Msg("session.none_active", "First create a session with /new, or pick one with /sessions.")
CREATED = Msg(
    "session.created",
    "“{title}” is ready, in the phase: {phase}.\n"
    "Join code: {code}\n\n"
    "Forward the link below, or show the QR code on the projector. "
    "When people may start, send /phase to start collecting ideas.",
)
QR_CAPTION = Msg("session.qr_caption", "Scan to join “{title}”")
SCAN_THEN_CHOOSE = Msg("session.qr_scan_choose", "Scan, then choose your language")  # on the printed sheet
SESSIONS = Msg("session.list", "Your sessions. Tap one to work on it:")
NO_SESSIONS = Msg("session.list_empty", "You have no sessions yet. Send /new to create one.")
USING = Msg("session.using", "You are now working on “{title}” ({code}).")
USE_UNKNOWN = Msg("session.use_unknown", "None of your sessions has that code. Send /sessions to see them.")
PHASE_NOW = Msg("phase.now", "“{title}” is in the phase: {phase}.")
PHASE_NEXT = Msg("phase.next_button", "Move on to: {phase}")
PHASE_LAST = Msg("phase.last", "This is the last phase.")
PHASE_BACK = Msg("phase.back_button", "Back to: {phase}")
PHASE_CONFIRM = Msg("phase.confirm", "Move “{title}” from “{current}” to “{next}”?")
# What moving to a phase does, said before the coordinator confirms it.
PHASE_EFFECTS = {
    Phase.COLLECTING: Msg(
        "phase.effect.collecting",
        "Participants can send ideas. Everyone who joined already is told so, in their own language.",
    ),
    Phase.SORTING: Msg(
        "phase.effect.sorting",
        "Participants can no longer send ideas. Nobody is messaged; you can go back to collecting later.",
    ),
    Phase.PRIORITISING: Msg(
        "phase.effect.prioritising",
        "Every participant is asked to choose what matters most, with the themes in their own language.",
    ),
    Phase.CLOSED: Msg(
        "phase.effect.closed", "Choosing stops, and every participant gets the results in their own language."
    ),
    Phase.FOLLOW_UP: Msg("phase.effect.follow_up", "Nobody is messaged. The session's actions go on as planned."),
}
PHASE_REOPEN = Msg(
    "phase.effect.reopen",
    "Participants can send ideas again, up to the limit. Nobody is messaged: tell the room.",
)
PHASE_NO_THEMES = Msg(
    "phase.no_themes",
    "“{title}” has no themes yet, so there is nothing to choose from. Add themes with /themes first.",
)
CHECK_UNSORTED = Msg("phase.check.unsorted", "⚠️ Ideas not in a theme yet: {count} (/sort).")
CHECK_FEW_THEMES = Msg("phase.check.few_themes", "⚠️ There is only one theme, so there is little to choose.")
CHECK_UNTRANSLATED = Msg(
    "phase.check.untranslated",
    "⚠️ Themes not translated into {languages}: participants reading those see them as written (/translate).",
)
CHECK_CONTINUE = Msg("phase.check.continue", "Continue anyway?")
CONFIRM = Msg("common.confirm", "Yes, go ahead")
CANCEL = Msg("common.cancel", "Cancel")
CANCELLED = Msg("common.cancelled", "Cancelled.")
PHASE_MOVED = Msg("phase.moved", "“{title}” is now in the phase: {phase}.")
TELLING = Msg("phase.telling", "Everyone who took part is being told, each in their own language.")
TOLD = Msg(
    "phase.told",
    "“{title}” ({phase}). Participants told: {told}. Could not be reached (they stopped or blocked the bot): "
    "{unreached}.",
)
NOTICE_PRIORITISING = Msg(
    "notice.prioritising",
    "News from “{title}”: the ideas are sorted into themes. You can now choose what matters most to you.",
)
NOTICE_CLOSED = Msg(
    "notice.closed", "“{title}” is now closed. Thank you for taking part! You will hear what comes of it."
)

# ---- status --------------------------------------------------------------------------------------
STATUS_TITLE = Msg("status.title", "Status of “{title}” ({phase})")
STATUS_PARTICIPANTS = Msg("status.participants", "Participants who gave consent: {count}")
STATUS_BY_GROUP = Msg("status.by_group", "By group:")
STATUS_BY_LANGUAGE = Msg("status.by_language", "By language:")
STATUS_IDEAS = Msg("status.ideas", "Ideas: {count}")
STATUS_UNSORTED = Msg("status.unsorted", "Not sorted yet: {count}")
STATUS_HIDDEN = Msg("status.hidden", "Hidden: {count}")
STATUS_VOICE = Msg("status.voice", "Voice messages still to write down: {count}")
STATUS_BY_THEME = Msg("status.by_theme", "By theme:")
STATUS_VOTES = Msg("status.votes", "Votes cast: {count}")
STATUS_UPDATED = Msg("status.updated", "Updated at {time}")
REFRESH = Msg("status.refresh", "Refresh")

# ---- themes, sorting and moderation --------------------------------------------------------------
THEMES = Msg("themes.list", "Themes of “{title}”:")
NO_THEMES = Msg("themes.none", "No themes yet.")
ADD_THEME = Msg("themes.add", "Add a theme")
RENAME_THEME = Msg("themes.rename", "Rename {theme}")
REMOVE_THEME = Msg("themes.remove", "Remove {theme}")
THEME_REMOVED = Msg("themes.removed", "Theme removed. Its ideas are unsorted again.")
SORT_CARD = Msg("sort.card", "Ideas to sort: {left} · group: {group} · language: {language}")
SORT_VOICE = Msg("sort.voice", "Voice message of {seconds} seconds")
SORT_WRITTEN = Msg("sort.written_down", "Written down or translated: {text}")
SORT_DONE = Msg("sort.done", "All ideas are sorted.")
SORTED_INTO = Msg("sort.sorted_into", "Sorted into: {theme}")
NEW_THEME = Msg("sort.new_theme", "New theme")
DUPLICATE = Msg("sort.duplicate", "Duplicate of…")
HIDE = Msg("sort.hide", "Hide")
ANNOTATE = Msg("sort.annotate", "Write down / translate")
SKIP = Msg("sort.skip", "Skip for now")
PICK_ORIGINAL = Msg("sort.pick_original", "Which idea is this a duplicate of?")
PICK_ORIGINAL_THEME = Msg("sort.pick_original_theme", "In which theme is the idea it repeats?")
MORE_ORIGINALS = Msg("sort.more_originals", "More…")
CARD_CHANGED = Msg(
    "sort.card_changed", "This idea was sorted meanwhile (perhaps by another coordinator). Here is the next one."
)
MOVE_IDEA = Msg("themes.move", "Move an idea…")
MOVE_FROM = Msg("themes.move_from", "Which theme is the idea in now?")
MOVE_PICK = Msg("themes.move_pick", "Which idea do you want to move?")
MOVE_WHERE = Msg("themes.move_where", "Where should this idea go?")
TO_UNSORTED = Msg("themes.to_unsorted", "Back to unsorted")
MOVED_UNSORTED = Msg("themes.moved_unsorted", "Back among the unsorted ideas: /sort shows it again.")
IDEA_MOVED_MEANWHILE = Msg(
    "themes.moved_meanwhile", "This idea was moved meanwhile (perhaps by another coordinator). Nothing was changed."
)
NO_SORTED = Msg("themes.nothing_sorted", "No idea is in a theme yet.")
NO_ORIGINALS = Msg("sort.no_originals", "There are no sorted ideas yet to merge with.")
MERGED = Msg("sort.merged", "Merged as a duplicate. It keeps its author and counts for the same theme.")
HIDDEN_LIST = Msg("hidden.list", "Hidden ideas:")
NO_HIDDEN = Msg("hidden.none", "No hidden ideas.")
HIDDEN_LINE = Msg("hidden.line", "{number}. {text} (reason: {reason})")
RESTORE = Msg("hidden.restore", "Restore {number}")
RESTORED = Msg("hidden.restored", "The idea is visible again.")
VOICE_PLACEHOLDER = Msg("idea.voice", "(voice message)")

# ---- translations and broadcasts -----------------------------------------------------------------
TRANSLATE_PICK = Msg("translate.pick", "Into which language do you want to translate this session's texts?")
TRANSLATE_DONE = Msg("translate.done", "Everything of this session is translated into {language}.")
UNTRANSLATED = Msg("content.untranslated", "{original} (not yet translated)")
TRANSLATE_OFFER = Msg(
    "session.translate_offer",
    "A room that opens with the question in one language loses those who read another. Translate the title and "
    "the question into the session's other languages now: /translate",
)
BROADCAST_CONFIRM = Msg(
    "broadcast.confirm", "Ready to send to {count} participants:\n\n{text}\n\nTranslated into: {languages}"
)
SEND = Msg("broadcast.send", "Send now")
BROADCAST_PROGRESS = Msg("broadcast.progress", "Sending… {sent} of {total} sent. Could not be reached: {blocked}.")
BROADCAST_DONE = Msg(
    "broadcast.done", "Sent to {sent} of {total} participants. Could not be reached (they blocked the bot): {blocked}."
)
NO_RECIPIENTS = Msg("broadcast.nobody", "Nobody has joined this session yet.")
NONE_YET = Msg("common.none", "none")

# ---- machine translation -------------------------------------------------------------------------
TRANSLATION_BY_MACHINE = Msg(
    "sort.translation_machine", "Machine translation ({service}), not checked by a person: {text}"
)
TRANSLATION_BY_PERSON = Msg("sort.translation_person", "Translation by a coordinator: {text}")
MACHINE_TRANSLATE = Msg("sort.machine_translate", "🌐 Translate by machine")
MACHINE_ASKED = Msg("sort.machine_asked", "Asked for a machine translation: it comes as a message when it is ready.")
MACHINE_CANNOT = Msg("sort.machine_cannot", "The translation service cannot translate this idea's language.")
MACHINE_IDEA_DONE = Msg(
    "machine.idea_done",
    "Machine translation of the idea “{original}”:\n\n{text}\n\n"
    "No person has checked it: correct it with “Write down / translate” in /sort.",
)
MACHINE_DRAFTS_DONE = Msg(
    "machine.drafts_done",
    "Machine drafts of this session's texts are ready ({count}). Check them with /translate: until a person "
    "confirms them, they are marked as machine-made.",
)
MACHINE_UNSUPPORTED = Msg(
    "machine.unsupported", "{service} cannot translate between these languages: {languages}. Nothing was sent again."
)
MACHINE_DRAFT_ALL = Msg("translate.machine_all", "🌐 Machine drafts of every missing text")
MACHINE_DRAFTS_ASKED = Msg(
    "translate.machine_asked", "Asked {service} for drafts of every missing text: they come as a message when ready."
)
MACHINE_AUTO_ON = Msg("translate.auto_on", "Ideas translated as they come: on (tap to switch off)")
MACHINE_AUTO_OFF = Msg("translate.auto_off", "Ideas translated as they come: off (tap to switch on)")
MACHINE_AUTO_SWITCHED = Msg(
    "translate.auto_switched",
    "Ideas and check-in answers in other languages are now machine-translated into the session's language as "
    "they come.",
)
MACHINE_DEMAND_SWITCHED = Msg(
    "translate.demand_switched", "Ideas are now machine-translated only when you ask, with the button in /sort."
)

# ---- spoken prompts (/record) --------------------------------------------------------------------
RECORD_PICK = Msg(
    "record.pick",
    "For participants who read little, the question and the consent text can be read aloud in each language: they "
    "get the recording together with the text. In which language do you want to record?",
)
RECORD_MENU = Msg("record.menu", "Recordings in {language} (✓: recorded):")
RECORD_QUESTION = Msg("record.question", "🎙 The question")
RECORD_CONSENT = Msg("record.consent", "🎙 The consent text")
RECORD_REMOVE = Msg("record.remove", "🗑 Remove the recordings in this language")
RECORD_REMOVED = Msg("record.removed", "The recordings in {language} are removed: participants get the text only.")
