"""Which message of a person holds the buttons of a slot (e.g. Undo and Done while giving ideas), so that a
later message in the slot can take them away once they no longer apply."""

from __future__ import annotations

from bot.storage.db import Conn, rows


def holder(conn: Conn, participant_id: int, slot: str) -> int | None:
    """The Telegram message id that shows the slot's buttons now, if one was sent."""
    found = rows(conn, "SELECT message_id FROM keyboard WHERE participant_id = ? AND slot = ?", (participant_id, slot))
    return int(found[0][0]) if found else None


def hold(conn: Conn, participant_id: int, slot: str, message_id: int) -> None:
    """The message just sent holds the slot's buttons now."""
    conn.execute(
        "INSERT INTO keyboard (participant_id, slot, message_id) VALUES (?, ?, ?) "
        "ON CONFLICT (participant_id, slot) DO UPDATE SET message_id = excluded.message_id",
        (participant_id, slot, message_id),
    )
