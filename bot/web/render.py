"""The pages as HTML, in the viewer's language and direction: whole pages, and the parts a live page replaces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import segno
from aiohttp import web
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bot.app import board, room, suggesting
from bot.app import coord_texts as say
from bot.app.board import BoardView, theme_title
from bot.app.room import RoomView
from bot.app.services import Services
from bot.app.suggesting import IDEAS_IN_GROUP
from bot.domain import Msg, Phase, Theme
from bot.i18n import Translator, native_name
from bot.i18n.bidi import unmarked
from bot.suggest import Suggestion
from bot.web.live import Parts

FORBIDDEN = Msg(
    "page.forbidden",
    "This link does not open anything (any more). Links to these pages work for a while and for one session only: "
    "ask the coordinator for a new one.",
)
FAILED = Msg("page.failed", "That did not work. Please try again.")
PROJECTOR_PARTS = ("phase", "join", "people", "ballots", "wall", "results")
BOARD_PARTS = ("columns", "hidden", "actions")
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
    "failed": FAILED,
    "unsorted": board.UNSORTED,
    "hidden": board.HIDDEN,
    "repeats": board.REPEATS,
    "move_to": board.MOVE_TO,
    "duplicate": say.DUPLICATE,
    "duplicate_hint": board.DUPLICATE_HINT,
    "hide": say.HIDE,
    "restore": board.RESTORE,
    "separate": board.SEPARATE,
    "add_themes": board.ADD_THEMES,
    "add": board.ADD,
    "rename": board.RENAME,
    "rename_prompt": board.RENAME_PROMPT,
    "other_reason": board.OTHER_REASON,
    "cancel": board.CANCEL,
    "written": board.WRITTEN,
    "quote": board.QUOTE,
    "unquote": board.UNQUOTE,
    "quoted": board.QUOTED,
    "introduction": board.INTRODUCTION,
    "save": board.SAVE,
    "suggest": suggesting.SUGGEST,
    "suggested": suggesting.SUGGESTED,
    "example": suggesting.EXAMPLE,
    "name": suggesting.NAME,
    "make_theme": suggesting.MAKE_THEME,
    "add_to": suggesting.ADD_TO,
    "leave": suggesting.LEAVE,
    "too_few": suggesting.TOO_FEW,
    "working": suggesting.WORKING,
    "no_model": suggesting.NO_MODEL,
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
        return self._live_page("projector.html.j2", parts, translator, view.offered, view=view, token=token)

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
        return self._parts("projector_parts.j2", PROJECTOR_PARTS, context)

    def board(self, view: BoardView, translator: Translator, token: str, key: str) -> web.Response:
        """The whole sorting board; `key` goes back with every change it asks for."""
        parts = self.board_parts(view, translator, token)
        return self._live_page("board.html.j2", parts, translator, view.offered, view=view, token=token, key=key)

    def board_parts(self, view: BoardView, translator: Translator, token: str) -> Parts:
        """Each live part of the board."""
        context = {
            "view": view,
            "t": self._labels(translator),
            "token": token,
            "voice": lambda seconds: unmarked(translator.text(say.SORT_VOICE.with_params(seconds=seconds or 0))),
        }
        return self._parts("board_parts.j2", BOARD_PARTS, context)

    def app_shell(self, translator: Translator, session: str) -> web.Response:
        """The Mini App's first page, which hands Telegram's launch data on and opens the board."""
        page = self.env.get_template("app.html.j2").render(
            session=session, refused=unmarked(translator.text(FORBIDDEN)), root="../..", **self._page(translator, ())
        )
        return web.Response(text=page, content_type="text/html")

    def suggestions(
        self,
        groups: Sequence[Suggestion],
        words: Mapping[int, str],
        existing: Sequence[Theme],
        translator: Translator,
        model_here: bool,
    ) -> str:
        """The panel of suggested groups: each with an example, a name to give it, or a theme to add it to."""
        found = [
            (g, words.get(g.representative, ""), translator.text(IDEAS_IN_GROUP.with_params(count=len(g.ideas))))
            for g in groups
        ]
        return str(
            self.env.get_template("suggestions.j2").render(
                groups=[(g, example, unmarked(count)) for g, example, count in found],
                existing=[(t.id, theme_title(t)) for t in existing],
                t=self._labels(translator),
                model_here=model_here,
            )
        ).strip()

    def forbidden(self, translator: Translator) -> web.Response:
        """A kind refusal, in the viewer's language, for a link that does not (or no longer) open a page."""
        page = self.env.get_template("forbidden.html.j2").render(
            message=unmarked(translator.text(FORBIDDEN)), **self._page(translator, ())
        )
        return web.Response(text=page, content_type="text/html", status=403)

    def _live_page(
        self, template: str, parts: Parts, translator: Translator, offered: tuple[str, ...], **values: object
    ) -> web.Response:
        """A page whose parts its script keeps current, first filled with them as they are now."""
        page = self.env.get_template(template).render(
            parts={k: Markup(v) for k, v in parts.items()},
            t=self._labels(translator),
            **self._page(translator, offered),
            **values,
        )
        return web.Response(text=page, content_type="text/html")

    def _parts(self, template: str, names: tuple[str, ...], context: Mapping[str, object]) -> Parts:
        """Each named macro of a parts template, rendered: what a live page's parts hold now."""
        macros = self.env.get_template(template).make_module(dict(context))
        return {name: str(getattr(macros, name)()).strip() for name in names}

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
