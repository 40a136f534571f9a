"""A session's data as files people use: CSV and XLSX tables, the report (HTML, Markdown) and the chart.

Used by /export in the chat and `inspraak export` on the command line. Nothing in it names a person other
than by pseudonym, and hidden ideas are left out, as moderation intends.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any

from bot.domain import PROGRESS_NAMES, Action, Msg, Progress, Session, Theme, translated
from bot.domain.results import OTHER, Difference, GroupResult, Method, Results, Vote, agreement_band, compute
from bot.exports.agenda_chart import agenda_picture
from bot.i18n import Catalogs, Translator
from bot.i18n.bidi import unmarked
from bot.reports import (
    ActionLine,
    Checkpoint,
    Column,
    IdeaLine,
    ReportData,
    Section,
    Table,
    comparison_chart,
    html,
    markdown,
    to_csv,
    to_xlsx,
)
from bot.storage import Conn, actions, ideas, members, sessions, themes, translations, votes
from bot.storage.actions import CheckinRecord
from bot.storage.ideas import ExportIdea

FORMATS = ("csv", "xlsx", "html", "md", "png", "zip")  # png: the group comparison chart; zip: all of them

EVERYONE = Msg("results.everyone", "Everyone")
OTHER_GROUPS = Msg("results.other_groups", "Other groups")
CHART_TITLE = Msg("results.chart_title", "What matters most, per group")
RANK = Msg("results.rank", "No. ")
DIFFERENCE = Msg("results.difference", "{theme}: number {rank_a} for {group_a}, number {rank_b} for {group_b}")
AGREEMENT = Msg(
    "results.agreement",
    "{group_a} and {group_b}: {meaning} (agreement {tau}; 1 = the same order, −1 = the opposite order)",
)
AGREEMENT_WORDS = {
    2: Msg("results.agreement.2", "largely agree"),
    1: Msg("results.agreement.1", "partly agree"),
    0: Msg("results.agreement.0", "put the themes in unrelated orders"),
    -1: Msg("results.agreement.-1", "rank partly in opposite order"),
    -2: Msg("results.agreement.-2", "rank in nearly opposite order"),
}
# What a score means, per voting method: points (a top 3 gives 3, 2, 1), dots, or the chance of winning a pair.
SCORES = {
    Method.RANKING: Msg("results.score.ranking", "{score} pt"),
    Method.DOTS: Msg("results.score.dots", "{score} ●"),
    Method.PAIRWISE: Msg("results.score.pairwise", "wins {score}%"),
}
SCORE_LEGEND = {
    Method.RANKING: Msg("results.legend.ranking", "pt: points; a top 3 gives 3, 2 and 1 points."),
    Method.DOTS: Msg("results.legend.dots", "●: the dots the theme got."),
    Method.PAIRWISE: Msg("results.legend.pairwise", "wins: how often the theme was chosen when it was in a pair."),
}
TIED = Msg("results.tied", "=: shares its place with another theme (the same score).")
POOLED = Msg("results.pooled", "Groups with fewer than 3 voters are counted together as “other groups”: {groups}")
LEFT_OUT = Msg("results.left_out", "Groups with fewer than 3 voters are not shown separately: {groups}")
LABELS = {
    "generated": Msg("report.generated", "Made on"),
    "participants": Msg("report.participants", "Participants"),
    "group": Msg("report.group", "Group"),
    "language": Msg("report.language", "Language"),
    "count": Msg("report.count", "Number"),
    "results": Msg("report.results", "What matters most"),
    "chart": Msg("report.chart", "Chart: the order of the themes per group"),
    "ideas": Msg("report.ideas", "The ideas, by theme"),
    "also": Msg("report.also", "Also said"),
    "theme": Msg("report.theme", "Theme"),
    "unsorted": Msg("report.unsorted", "Not sorted into a theme"),
    "actions": Msg("report.actions", "Actions and how they are going"),
    "action": Msg("report.action", "Action"),
    "owner": Msg("report.owner", "Owner"),
    "status": Msg("report.status", "Status"),
    "history": Msg("report.history", "Check-ins so far"),
    "no_answer": Msg("report.no_answer", "No answer"),
    "help": Msg("report.help", "What would help"),
    "note": Msg("report.note", "Note"),
    "spoken": Msg("report.spoken", "The owner also answered with a voice message (kept in Telegram)."),
    "findings": Msg("report.findings", "What stands out"),
    "quotes": Msg("report.quotes", "In their own words"),
    "machine": Msg("report.machine", "machine translation, not checked by a person"),
}
TOOK_PART = Msg(
    "report.took_part",
    "{people} people took part, in {groups} groups and {languages} languages. They gave {ideas} ideas, and {voters} "
    "chose what matters most.",
)
FIRST_OVERALL = Msg("report.first_overall", "Everyone together put first: {theme} ({score}).")


def mark(result: GroupResult, theme: str) -> str:
    """A theme's place as shown: "2", or "=2" when another theme has the same score."""
    return f"={result.rank(theme)}" if result.tied(theme) else str(result.rank(theme))


@dataclass(frozen=True)
class SessionResults:
    """A session's results with the means to name its themes and groups in any language."""

    session: Session
    themes: tuple[Theme, ...]
    translations: Mapping[tuple[str, str], str]
    results: Results

    def title(self, locale: str | None) -> str:
        """The session's title in a language, falling back to the original."""
        session = self.session
        return translated("title", session.title, session.source_locale, locale, self.translations) or session.title

    def theme(self, theme_id: str, locale: str | None) -> str:
        """A theme's name (with its emoji) in a language, falling back to the original."""
        theme = next((t for t in self.themes if str(t.id) == theme_id), None)
        if theme is None:
            return theme_id
        name = translated(theme.subject, theme.name, self.session.source_locale, locale, self.translations)
        return f"{theme.emoji} {name or theme.name}" if theme.emoji else (name or theme.name)

    def group(self, group_id: str | None, translator: Translator) -> str:
        """A group's name in a language ("all" and the pooled small groups included)."""
        if group_id == "all":
            return translator.text(EVERYONE)
        if group_id == OTHER or group_id is None:
            return translator.text(OTHER_GROUPS)
        found = next((g for g in self.session.groups if g.id == group_id), None)
        if found is None:
            return group_id
        if found.name is None:
            return translator.text(found.label)
        source = self.session.source_locale
        return translated(f"group:{found.id}", found.name, source, translator.locale, self.translations) or found.name

    def place(self, result: GroupResult, theme: str, translator: Translator) -> str:
        """A theme's place with its score: "2 · 13 pt", or "=2 · 13 pt" when it shares the place."""
        return f"{mark(result, theme)} · {self.score(result, theme, translator)}"

    def score(self, result: GroupResult, theme: str, translator: Translator) -> str:
        """The score behind a theme's place, as the voting method counts it."""
        method = Method(self.session.voting)
        value = result.scores.get(theme, 0.0)
        shown = round(100 * value) if method is Method.PAIRWISE else int(value)
        return translator.text(SCORES[method].with_params(score=shown))

    def legend(self, translator: Translator) -> list[str]:
        """What the scores mean, and the tie mark when a place is shared."""
        shown = (self.results.overall, *self.results.groups)
        lines = [translator.text(SCORE_LEGEND[Method(self.session.voting)])]
        if any(r.tied(t) for r in shown for t in r.order):
            lines.append(translator.text(TIED))
        return lines

    def difference(self, difference: Difference, translator: Translator) -> str:
        """ "Language: number 1 for newcomers, number 3 for professionals"."""
        return translator.text(
            DIFFERENCE.with_params(
                theme=self.theme(difference.theme, translator.locale),
                rank_a=difference.rank_a,
                group_a=self.group(difference.group_a, translator),
                rank_b=difference.rank_b,
                group_b=self.group(difference.group_b, translator),
            )
        )

    def notes(self, translator: Translator) -> list[str]:
        """Which groups were pooled or left out, and how much the groups agreed."""
        lines = []
        if self.results.pooled:
            names = ", ".join(self.group(g, translator) for g in self.results.pooled)
            lines.append(translator.text(POOLED.with_params(groups=names)))
        if self.results.left_out:
            names = ", ".join(self.group(g, translator) for g in self.results.left_out)
            lines.append(translator.text(LEFT_OUT.with_params(groups=names)))
        for group_a, group_b, tau in self.results.agreement:
            names_ab = {"group_a": self.group(group_a, translator), "group_b": self.group(group_b, translator)}
            meaning = AGREEMENT_WORDS[agreement_band(tau)]
            lines.append(translator.text(AGREEMENT.with_params(tau=round(tau, 2), meaning=meaning, **names_ab)))
        return lines

    def chart(self, translator: Translator) -> bytes:
        """The group comparison chart, labelled in the translator's language."""
        shown = (self.results.overall, *self.results.groups)
        columns = [Column(self.group(r.group, translator), r.order, r.scores) for r in shown]
        labels = {str(t.id): self.theme(str(t.id), translator.locale) for t in self.themes}
        return comparison_chart(columns, labels, translator.text(CHART_TITLE), translator.text(RANK))


def load_results(conn: Conn, session: Session) -> SessionResults:
    """A session's results, computed from its votes."""
    found = tuple(themes.of_session(conn, session.id))
    cast = [Vote(v.pseudonym, v.group_id, v.payload) for v in votes.of_session(conn, session.id)]
    results = compute(Method(session.voting), cast, [str(t.id) for t in found])
    return SessionResults(session, found, translations.of_session(conn, session.id), results)


def _vote_text(method: str, payload: Any, found: SessionResults) -> str:
    """A vote as a person reads it: "Taal > Werk", "Taal: 3, Werk: 2" or "Taal > Werk; Zorg = Werk"."""

    def name(theme: object) -> str:
        return found.theme(str(theme), found.session.source_locale)

    if method == "ranking":
        return " > ".join(name(t) for t in payload)
    if method == "dots":
        return ", ".join(f"{name(t)}: {n}" for t, n in dict(payload).items())
    return "; ".join(f"{name(a)} {'>' if outcome == 'won' else '='} {name(b)}" for a, b, outcome in payload)


@dataclass(frozen=True)
class Agenda:
    """The session's actions with their check-ins."""

    actions: tuple[tuple[Action, tuple[CheckinRecord, ...]], ...] = ()

    def tables(self, zone: tzinfo) -> list[Table]:
        """The actions and every check-in, as tables, times in local time with their offset."""
        action_rows = tuple(
            (
                a.id,
                a.title,
                a.description,
                ",".join(str(t) for t in a.themes),
                a.schedule.cadence.value,
                a.schedule.start.isoformat(),
                a.owner_pseudonym,
                a.status.value,
            )
            for a, _ in self.actions
        )
        checkin_rows = tuple(
            (
                a.id,
                c.period,
                local(c.due_at, zone),
                local(c.sent_at, zone),
                c.status,
                c.help,
                c.note,
                local(c.answered_at, zone),
            )
            for a, checkins in self.actions
            for c in checkins
        )
        return [
            Table(
                "actions",
                ("action", "title", "description", "themes", "cadence", "start", "owner", "status"),
                action_rows,
            ),
            Table(
                "checkins",
                ("action", "period", "due_at", "sent_at", "status", "help", "note", "answered_at"),
                checkin_rows,
            ),
        ]

    def chart(self, heading: str, translator: Translator, zone: tzinfo, now: datetime) -> bytes:
        """Every action's check-ins over time, as a PNG."""
        return agenda_picture(self.actions, heading, translator, zone, now)

    def lines(self, translator: Translator, zone: tzinfo) -> tuple[ActionLine, ...]:
        """The actions as the report shows them, in the reader's language, each with its dated check-ins."""
        return tuple(
            ActionLine(
                action.title,
                action.description,
                action.owner_pseudonym or "–",
                translator.text(action.shown_status),
                tuple(_checkpoint(action, c, translator, zone) for c in checkins if c.sent_at is not None),
            )
            for action, checkins in self.actions
        )


def _checkpoint(action: Action, checkin: CheckinRecord, translator: Translator, zone: tzinfo) -> Checkpoint:
    """A check-in that went out, as the timeline shows it: a missed one says so rather than vanishing."""
    stamp = checkin.answered_at or checkin.sent_at or checkin.due_at
    if checkin.status:
        answer = translator.text(PROGRESS_NAMES[Progress(checkin.status)])
    elif checkin.answered_at is not None and action.ending is not None:
        answer = translator.text(action.shown_status)  # the year's last check-in: how it ended
    else:
        answer = translator.text(LABELS["no_answer"])
    return Checkpoint(
        translator.day(datetime.fromisoformat(stamp), zone),
        answer,
        checkin.help,
        checkin.note,
        bool(checkin.note_voice or checkin.help_voice),
        f"{action.id}/{checkin.period}" if checkin.note_voice or checkin.help_voice else "",
    )


def load_agenda(conn: Conn, session: Session) -> Agenda:
    """A session's actions and their check-ins."""
    found = [(a, tuple(actions.checkins(conn, a.id))) for a in actions.of_session(conn, session.id)]
    return Agenda(tuple(found))


def local(stamp: str | None, zone: tzinfo) -> str | None:
    """A stored UTC time as the local time with its offset, to the minute (e.g. 2026-12-04T18:05+01:00)."""
    return datetime.fromisoformat(stamp).astimezone(zone).isoformat(timespec="minutes") if stamp else stamp


def tables(
    found: SessionResults, given: list[ExportIdea], cast: list[Any], translator: Translator, zone: tzinfo
) -> list[Table]:
    """The ideas (hidden ones left out), the votes and the results per group, as tables: groups by their names,
    times in local time with their offset."""
    idea_rows = tuple(
        (
            i.id,
            i.pseudonym,
            found.group(i.group_id, translator) if i.group_id else None,
            i.language,
            i.kind,
            i.text,
            i.voice_duration,
            i.transcription,
            i.translation,
            i.translation_machine or ("coordinator" if i.translation else None),
            i.theme,
            "duplicate" if i.duplicate_of else "original",
            i.duplicate_of,
            local(i.created_at, zone),
        )
        for i in given
        if i.hidden_reason is None
    )
    vote_rows = tuple(
        (
            v.pseudonym,
            found.group(v.group_id, translator) if v.group_id else None,
            v.method,
            _vote_text(v.method, v.payload, found),
            json.dumps(v.payload),
            local(v.cast_at, zone),
        )
        for v in cast
    )
    result_rows = tuple(
        (
            found.group(r.group, translator),
            r.voters,
            r.rank(theme),
            found.theme(theme, found.session.source_locale),
            round(r.scores[theme], 4),
        )
        for r in (found.results.overall, *found.results.groups)
        for theme in r.order
    )
    return [
        Table(
            "ideas",
            (
                "idea",
                "participant",
                "group",
                "language",
                "kind",
                "text",
                "voice_seconds",
                "written_down",
                "translation",
                "translated_by",
                "theme",
                "status",
                "duplicate_of",
                "created_at",
            ),
            idea_rows,
        ),
        Table("votes", ("participant", "group", "method", "vote", "vote_json", "cast_at"), vote_rows),
        Table("results", ("group", "voters", "rank", "theme", "score"), result_rows),
    ]


def report_data(
    found: SessionResults,
    given: list[ExportIdea],
    by_group: Mapping[str | None, int],
    by_language: Mapping[str | None, int],
    translator: Translator,
    zone: tzinfo,
    agenda: Agenda = Agenda(),
    introduction: str | None = None,
) -> ReportData:
    """The report's content in the reader's language: the coordinator's introduction, what stands out in words,
    the quotes they chose, the results, the actions, and the ideas grouped by theme."""
    now = datetime.now(UTC)
    locale = translator.locale
    visible = [i for i in given if i.hidden_reason is None]
    duplicates: dict[int, list[ExportIdea]] = {}
    for idea in visible:
        if idea.duplicate_of is not None:
            duplicates.setdefault(idea.duplicate_of, []).append(idea)

    def line(idea: ExportIdea) -> IdeaLine:
        text = idea.text if idea.text is not None else (idea.transcription or "🎤")
        written = idea.translation or (idea.transcription if idea.text is not None else None)
        by_machine = idea.translation is not None and idea.translation_machine is not None
        repeats = tuple(line(d) for d in duplicates.get(idea.id, ()))
        return IdeaLine(text, idea.language or "", written, repeats, by_machine)

    originals = [i for i in visible if i.duplicate_of is None]
    sections = [
        Section(found.theme(str(t.id), locale), tuple(line(i) for i in originals if i.theme == t.name))
        for t in found.themes
    ]
    unsorted = tuple(line(i) for i in originals if i.theme is None)
    if unsorted:
        sections.append(Section(translator.text(LABELS["unsorted"]), unsorted))
    shown = (found.results.overall, *found.results.groups)
    header = (translator.text(LABELS["theme"]), *(found.group(r.group, translator) for r in shown))
    rows = (
        tuple(
            (found.theme(theme, locale), *(found.place(r, theme, translator) for r in shown))
            for theme in found.results.overall.order
        )
        if found.results.overall.voters
        else ()
    )
    session = found.session
    question = translated("question", session.question, session.source_locale, locale, found.translations)
    return ReportData(
        labels={key: translator.text(label) for key, label in LABELS.items()},
        title=found.title(locale),
        question=question or session.question,
        generated=translator.moment(now, zone),
        by_group=tuple((found.group(g, translator), n) for g, n in by_group.items()),
        by_language=tuple((translator.language_name(code) if code else "?", n) for code, n in by_language.items()),
        sections=tuple(sections),
        results_header=header if rows else (),
        results_rows=rows,
        notes=tuple(found.legend(translator)) if rows else (),
        chart_png=found.chart(translator) if rows else None,
        direction="rtl" if translator.rtl else "ltr",
        language=locale.replace("_", "-"),
        actions=agenda.lines(translator, zone),
        agenda_png=agenda.chart(translator.text(LABELS["actions"]), translator, zone, now) if agenda.actions else None,
        introduction=introduction,
        findings=_findings(found, visible, by_group, by_language, translator),
        quotes=tuple(line(i) for i in originals if i.quoted),
    )


def _findings(
    found: SessionResults,
    visible: list[ExportIdea],
    by_group: Mapping[str | None, int],
    by_language: Mapping[str | None, int],
    translator: Translator,
) -> tuple[str, ...]:
    """What stands out, in words with the numbers: who took part, what came first, where the groups differ most
    and how much they agree."""
    results = found.results
    said = [
        translator.text(
            TOOK_PART.with_params(
                people=sum(by_group.values()),
                groups=len([g for g in by_group if g]),
                languages=len([code for code in by_language if code]),
                ideas=len(visible),
                voters=results.overall.voters,
            )
        )
    ]
    if results.overall.voters and results.overall.order:
        first = results.overall.order[0]
        score = found.score(results.overall, first, translator)
        said.append(
            translator.text(FIRST_OVERALL.with_params(theme=found.theme(first, translator.locale), score=score))
        )
        said += [found.difference(d, translator) for d in results.differences]
        said += found.notes(translator)
    return tuple(said)


def report(
    conn: Conn, catalogs: Catalogs, session: Session, locale: str, zone: tzinfo, public: bool = False
) -> ReportData:
    """A session's report as it stands, in a language; `public` (the shared page): without the owners' pseudonyms."""
    found = load_results(conn, session)
    by_group, by_language = members.counts(conn, session.id)
    agenda = load_agenda(conn, session)
    given = ideas.for_export(conn, session.id)
    introduction = sessions.introduction(conn, session.id)
    data = report_data(found, given, by_group, by_language, catalogs.get(locale), zone, agenda, introduction)
    if public:
        data = replace(data, actions=tuple(replace(a, owner="") for a in data.actions))
    return data


def build(
    conn: Conn,
    catalogs: Catalogs,
    session: Session,
    locale: str,
    zone: tzinfo,
    formats: tuple[str, ...] = FORMATS,
) -> dict[str, bytes]:
    """The export files by name, e.g. {"7KQ2MZ-ideas.csv": b"…", "7KQ2MZ-report.html": b"…"}."""
    found = load_results(conn, session)
    given = ideas.for_export(conn, session.id)
    cast = votes.of_session(conn, session.id)
    translator = catalogs.get(locale)
    prefix = session.code
    if "zip" in formats:  # one archive with every file, for a phone chat: nine documents are too many
        everything = build(conn, catalogs, session, locale, zone, tuple(f for f in FORMATS if f != "zip"))
        return {f"{prefix}.zip": archive(everything)}
    files: dict[str, bytes] = {}
    agenda = load_agenda(conn, session)
    table_list = tables(found, given, cast, translator, zone) + agenda.tables(zone)
    if "csv" in formats:
        files.update({f"{prefix}-{table.name}.csv": to_csv(table) for table in table_list})
    if "xlsx" in formats:
        files[f"{prefix}.xlsx"] = to_xlsx(table_list)
    if {"html", "md", "png"} & set(formats):
        data = report(conn, catalogs, session, locale, zone)
        if "html" in formats:
            files[f"{prefix}-report.html"] = unmarked(html(data)).encode("utf-8")
        if "md" in formats:
            files[f"{prefix}-report.md"] = unmarked(
                markdown(data, f"{prefix}-chart.png", f"{prefix}-agenda.png")
            ).encode("utf-8")
        if ("md" in formats or "png" in formats) and data.chart_png is not None:
            files[f"{prefix}-chart.png"] = data.chart_png  # the Markdown report links to it by this name
        if ("md" in formats or "png" in formats) and data.agenda_png is not None:
            files[f"{prefix}-agenda.png"] = data.agenda_png
    return files


def file_names(conn: Conn, session: Session) -> list[tuple[str, str]]:
    """The files /export sends, as (name, format that makes it), without making them: the workbook and the report
    to open on the spot, and one archive with every file (the CSV tables, the Markdown report and the chart)."""
    prefix = session.code
    return [(f"{prefix}.xlsx", "xlsx"), (f"{prefix}-report.html", "html"), (f"{prefix}.zip", "zip")]


def archive(files: Mapping[str, bytes]) -> bytes:
    """Files as one ZIP archive, in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as packed:
        for name in sorted(files):
            packed.writestr(name, files[name])
    return buffer.getvalue()
