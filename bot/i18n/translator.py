"""One translator per locale over the compiled gettext catalogs, and rendering of message references."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time, get_datetime_format
from babel.numbers import format_decimal
from babel.support import Translations

from bot.domain import Msg, Text, Verbatim
from bot.i18n.bidi import isolate, start_rtl
from bot.i18n.locales import SOURCE_LOCALE, SUPPORTED, fallback_chain, is_rtl

DOMAIN = "messages"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "locales"
SPOKEN = "voice"  # locales/<language>/voice/<message context>.ogg: a prompt read aloud in that language
OPUS = (b"OggS", b"OpusHead")  # what Telegram plays as a voice note (other audio shows as a file to download)


class CatalogsMissing(RuntimeError):
    """The compiled catalogs (.mo) are not there: `pybabel compile` has not run."""


class RecordingUnplayable(RuntimeError):
    """A prompt's recording is not OGG/Opus, so Telegram would not play it as a voice note."""


class Translator:
    """Translates and renders message references for one locale."""

    def __init__(
        self, locale: str, translations: gettext.NullTranslations, recordings: Mapping[str, bytes] | None = None
    ) -> None:
        self.locale = locale
        self.rtl = is_rtl(locale)
        self._t = translations
        self._recordings = dict(recordings or {})

    def recording(self, text: Text) -> bytes | None:
        """The bot's own prompt read aloud in this language (OGG/Opus), where one was supplied."""
        return self._recordings.get(text.context) if isinstance(text, Msg) else None

    def gettext(self, msgid: str) -> str:
        """Translate a message without context."""
        return self._t.gettext(msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message that depends on a count."""
        return self._t.ngettext(singular, plural, n)

    def pgettext(self, context: str, msgid: str) -> str:
        """Translate a message within a context."""
        return self._t.pgettext(context, msgid)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        """Translate a counted message within a context."""
        return self._t.npgettext(context, singular, plural, n)

    def text(self, text: Text) -> str:
        """Render a label or message body without direction marks."""
        if isinstance(text, Verbatim):
            return text.text
        if text.plural is not None and text.count is not None:
            template = self.npgettext(text.context, text.msgid, text.plural, text.count)
        else:
            template = self.pgettext(text.context, text.msgid)
        values = {key: self._value(value) for key, value in text.params.items()}
        if text.count is not None:
            values.setdefault("count", self._value(text.count))
        return template.format_map(values)

    def render(self, text: Text) -> str:
        """Render a whole message: translated, values isolated, right-to-left where the language is."""
        return self.directed(self.text(text))

    def directed(self, text: str) -> str:
        """Give an assembled message the language's direction."""
        return start_rtl(text) if self.rtl else text

    def time(self, moment: datetime, zone: tzinfo) -> str:
        """A clock time as people write it in this language, in the given timezone."""
        return format_time(moment, format="short", tzinfo=zone, locale=self.locale)

    def day(self, moment: datetime, zone: tzinfo) -> str:
        """A date as people write it in this language, in the given timezone."""
        return format_date(moment.astimezone(zone), format="medium", locale=self.locale)

    def moment(self, moment: datetime, zone: tzinfo) -> str:
        """A date and time as people write it in this language, in the given timezone, to the minute."""
        clock = format_time(moment, format="short", tzinfo=zone, locale=self.locale)
        day = format_date(moment.astimezone(zone), format="medium", locale=self.locale)
        pattern = str(get_datetime_format("medium", locale=self.locale)).replace("'", "")
        return pattern.replace("{0}", clock).replace("{1}", day)

    def language_name(self, code: str) -> str:
        """Another language's name, in this language (e.g. "Arabisch" in Dutch)."""
        return Locale.parse(code).get_display_name(self.locale) or code

    def _value(self, value: object) -> str:
        if isinstance(value, Msg | Verbatim):
            return isolate(self.text(value))
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float):
            return format_decimal(value, locale=self.locale)
        return isolate(str(value))


class Catalogs:
    """All translators, loaded once from a directory of compiled catalogs."""

    def __init__(
        self, directory: Path = DEFAULT_DIR, locales: tuple[str, ...] = SUPPORTED, recordings: Path | None = None
    ) -> None:
        self.directory = directory
        self.recordings = recordings or directory
        self.locales = locales
        missing = [
            code
            for code in locales
            if code != SOURCE_LOCALE and not (directory / code / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
        ]
        if missing:
            raise CatalogsMissing(
                f"compiled translations missing for {', '.join(missing)} in {directory}; "
                "run `make` (or `pybabel compile -d locales -D messages`) first"
            )
        self._translators = {code: Translator(code, self._load(code), self._spoken(code)) for code in locales}

    def _spoken(self, code: str) -> dict[str, bytes]:
        """The prompts read aloud for a language (a Dari reader hears Persian ones where Dari has none)."""
        found: dict[str, bytes] = {}
        for candidate in reversed([c for c in fallback_chain(code) if c == code or c != SOURCE_LOCALE]):
            for path in sorted((self.recordings / candidate / SPOKEN).glob("*.ogg")):
                data = path.read_bytes()
                if not data.startswith(OPUS[0]) or OPUS[1] not in data[:512]:
                    raise RecordingUnplayable(f"{path} is not OGG/Opus: Telegram plays only that as a voice note")
                found[path.stem] = data
        return found

    def _load(self, code: str) -> gettext.NullTranslations:
        chain: gettext.NullTranslations | None = None
        for candidate in reversed(fallback_chain(code)):
            loaded = Translations.load(str(self.directory), [candidate], DOMAIN)
            if chain is not None:
                loaded.add_fallback(chain)
            chain = loaded
        assert chain is not None
        return chain

    def get(self, code: str | None) -> Translator:
        """The translator for a shipped locale, falling back to the source language."""
        if code in self._translators:
            return self._translators[code]
        return self._translators.get(SOURCE_LOCALE) or next(iter(self._translators.values()))
