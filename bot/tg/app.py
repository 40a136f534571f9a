"""The PTB Application, built from configuration, with every handler in place."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.tg import (
    agenda,
    content,
    coord_buttons,
    handlers,
    journey,
    pool_admin,
    pools,
    privacy,
    results_view,
    routes,
    session_admin,
    sorting,
)
from bot.tg.dedupe import skip_handled
from bot.tg.errors import on_error
from bot.tg.http import AiohttpRequest
from bot.tg.ordering import MAX_CONCURRENT, PerChatOrder
from bot.tg.ratelimit import PrivateChatRateLimiter
from bot.tg.services import KEY, Services

BotApplication = Application[Any, Any, Any, Any, Any, Any]

# New messages in private chats; edits and group chatter are handled elsewhere or not at all.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
CONCURRENT_UPDATES = PerChatOrder


COORDINATOR_COMMANDS = {
    "new": session_admin.on_new,
    "sessions": session_admin.on_sessions,
    "use": session_admin.on_use,
    "phase": session_admin.on_phase,
    "status": session_admin.on_status,
    "invite": session_admin.on_invite,
    "invite_coordinator": session_admin.on_invite_coordinator,
    "cancel": session_admin.on_cancel,
    "themes": sorting.on_themes,
    "sort": sorting.on_sort,
    "hidden": sorting.on_hidden,
    "translate": content.on_translate,
    "broadcast": content.on_broadcast,
    "results": results_view.on_results,
    "export": results_view.on_export,
    "actions": agenda.on_actions,
    "agenda": agenda.on_agenda,
    "pool": pool_admin.on_pool,
}


def build_application(services: Services, limits: Mapping[str, float] | None = None) -> BotApplication:
    """An Application talking to the configured Bot API, rate-limited, with all handlers.

    `limits` overrides AIORateLimiter's rates (tests make a second pass in a shorter time)."""
    limits = dict(limits or {})
    config = services.config
    application: BotApplication = (
        ApplicationBuilder()
        .token(config.require_token())
        .base_url(config.api_url)
        .base_file_url(config.file_url)
        .rate_limiter(PrivateChatRateLimiter(max_retries=2, **limits))
        .request(AiohttpRequest(connection_pool_size=2 * MAX_CONCURRENT))
        # Two connections for polling, so the last confirmation on shutdown never waits for the long poll.
        .get_updates_request(AiohttpRequest(connection_pool_size=2))
        .concurrent_updates(CONCURRENT_UPDATES())
        .build()
    )
    application.bot_data[KEY] = services
    application.add_handler(TypeHandler(Update, skip_handled), group=-1)
    application.add_handler(CommandHandler("start", handlers.on_start, filters=PRIVATE))
    application.add_handler(CommandHandler("help", handlers.on_help, filters=PRIVATE))
    application.add_handler(CommandHandler("language", handlers.on_language, filters=PRIVATE))
    application.add_handler(CommandHandler("vote", journey.on_vote, filters=PRIVATE))
    application.add_handler(CommandHandler("mydata", privacy.on_mydata, filters=PRIVATE))
    application.add_handler(CommandHandler("forgetme", privacy.on_forgetme, filters=PRIVATE))
    application.add_handler(CommandHandler("history", pools.on_history, filters=PRIVATE))
    application.add_handler(CommandHandler("leave", pools.on_leave, filters=PRIVATE))
    for name, command in COORDINATOR_COMMANDS.items():
        application.add_handler(CommandHandler(name, command, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(handlers.on_language_button, pattern=f"^{handlers.LANGUAGE_ACTION}"))
    application.add_handler(
        CallbackQueryHandler(coord_buttons.on_coordinator_button, pattern=f"^{coord_buttons.PREFIX}")
    )
    application.add_handler(CallbackQueryHandler(agenda.on_owner_button, pattern=f"^{agenda.OWNER_ACTION}"))
    application.add_handler(CallbackQueryHandler(privacy.on_forget_button, pattern=f"^{privacy.FORGET}"))
    application.add_handler(CallbackQueryHandler(pools.on_invitation_button, pattern=f"^{pools.INVITATION_ACTION}"))
    application.add_handler(CallbackQueryHandler(pools.on_leave_button, pattern=f"^{pools.LEAVE_ACTION}"))
    application.add_handler(CallbackQueryHandler(journey.on_updates_opt_in, pattern=f"^{results_view.OPT_IN}$"))
    application.add_handler(CallbackQueryHandler(routes.on_press))
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, handlers.on_unknown_command))
    application.add_handler(MessageHandler(PRIVATE, routes.on_private_message))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE, journey.on_edited_message)
    )
    application.add_handler(ChatMemberHandler(handlers.on_added_to_group, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_error_handler(on_error)
    return application
