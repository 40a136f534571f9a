"""Ideas: given, taken back and edited by participants; sorted, merged, hidden and written down by coordinators."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.domain import NewIdea
from bot.storage.db import Conn, one, rows
from bot.storage.stamps import utc_now


@dataclass(frozen=True)
class IdeaCard:
    """One idea as a coordinator sorts it: never with a name or Telegram id."""

    id: int
    pseudonym: str
    group_id: str | None
    language: str | None
    kind: str
    text: str | None
    voice_file_id: str | None
    voice_duration: int | None
    transcription: str | None
    translation: str | None
    theme_id: int | None
    duplicate_of: int | None
    hidden_reason: str | None
    quoted: bool = False
    translation_machine: str | None = None  # the service that made the translation; None: a person wrote it


@dataclass(frozen=True)
class IdeaRecord:
    """An idea as reports and tests see it: pseudonymous, never with a Telegram id."""

    pseudonym: str
    group_id: str | None
    seq: int
    kind: str
    text: str | None
    voice_file_id: str | None
    voice_duration: int | None
    language: str | None


@dataclass(frozen=True)
class ExportIdea:
    """An idea as exports show it: pseudonymous, with its theme's name and whether it was merged or hidden."""

    id: int
    pseudonym: str
    group_id: str | None
    language: str | None
    kind: str
    text: str | None
    voice_duration: int | None
    transcription: str | None
    translation: str | None
    theme: str | None
    duplicate_of: int | None
    hidden_reason: str | None
    created_at: str
    quoted: bool = False
    translation_machine: str | None = None


@dataclass(frozen=True)
class Counts:
    """Live counts of a session's ideas, as /status shows them."""

    by_theme: dict[int, int]
    unsorted: int
    hidden: int
    voice_untranscribed: int


_CARD = (
    "SELECT i.id, m.pseudonym, m.group_id, i.language, i.kind, i.text, i.voice_file_id, i.voice_duration, "
    "i.transcription, i.translation, i.theme_id, i.duplicate_of, i.hidden_reason, i.quoted = 1, i.translation_machine "
    "FROM idea i JOIN membership m ON m.id = i.membership_id "
)
# Every way cards are looked up, as whole queries made once when the module loads.
_CARDS = {
    "next_unsorted": _CARD + "WHERE i.session_id = ? AND i.theme_id IS NULL AND i.duplicate_of IS NULL "
    "AND i.hidden_reason IS NULL AND i.id > ? ORDER BY i.id LIMIT 1",
    "one": _CARD + "WHERE i.session_id = ? AND i.id = ?",
    "sorted": _CARD + "WHERE i.session_id = ? AND i.theme_id IS NOT NULL AND i.hidden_reason IS NULL "
    "AND i.duplicate_of IS NULL ORDER BY i.theme_id, i.id",
    "hidden": _CARD + "WHERE i.session_id = ? AND i.hidden_reason IS NOT NULL ORDER BY i.id",
    "all": _CARD + "WHERE i.session_id = ? ORDER BY i.id",
}


def _cards(conn: Conn, which: str, args: tuple[object, ...]) -> list[IdeaCard]:
    return [IdeaCard(*row) for row in rows(conn, _CARDS[which], args)]


# ---- giving ideas ------------------------------------------------------------------------------------


def add(conn: Conn, session_id: int, membership_id: int, ideas: Iterable[NewIdea]) -> None:
    """Store ideas a person gave."""
    now = utc_now()
    conn.executemany(
        "INSERT INTO idea (session_id, membership_id, seq, kind, text, voice_file_id, voice_duration, language, "
        "source_message_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                session_id,
                membership_id,
                idea.seq,
                "voice" if idea.voice_file_id else "text",
                idea.text,
                idea.voice_file_id,
                idea.voice_duration,
                idea.language,
                idea.source_message_id,
                now,
                now,
            )
            for idea in ideas
        ],
    )


def withdraw(conn: Conn, membership_id: int, seqs: Iterable[int]) -> None:
    """The person took back ideas (by their own numbers)."""
    conn.executemany("DELETE FROM idea WHERE membership_id = ? AND seq = ?", [(membership_id, s) for s in seqs])


def edit(conn: Conn, membership_id: int, source_message_id: int, text: str) -> bool:
    """Replace the text of the idea that came from an edited message; False if there is none."""
    cursor = conn.execute(
        "UPDATE idea SET text = ?, updated_at = ?, "
        "translation = CASE WHEN translation_machine IS NULL THEN translation END, translation_machine = NULL "
        "WHERE membership_id = ? AND source_message_id = ? AND kind = 'text'",
        (text, utc_now(), membership_id, source_message_id),
    )
    return cursor.rowcount == 1


def of_session(conn: Conn, session_id: int) -> list[IdeaRecord]:
    """Every idea of a session, oldest first, with the giver's pseudonym and group."""
    found = rows(
        conn,
        "SELECT m.pseudonym, m.group_id, i.seq, i.kind, i.text, i.voice_file_id, i.voice_duration, i.language "
        "FROM idea i JOIN membership m ON m.id = i.membership_id WHERE i.session_id = ? ORDER BY i.id",
        (session_id,),
    )
    return [IdeaRecord(*row) for row in found]


def of_member(conn: Conn, membership_id: int) -> list[tuple[str, str | None]]:
    """A person's ideas in one session as (kind, text or what was written down of a voice note)."""
    found = rows(
        conn,
        "SELECT kind, COALESCE(text, transcription) FROM idea WHERE membership_id = ? ORDER BY seq",
        (membership_id,),
    )
    return [(str(r[0]), r[1]) for r in found]


# ---- sorting and moderation ----------------------------------------------------------------------------


def next_unsorted(conn: Conn, session_id: int, after: int = 0) -> IdeaCard | None:
    """The oldest idea not yet sorted, merged or hidden (after a given idea id, to skip one)."""
    found = _cards(conn, "next_unsorted", (session_id, after))
    return found[0] if found else None


def card(conn: Conn, session_id: int, idea_id: int) -> IdeaCard | None:
    """One idea of this session."""
    found = _cards(conn, "one", (session_id, idea_id))
    return found[0] if found else None


def sorted_cards(conn: Conn, session_id: int) -> list[IdeaCard]:
    """Ideas that are in a theme and visible (candidates for "duplicate of...")."""
    return _cards(conn, "sorted", (session_id,))


def all_cards(conn: Conn, session_id: int) -> list[IdeaCard]:
    """Every idea of a session, sorted or not, hidden or not, oldest first (the sorting board shows them all)."""
    return _cards(conn, "all", (session_id,))


def hidden(conn: Conn, session_id: int) -> list[IdeaCard]:
    """Hidden ideas, with the reason, so they can be restored."""
    return _cards(conn, "hidden", (session_id,))


def sort_into(conn: Conn, session_id: int, idea_id: int, theme_id: int) -> bool:
    """Put an idea in a theme of the same session (its duplicates go with it)."""
    cursor = conn.execute(
        "UPDATE idea SET theme_id = ?, duplicate_of = NULL, updated_at = ? WHERE id = ? AND session_id = ? "
        "AND EXISTS (SELECT 1 FROM theme WHERE id = ? AND session_id = ?)",
        (theme_id, utc_now(), idea_id, session_id, theme_id, session_id),
    )
    _duplicates_follow(conn, session_id, idea_id)
    return cursor.rowcount == 1


def move(conn: Conn, session_id: int, idea_id: int, from_theme: int, to_theme: int | None) -> bool:
    """Move a sorted idea from the theme it was seen in to another theme (None: back to unsorted), with its
    duplicates; nothing happens when it is no longer in `from_theme` (someone else moved or hid it meanwhile)."""
    cursor = conn.execute(
        "UPDATE idea SET theme_id = ?, updated_at = ? WHERE id = ? AND session_id = ? AND theme_id = ? "
        "AND duplicate_of IS NULL AND hidden_reason IS NULL "
        "AND (? IS NULL OR EXISTS (SELECT 1 FROM theme WHERE id = ? AND session_id = ?))",
        (to_theme, utc_now(), idea_id, session_id, from_theme, to_theme, to_theme, session_id),
    )
    _duplicates_follow(conn, session_id, idea_id)
    return cursor.rowcount == 1


def _duplicates_follow(conn: Conn, session_id: int, idea_id: int) -> None:
    """Ideas marked duplicates of this one count for the theme it is in now."""
    conn.execute(
        "UPDATE idea SET theme_id = (SELECT theme_id FROM idea WHERE id = ? AND session_id = ?) "
        "WHERE duplicate_of = ? AND session_id = ?",
        (idea_id, session_id, idea_id, session_id),
    )


def merge(conn: Conn, session_id: int, idea_id: int, original_id: int) -> bool:
    """Mark an idea a duplicate of another: it keeps its author and counts for the original's theme."""
    cursor = conn.execute(
        "UPDATE idea SET duplicate_of = ?, theme_id = (SELECT theme_id FROM idea WHERE id = ? AND session_id = ?), "
        "updated_at = ? WHERE id = ? AND session_id = ? AND id != ? "
        "AND EXISTS (SELECT 1 FROM idea WHERE id = ? AND session_id = ?)",
        (original_id, original_id, session_id, utc_now(), idea_id, session_id, original_id, original_id, session_id),
    )
    return cursor.rowcount == 1


def separate(conn: Conn, session_id: int, idea_id: int) -> bool:
    """An idea marked a duplicate by mistake stands on its own again, unsorted."""
    cursor = conn.execute(
        "UPDATE idea SET duplicate_of = NULL, theme_id = NULL, updated_at = ? WHERE id = ? AND session_id = ? "
        "AND duplicate_of IS NOT NULL",
        (utc_now(), idea_id, session_id),
    )
    return cursor.rowcount == 1


def quote(conn: Conn, session_id: int, idea_id: int, quoted: bool) -> bool:
    """Mark an idea to quote in the report, or not any more."""
    cursor = conn.execute(
        "UPDATE idea SET quoted = ?, updated_at = ? WHERE id = ? AND session_id = ?",
        (int(quoted), utc_now(), idea_id, session_id),
    )
    return cursor.rowcount == 1


def hide(conn: Conn, session_id: int, idea_id: int, reason: str) -> bool:
    """Hide an idea from results and exports, with a reason; it is never deleted."""
    cursor = conn.execute(
        "UPDATE idea SET hidden_reason = ?, updated_at = ? WHERE id = ? AND session_id = ?",
        (reason, utc_now(), idea_id, session_id),
    )
    return cursor.rowcount == 1


def restore(conn: Conn, session_id: int, idea_id: int) -> bool:
    """Show a hidden idea again."""
    cursor = conn.execute(
        "UPDATE idea SET hidden_reason = NULL, updated_at = ? WHERE id = ? AND session_id = ? "
        "AND hidden_reason IS NOT NULL",
        (utc_now(), idea_id, session_id),
    )
    return cursor.rowcount == 1


def annotate(conn: Conn, session_id: int, idea_id: int, field: str, text: str, by: int | None = None) -> bool:
    """Keep a coordinator's transcription or translation next to the original, never replacing it; a translation
    keeps who wrote or corrected it (theirs replaces a machine's)."""
    if field == "transcription":
        cursor = conn.execute(
            "UPDATE idea SET transcription = ?, updated_at = ? WHERE id = ? AND session_id = ?",
            (text, utc_now(), idea_id, session_id),
        )
    else:
        cursor = conn.execute(
            "UPDATE idea SET translation = ?, translation_machine = NULL, translation_by = ?, updated_at = ? "
            "WHERE id = ? AND session_id = ?",
            (text, by, utc_now(), idea_id, session_id),
        )
    return cursor.rowcount == 1


def counts(conn: Conn, session_id: int) -> Counts:
    """How many ideas are in each theme, unsorted, hidden, or voice notes not yet written down."""
    found = rows(
        conn,
        "SELECT theme_id, duplicate_of, hidden_reason IS NOT NULL, kind, transcription FROM idea WHERE session_id = ?",
        (session_id,),
    )
    by_theme: dict[int, int] = {}
    unsorted = hidden_count = untranscribed = 0
    for theme_id, duplicate_of, is_hidden, kind, transcription in found:
        if is_hidden:
            hidden_count += 1
            continue
        if kind == "voice" and transcription is None:
            untranscribed += 1
        if theme_id is not None:
            by_theme[theme_id] = by_theme.get(theme_id, 0) + 1
        elif duplicate_of is None:
            unsorted += 1
    return Counts(by_theme, unsorted, hidden_count, untranscribed)


@dataclass(frozen=True)
class ShownIdea:
    """An idea as the room sees it: its words (a voice note's when written down) and a translation, no author."""

    id: int
    kind: str
    text: str | None
    language: str | None
    translation: str | None
    voice_duration: int | None


def shown(
    conn: Conn, session_id: int, limit: int, offset: int = 0, besides: int | None = None
) -> tuple[list[ShownIdea], int]:
    """The newest ideas anyone may see (not hidden, not a repeat of another), newest first, and how many there are;
    `besides` leaves out one person's own (by membership)."""
    visible = (
        "FROM idea WHERE session_id = ? AND hidden_reason IS NULL AND duplicate_of IS NULL "
        "AND membership_id != COALESCE(?, -1)"
    )
    found = rows(
        conn,
        "SELECT id, kind, COALESCE(text, transcription), language, translation, voice_duration "
        f"{visible} ORDER BY id DESC LIMIT ? OFFSET ?",
        (session_id, besides, limit, offset),
    )
    total: Any = one(conn, f"SELECT COUNT(*) {visible}", (session_id, besides))
    return [ShownIdea(*row) for row in found], int(total[0]) if total else 0


def for_export(conn: Conn, session_id: int) -> list[ExportIdea]:
    """Every idea of a session with what an export shows: pseudonym, group, theme, status and time."""
    found = rows(
        conn,
        "SELECT i.id, m.pseudonym, m.group_id, i.language, i.kind, i.text, i.voice_duration, i.transcription, "
        "i.translation, t.name, i.duplicate_of, i.hidden_reason, i.created_at, i.quoted = 1, i.translation_machine "
        "FROM idea i "
        "JOIN membership m ON m.id = i.membership_id LEFT JOIN theme t ON t.id = i.theme_id "
        "WHERE i.session_id = ? ORDER BY i.id",
        (session_id,),
    )
    return [ExportIdea(*row) for row in found]


def last_seq(conn: Conn, membership_id: int) -> int:
    """The highest number a person gave one of their ideas in a session (0 when none)."""
    row: Any = one(conn, "SELECT COALESCE(MAX(seq), 0) FROM idea WHERE membership_id = ?", (membership_id,))
    return int(row[0]) if row else 0
