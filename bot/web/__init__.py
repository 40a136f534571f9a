"""The web side of the bot: pages for the room, served from the bot process, reached by signed links."""

from bot.web.server import listening_socket, pages

__all__ = ["listening_socket", "pages"]
