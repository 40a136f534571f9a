"""The session report: self-contained HTML to print or publish, and Markdown to edit into a magazine."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field

from jinja2 import Environment, PackageLoader, select_autoescape


@dataclass(frozen=True)
class IdeaLine:
    """One idea in the report: as written, with any translation or written-down version, and its duplicates."""

    text: str
    language: str
    translation: str | None = None
    duplicates: tuple[IdeaLine, ...] = ()
    machine: bool = False  # the translation is a machine's, not checked by a person


@dataclass(frozen=True)
class Section:
    """A theme and its ideas."""

    name: str
    ideas: tuple[IdeaLine, ...]


@dataclass(frozen=True)
class Checkpoint:
    """One check-in on an action's timeline: when, what the owner answered, and in their own words."""

    when: str
    answer: str
    help: str | None = None
    note: str | None = None
    spoken: bool = False  # the owner also answered by voice message (kept in Telegram)
    voice: str = ""  # where the report page plays it from ("ACTION/PERIOD"); empty where it cannot


@dataclass(frozen=True)
class ActionLine:
    """An action in the report: who owns it, how it stands, its check-ins so far, and its progress chart."""

    title: str
    description: str
    owner: str
    status: str
    timeline: tuple[Checkpoint, ...] = ()


@dataclass(frozen=True)
class ReportData:
    """Everything the report shows, already in the reader's language."""

    labels: Mapping[str, str]
    title: str
    question: str
    generated: str
    by_group: tuple[tuple[str, int], ...]
    by_language: tuple[tuple[str, int], ...]
    sections: tuple[Section, ...]
    results_header: tuple[str, ...] = ()
    results_rows: tuple[tuple[str, ...], ...] = ()
    notes: tuple[str, ...] = ()
    chart_png: bytes | None = None
    actions: tuple[ActionLine, ...] = ()
    agenda_png: bytes | None = None  # every action's check-ins over time
    direction: str = "ltr"
    language: str = "en"
    extra: Mapping[str, str] = field(default_factory=dict)
    introduction: str | None = None  # the coordinator's own words, first
    findings: tuple[str, ...] = ()  # what stands out, in words with the numbers, before any table
    quotes: tuple[IdeaLine, ...] = ()  # ideas the coordinator chose to quote, never with who said them
    languages: tuple[tuple[str, str], ...] = ()  # (code, own name) to switch to, on the report page only
    voices: str = ""  # on the report page: the address its owners' voice messages play from


_ENVIRONMENT = Environment(
    loader=PackageLoader("bot.reports", "templates"),
    autoescape=select_autoescape(["html.j2"]),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def html(data: ReportData) -> str:
    """A single HTML file: styles and the chart inside, nothing fetched from elsewhere."""
    chart = base64.b64encode(data.chart_png).decode() if data.chart_png else None
    agenda = base64.b64encode(data.agenda_png).decode() if data.agenda_png else None
    return _ENVIRONMENT.get_template("report.html.j2").render(data=data, chart=chart, agenda=agenda)


def markdown(data: ReportData, chart_file: str | None = None, agenda_file: str | None = None) -> str:
    """The same report as Markdown; the charts come as their own files, linked by `chart_file` and `agenda_file`."""
    chart = chart_file if data.chart_png else None
    agenda = agenda_file if data.agenda_png else None
    return _ENVIRONMENT.get_template("report.md.j2").render(data=data, chart=chart, agenda=agenda)
