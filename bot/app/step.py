"""One update being handled: inside its transaction, who sent it, and everything it says back, journaled in
the same transaction when the step ends."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.app.incoming import Incoming, Pressed
from bot.app.outgoing import encode_reply, encode_text
from bot.app.services import Services
from bot.domain import Participant, Purpose, Reply, Text, Verbatim
from bot.i18n import Translator, negotiate
from bot.storage import Conn, outbox, people
from bot.storage.db import one
from bot.storage.outbox import Letter, OutboxRow, enqueue


@dataclass(frozen=True)
class Handled:
    """What the transport does once a step is committed: answer the press, deliver what was journaled."""

    chat: int | None
    press: Pressed | None = None
    toast: str | None = None
    alert: bool = False
    claimed: tuple[OutboxRow, ...] = ()  # journaled already claimed: deliver them now, in order
    waiting: bool = False  # journaled behind older rows of the chat: work through the chat
    others: bool = False  # rows for other people were queued (a notice to everyone): look at the outbox now


class Step:
    """The context of one update: its transaction (`conn`), the sender as stored, and what it says back."""

    def __init__(self, svc: Services, conn: Conn, incoming: Incoming) -> None:
        self.svc = svc
        self.conn = conn
        self.incoming = incoming
        self.now = svc.clock()
        sender = incoming.sender
        self.person: Participant | None = people.by_telegram(conn, sender.telegram_id) if sender else None
        self.locale: str | None = self.person.locale if self.person else None
        self._said: list[dict[str, Any]] = []
        self._after: list[Letter] = []
        self._toast: tuple[Text, bool] | None = None
        mark = one(conn, "SELECT MAX(id) FROM outbox")
        self._outbox_mark = int(mark[0] or 0) if mark else 0

    # ---- who -------------------------------------------------------------------------------------------

    @property
    def hint(self) -> str | None:
        """The shipped language closest to the sender's Telegram app language: a hint, not their choice."""
        return negotiate(self.incoming.sender.language_hint) if self.incoming.sender else None

    @property
    def telegram_id(self) -> int:
        """The sender's Telegram id (to find them in the store, never to show)."""
        assert self.incoming.sender is not None
        return self.incoming.sender.telegram_id

    @property
    def source_message(self) -> int | None:
        """The message this update is (an idea keeps it, so an edit of the message changes the idea)."""
        return self.incoming.message_id

    @property
    def translator(self) -> Translator:
        """The sender's language: chosen, else their app's if shipped, else the installation's."""
        return self.svc.translator_for(self.locale, self.hint)

    def participant(self) -> Participant:
        """The sender as a participant, created (without a language yet) when new."""
        if self.person is None:
            self.person = people.ensure(self.conn, self.telegram_id)
        return self.person

    def set_locale(self, code: str) -> None:
        """Store the sender's chosen language; what this step says from now on is in it."""
        person = self.participant()
        people.set_locale(self.conn, person.id, code)
        self.person, self.locale = replace(person, locale=code), code

    # ---- saying ----------------------------------------------------------------------------------------

    def say(self, reply: Reply | Text) -> None:
        """A message to the sender's chat."""
        reply = reply if isinstance(reply, Reply) else Reply(reply)
        self._said.append({"do": "send", **encode_reply(reply)})

    def afterwards(self, letters: list[Letter]) -> None:
        """Outbox rows that come after what this step says (a report on what it set going follows its reply)."""
        self._after.extend(letters)

    def say_lines(self, lines: list[str], buttons: tuple[tuple[Any, ...], ...] = ()) -> None:
        """Lines already put together in the sender's language (a list, a status), with buttons."""
        self.say(Reply(Verbatim(self.translator.directed("\n".join(lines))), buttons))

    def edit(self, reply: Reply | Text | None, chosen: tuple[Text, ...] = ()) -> None:
        """Change the message whose button was pressed (None: only remove its buttons); ticked `chosen` lines."""
        press = self.incoming.press
        if press is None or press.message_id is None:
            return
        data: dict[str, Any] = {"do": "edit", "message": press.message_id}
        if reply is not None:
            data["reply"] = encode_reply(reply if isinstance(reply, Reply) else Reply(reply))
        if chosen:
            data["chosen"] = [encode_text(text) for text in chosen]
        self._said.append(data)

    def answer(self, text: Text, alert: bool = False) -> None:
        """A short notice on the pressed button (the first one counts)."""
        if self._toast is None:
            self._toast = (text, alert)

    def attach(self, do: str, **reference: Any) -> None:
        """A picture, document or voice note made when it is sent, from a reference (e.g. a chart of a session)."""
        self._said.append({"do": do, **reference})

    # ---- the end ---------------------------------------------------------------------------------------

    def finish(self) -> Handled:
        """Journal what the step said, in its transaction; what the transport does next."""
        incoming = self.incoming
        locale = self.translator.locale
        # A reply to a group (the bot was added to one) is nobody's: a 403 there must not stop its adder.
        recipient = self.person.id if self.person is not None and incoming.private else None
        if recipient is not None and one(self.conn, "SELECT 1 FROM participant WHERE id = ?", (recipient,)) is None:
            recipient = None  # declined consent: nothing about them is kept, the answer still goes to the chat
        letters = [
            Letter(
                Purpose.REPLY,
                recipient,
                f"{incoming.key}:{number}",
                self.now,
                {**said, "locale": locale},
                chat_id=incoming.chat_id,
            )
            for number, said in enumerate(combined(self._said))
        ]
        claimed = outbox.journal(self.conn, incoming.chat_id, recipient, letters, self.svc.db.worker)
        enqueue(self.conn, self._after)
        others = one(
            self.conn,
            "SELECT 1 FROM outbox WHERE id > ? AND status = 'pending' AND purpose != ? LIMIT 1",
            (self._outbox_mark, Purpose.REPLY.value),
        )
        toast = self._toast
        return Handled(
            incoming.chat_id,
            incoming.press,
            self.translator.text(toast[0]) if toast else None,
            bool(toast and toast[1]),
            tuple(claimed),
            bool(letters) and not claimed,
            others is not None,
        )


def combined(said: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What a step said, with a text that runs on into the next message sent as that message's opening lines: one
    message where a person reads one, and one fewer against Telegram's limits."""
    folded: list[dict[str, Any]] = []
    for entry in said:
        before = folded[-1] if folded else None
        if before is not None and before.get("runs_on") and entry["do"] == "send":
            folded[-1] = {**entry, "lead": [*before.get("lead", []), before["text"]]}
        else:
            folded.append(entry)
    return folded
