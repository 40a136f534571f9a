"""The pages as HTML, in the viewer's language and direction: whole pages, and the parts a live page replaces."""

from __future__ import annotations

from collections.abc import Mapping

import segno
from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.app import room
from bot.app.room import RoomView
from bot.app.services import Services
from bot.domain import Msg, Phase
from bot.i18n import Translator, native_name
from bot.i18n.bidi import unmarked
from bot.web.live import Parts

FORBIDDEN = Msg(
    "page.forbidden",
    "This link does not open anything (any more). Links to these pages work for a while and for one session only: "
    "ask the coordinator for a new one.",
)
PROJECTOR_PARTS = ("phase", "join", "people", "ballots", "wall", "results")
VOTING = frozenset({Phase.PRIORITISING, Phase.CLOSED, Phase.FOLLOW_UP})
LABELS = {
    "join": room.JOIN,
    "taking_part": room.TAKING_PART,
    "by_group": room.BY_GROUP,
    "by_language": room.BY_LANGUAGE,
    "ideas": room.IDEAS,
    "no_ideas": room.NO_IDEAS,
    "ballots": room.BALLOTS,
    "results": room.RESULTS,
    "chart": room.CHART,
    "live": room.LIVE,
    "offline": room.OFFLINE,
    "language": room.LANGUAGE,
}


class Renderer:
    """Fills the templates; one per server."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc
        self.env = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(["j2"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def projector(self, view: RoomView, translator: Translator, token: str) -> web.Response:
        """The whole projector page; its script asks `token/events` for what changes."""
        parts = self.projector_parts(view, translator, token)
        page = self.env.get_template("projector.html.j2").render(
            view=view,
            parts={k: Markup(v) for k, v in parts.items()},
            token=token,
            t=self._labels(translator),
            **self._page(translator, view.offered),
        )
        return web.Response(text=page, content_type="text/html")

    def projector_parts(self, view: RoomView, translator: Translator, token: str) -> Parts:
        """Each part of the projector page, as the page's live script puts it in place."""
        context = {
            "view": view,
            "t": self._labels(translator),
            "qr": _qr(view),
            "voting": view.phase in VOTING,
            "token": token,
            "lang": translator.locale,
            "voice": lambda seconds: unmarked(translator.text(room.VOICE.with_params(seconds=seconds or 0))),
            "code": unmarked(translator.text(room.CODE.with_params(code=view.code))),
            "more": lambda count: unmarked(translator.text(room.MORE_IDEAS.with_params(count=count))),
        }
        macros = self.env.get_template("projector_parts.j2").make_module(context)
        return {name: str(getattr(macros, name)()).strip() for name in PROJECTOR_PARTS}

    def forbidden(self, translator: Translator) -> web.Response:
        """A kind refusal, in the viewer's language, for a link that does not (or no longer) open a page."""
        page = self.env.get_template("forbidden.html.j2").render(
            message=unmarked(translator.text(FORBIDDEN)), **self._page(translator, ())
        )
        return web.Response(text=page, content_type="text/html", status=403)

    def _page(self, translator: Translator, offered: tuple[str, ...]) -> Mapping[str, object]:
        """What every page's frame needs: its language and direction, and the languages it can be read in."""
        return {
            "html_lang": translator.locale.replace("_", "-"),
            "lang": translator.locale,
            "dir": "rtl" if translator.rtl else "ltr",
            "choices": [(code, native_name(code)) for code in offered],
        }

    def _labels(self, translator: Translator) -> Mapping[str, str]:
        return {name: unmarked(translator.text(message)) for name, message in LABELS.items()}


def _qr(view: RoomView) -> Markup:
    """The join link as an inline SVG QR code, sized by the page."""
    svg = segno.make(view.link, error="m").svg_inline(scale=1, border=2, omitsize=True)
    return Markup(svg)
