"""A local stand-in for the Telegram Bot API, simulated people, and a terminal chat to try the bot."""

from bot.sandbox.params import ApiError
from bot.sandbox.people import NoReply, SandboxUser, add_person
from bot.sandbox.server import StandIn
from bot.sandbox.terminal import TerminalChat, stdin_lines
from bot.sandbox.world import ChatMessage

__all__ = ["ApiError", "ChatMessage", "NoReply", "SandboxUser", "StandIn", "TerminalChat", "add_person", "stdin_lines"]
