"""A local stand-in for the Telegram Bot API, simulated people, and a terminal chat to try the bot."""

from bot.sandbox.faults import Fault, Unreliable
from bot.sandbox.params import ApiError
from bot.sandbox.people import NoReply, SandboxUser, add_person
from bot.sandbox.server import StandIn
from bot.sandbox.terminal import SandboxCommand, TerminalChat, stdin_lines
from bot.sandbox.world import ChatMessage

__all__ = [
    "ApiError",
    "ChatMessage",
    "Fault",
    "NoReply",
    "SandboxCommand",
    "SandboxUser",
    "StandIn",
    "TerminalChat",
    "Unreliable",
    "add_person",
    "stdin_lines",
]
