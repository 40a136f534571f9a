"""Results in people's languages: /results with the group comparison chart, /export, and each participant's own
result when the session closes (made when sent, from the votes as they stand)."""

from __future__ import annotations

from bot.app.dispatch import Access, command
from bot.app.step import Step
from bot.domain import Msg, Session
from bot.domain.results import OTHER, GroupResult
from bot.exports import SessionResults, file_names, mark
from bot.i18n import Translator
from bot.storage.roles import Coordinator

TOP = 3

TITLE = Msg("results.title", "Results of “{title}” ({count} voted)")
NO_VOTES = Msg("results.none", "Nobody has voted yet.")
ORDER_OF = Msg("results.order_of", "{group} ({count} voted):")
DIFFERENCES = Msg("results.differences", "Where the groups differ most:")
FOR_YOU = Msg(
    "results.for_you", "“{title}” is closed. Thank you for taking part! This is what matters most to everyone together:"
)
FOR_YOUR_GROUP = Msg("results.for_your_group", "And to your group ({group}):")
YOUR_GROUP_DIFFERS = Msg(
    "results.your_group_differs", "Your group put {theme} at number {mine}; everyone together put it at number {all}."
)
YOUR_GROUP_AGREES = Msg("results.your_group_agrees", "Your group chose the same order as everyone together.")
YOUR_GROUP_SMALL = Msg(
    "results.your_group_small", "Fewer than 3 people of your group voted, so its result is not shown on its own."
)


def _order_lines(
    found: SessionResults, result: GroupResult, translator: Translator, top: int | None = None
) -> list[str]:
    """ "2. Werk · 13 pt" per theme, "=2." where two share a place."""
    shown = result.order[:top] if top else result.order
    return [
        f"{mark(result, theme)}. {found.theme(theme, translator.locale)} · {found.score(result, theme, translator)}"
        for theme in shown
    ]


def summary(found: SessionResults, translator: Translator) -> str:
    """The coordinator's text summary: overall and per-group orders, agreement and the largest differences."""
    results = found.results
    if results.overall.voters == 0:
        return translator.render(NO_VOTES)
    title = found.title(translator.locale)
    lines = [translator.text(TITLE.with_params(title=title, count=results.overall.voters)), ""]
    for result in (results.overall, *results.groups):
        lines.append(
            translator.text(ORDER_OF.with_params(group=found.group(result.group, translator), count=result.voters))
        )
        lines += [*_order_lines(found, result, translator), ""]
    lines += found.legend(translator) + found.notes(translator)
    if results.differences:
        lines += ["", translator.text(DIFFERENCES)]
        lines += [f"• {found.difference(d, translator)}" for d in results.differences]
    return translator.directed("\n".join(lines).strip())


def for_participant(found: SessionResults, group_id: str | None, translator: Translator) -> str:
    """What one participant hears when the session closes: the top themes, their group's, and how it differed."""
    results, locale = found.results, translator.locale
    lines = [translator.text(FOR_YOU.with_params(title=found.title(locale)))]
    lines += _order_lines(found, results.overall, translator, TOP)
    mine = results.group(group_id) if group_id else None
    if mine is None and group_id in results.pooled:
        mine = results.group(OTHER)
    if mine is None:
        lines += ["", translator.text(YOUR_GROUP_SMALL)]
    else:
        lines += ["", translator.text(FOR_YOUR_GROUP.with_params(group=found.group(mine.group, translator)))]
        lines += _order_lines(found, mine, translator, TOP)
        widest = mine.widest_gap(results.overall)
        if widest is None:
            lines += ["", translator.text(YOUR_GROUP_AGREES)]
        else:
            sentence = YOUR_GROUP_DIFFERS.with_params(
                theme=found.theme(widest, locale), mine=mine.rank(widest), all=results.overall.rank(widest)
            )
            lines += ["", translator.text(sentence)]
    return "\n".join(lines)


@command("results", Access.SESSION)
def on_results(step: Step, record: Coordinator, session: Session) -> None:
    """`/results`: the summary and the group comparison chart, made when they are sent."""
    step.attach("view", kind="results", session=session.id)
    step.attach("photo", kind="results_chart", session=session.id)


@command("export", Access.SESSION)
def on_export(step: Step, record: Coordinator, session: Session) -> None:
    """`/export`: the workbook and the report to open on the phone, and one archive with every file."""
    for name, made_by in file_names(step.conn, session):
        step.attach("document", kind="export", session=session.id, name=name, format=made_by)
