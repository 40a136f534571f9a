"""Results in people's languages: /results with the group comparison chart, and each participant's own result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import CallbackContext

from bot.domain import Msg, Session, Text, Theme, Verbatim, translated
from bot.domain.results import OTHER, GroupResult, Method, Results, Vote, compute
from bot.i18n import Translator
from bot.reports import Column, comparison_chart
from bot.storage import CoordinatorRecord
from bot.tg.authority import active_session, coordinators_only
from bot.tg.dedupe import mark_handled
from bot.tg.journey import view_of
from bot.tg.notify import Tally
from bot.tg.render import send
from bot.tg.services import services
from bot.tg.wizard import translator_for

Context = CallbackContext[Any, Any, Any, Any]
TOP = 3

EVERYONE = Msg("results.everyone", "Everyone")
OTHER_GROUPS = Msg("results.other_groups", "Other groups")
TITLE = Msg("results.title", "Results of “{title}” ({count} voted)")
NO_VOTES = Msg("results.none", "Nobody has voted yet.")
ORDER_OF = Msg("results.order_of", "{group} ({count} voted):")
AGREEMENT = Msg(
    "results.agreement", "Agreement between {group_a} and {group_b}: {tau} (1 = the same order, −1 = the opposite)"
)
DIFFERENCE = Msg("results.difference", "{theme}: number {rank_a} for {group_a}, number {rank_b} for {group_b}")
DIFFERENCES = Msg("results.differences", "Where the groups differ most:")
POOLED = Msg("results.pooled", "Groups with fewer than 3 voters are counted together as “other groups”: {groups}")
LEFT_OUT = Msg("results.left_out", "Groups with fewer than 3 voters are not shown separately: {groups}")
CHART_TITLE = Msg("results.chart_title", "What matters most, per group")
RANK = Msg("results.rank", "No. ")
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


@dataclass(frozen=True)
class SessionResults:
    """A session's results and how to name its themes and groups in any language."""

    session: Session
    themes: tuple[Theme, ...]
    translations: Any
    results: Results

    def theme(self, theme_id: str, locale: str | None) -> str:
        """A theme's name (with its emoji) in a language, falling back to the original."""
        theme = next((t for t in self.themes if str(t.id) == theme_id), None)
        if theme is None:
            return theme_id
        name = translated(theme.subject, theme.name, self.session.source_locale, locale, self.translations)
        return f"{theme.emoji} {name or theme.name}" if theme.emoji else (name or theme.name)

    def group(self, group_id: str, translator: Translator) -> str:
        """A group's name in a language ("all" and the pooled small groups included)."""
        if group_id == "all":
            return translator.text(EVERYONE)
        if group_id == OTHER:
            return translator.text(OTHER_GROUPS)
        found = next((g for g in self.session.groups if g.id == group_id), None)
        if found is None:
            return group_id
        if found.name is None:
            return translator.text(found.label)
        name = translated(
            f"group:{found.id}", found.name, self.session.source_locale, translator.locale, self.translations
        )
        return name or found.name


async def results_of(context: Context, session: Session) -> SessionResults:
    """Compute a session's results from its votes (hidden ideas play no part in voting)."""
    svc = services(context)
    view = await view_of(context, session)
    votes = [Vote(v.pseudonym, v.group_id, v.payload) for v in await svc.repo.votes(session.id)]
    themes = [str(t.id) for t in view.themes]
    return SessionResults(session, view.themes, view.translations, compute(Method(session.voting), votes, themes))


def _order_lines(found: SessionResults, result: GroupResult, locale: str | None, top: int | None = None) -> list[str]:
    shown = result.order[:top] if top else result.order
    return [f"{n}. {found.theme(theme, locale)}" for n, theme in enumerate(shown, 1)]


def summary(found: SessionResults, translator: Translator) -> str:
    """The coordinator's text summary: overall and per-group orders, agreement and the largest differences."""
    results, locale = found.results, translator.locale
    if results.overall.voters == 0:
        return translator.render(NO_VOTES)
    lines = [translator.text(TITLE.with_params(title=found.session.title, count=results.overall.voters)), ""]
    for result in (results.overall, *results.groups):
        lines.append(
            translator.text(ORDER_OF.with_params(group=found.group(result.group, translator), count=result.voters))
        )
        lines += [*_order_lines(found, result, locale), ""]
    if results.pooled:
        names = ", ".join(found.group(g, translator) for g in results.pooled)
        lines.append(translator.text(POOLED.with_params(groups=names)))
    if results.left_out:
        names = ", ".join(found.group(g, translator) for g in results.left_out)
        lines.append(translator.text(LEFT_OUT.with_params(groups=names)))
    for group_a, group_b, tau in results.agreement:
        params = {"group_a": found.group(group_a, translator), "group_b": found.group(group_b, translator)}
        lines.append(translator.text(AGREEMENT.with_params(tau=round(tau, 2), **params)))
    if results.differences:
        lines += ["", translator.text(DIFFERENCES)]
        lines += [f"• {difference_sentence(found, d, translator)}" for d in results.differences]
    return translator.directed("\n".join(lines).strip())


def difference_sentence(found: SessionResults, difference: Any, translator: Translator) -> str:
    """ "Language: number 1 for newcomers, number 3 for professionals"."""
    return translator.text(
        DIFFERENCE.with_params(
            theme=found.theme(difference.theme, translator.locale),
            rank_a=difference.rank_a,
            group_a=found.group(difference.group_a, translator),
            rank_b=difference.rank_b,
            group_b=found.group(difference.group_b, translator),
        )
    )


def chart(found: SessionResults, translator: Translator) -> bytes:
    """The comparison chart, labelled in the translator's language."""
    columns = [
        Column(found.group(r.group, translator), r.order) for r in (found.results.overall, *found.results.groups)
    ]
    labels = {str(t.id): found.theme(str(t.id), translator.locale) for t in found.themes}
    return comparison_chart(columns, labels, translator.text(CHART_TITLE), translator.text(RANK))


@coordinators_only
async def on_results(update: Update, context: Context, record: CoordinatorRecord) -> None:
    """`/results`: the summary and the group comparison chart."""
    session = await active_session(update, context, record)
    if session is None:
        return
    translator = translator_for(update, context, record)
    found = await results_of(context, session)
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, summary(found, translator))
    if found.results.overall.voters:
        await context.bot.send_photo(chat.id, chart(found, translator))
    await mark_handled(update, context)


def for_participant(found: SessionResults, group_id: str | None, translator: Translator) -> Text:
    """What one participant hears when the session closes: the top themes, their group's, and how it differed."""
    results, locale = found.results, translator.locale
    lines = [translator.text(FOR_YOU.with_params(title=found.session.title))]
    lines += _order_lines(found, results.overall, locale, TOP)
    mine = results.group(group_id) if group_id else None
    if mine is None and group_id in results.pooled:
        mine = results.group(OTHER)
    if mine is None:
        lines += ["", translator.text(YOUR_GROUP_SMALL)]
    else:
        lines += ["", translator.text(FOR_YOUR_GROUP.with_params(group=found.group(mine.group, translator)))]
        lines += _order_lines(found, mine, locale, TOP)
        widest = max(results.overall.order, key=lambda t: abs(mine.rank(t) - results.overall.rank(t)))
        if mine.rank(widest) == results.overall.rank(widest):
            lines += ["", translator.text(YOUR_GROUP_AGREES)]
        else:
            sentence = YOUR_GROUP_DIFFERS.with_params(
                theme=found.theme(widest, locale), mine=mine.rank(widest), all=results.overall.rank(widest)
            )
            lines += ["", translator.text(sentence)]
    return Verbatim("\n".join(lines))


async def tell_participants(context: Context, session: Session) -> Tally:
    """Closing: each participant gets the results in their own language."""
    svc = services(context)
    found = await results_of(context, session)
    tally = Tally(total=0)
    for telegram_id, membership in await svc.repo.reachable_members(session.id):
        tally.total += 1
        translator = svc.translator_for(membership.participant.locale, None)
        try:
            await send(context.bot, telegram_id, for_participant(found, membership.group_id, translator), translator)
            tally.sent += 1
        except (Forbidden, BadRequest):
            tally.blocked += 1
    return tally
