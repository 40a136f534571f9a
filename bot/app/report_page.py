"""`/report`: a link to the session's report as a page, to share with directors and partners; it is the same
document as the HTML and Markdown exports, in the reader's language, and current whenever it is opened."""

from __future__ import annotations

from bot.app.dispatch import Access, command
from bot.app.room import send_page_link
from bot.app.step import Step
from bot.domain import Msg, Session
from bot.domain.grant import PageRole
from bot.storage.roles import Coordinator

REPORT_LINK = Msg(
    "report.page_link",
    "The report of “{title}” as a page, to share: open the link below, or pass it on to whoever should read it. It "
    "shows what stands out, your introduction, the quotes you marked on the board, the results and how the actions "
    "are going, in the reader's language, and is current whenever it is opened. It shows no code names. The link "
    "works until {expires}.",
)


@command("report", Access.SESSION)
def on_report(step: Step, record: Coordinator, session: Session) -> None:
    """`/report`: a signed, read-only link to the session's report page."""
    send_page_link(step, session, PageRole.REPORT, REPORT_LINK)
