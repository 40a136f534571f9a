"""The Telegram adapter: the only package that imports `telegram`."""

from bot.tg.app import build_application
from bot.tg.runner import PollingStopped, serve

__all__ = ["PollingStopped", "build_application", "serve"]
