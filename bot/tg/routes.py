"""Where a private message or button press goes: a coordinator's open prompt first, then joining a pool,
else the participant's flow."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CallbackContext

from bot.tg import journey, pools, wizard

Context = CallbackContext[Any, Any, Any, Any]


async def on_private_message(update: Update, context: Context) -> None:
    """A message that is not a command."""
    if not await wizard.on_message(update, context) and not await pools.on_message(update, context):
        await journey.on_flow_message(update, context)


async def on_press(update: Update, context: Context) -> None:
    """A button press that is neither a language choice nor a coordinator button."""
    if not await wizard.on_press(update, context) and not await pools.on_press(update, context):
        await journey.on_flow_press(update, context)
