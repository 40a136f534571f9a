"""A local stand-in for the Telegram Bot API, faithful to the official documentation's behaviour."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import re
import struct
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

from bot.sandbox.faults import Fault, Unreliable
from bot.sandbox.flood import SENDING, FloodLimit
from bot.sandbox.params import ApiError, Params, bad_request, read_params
from bot.sandbox.world import ChatMessage, World, now
from bot.storage.inbound import chat_of

log = logging.getLogger(__name__)

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
UPDATE_KINDS = ("message", "edited_message", "callback_query", "my_chat_member", "chat_member")
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)
CUT_BY_WEBHOOK = "Conflict: terminated by setWebhook request"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_HTML_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")

Method = Callable[[Params], Awaitable[Any]]
Observer = Callable[[str, Params, Any], None]


WEBHOOK_TIMEOUT = 10.0  # seconds the stand-in waits for the bot's answer to a post before trying again
WEBHOOK_RETRY = 0.5  # seconds between tries of an update the bot did not take (Telegram waits longer)


@dataclass
class Webhook:
    """Where updates are posted, with the secret the bot checks, and the last failure to deliver."""

    url: str
    secret: str | None
    connections: int
    last_error: tuple[int, str] | None = None


def _posted_for(update: dict[str, Any]) -> tuple[str, int]:
    """What an update's post waits behind: the last post to the same chat (an update without a chat: nothing)."""
    chat = chat_of(update)
    return ("chat", chat) if chat is not None else ("update", int(update["update_id"]))


@dataclass(frozen=True)
class WebhookAnswer:
    """One post of an update to the webhook: the HTTP status (None: no answer) and how long it took."""

    update_id: int
    status: int | None
    seconds: float


class StandIn:
    """Serves the Bot API subset inspraak uses on 127.0.0.1, for one bot token."""

    def __init__(
        self,
        token: str,
        username: str = "inspraak_sandbox_bot",
        first_update_id: int = 100_000,
        flood: FloodLimit | None = None,
        unreliable: Unreliable | None = None,
    ) -> None:
        self.token = token
        self.flood = flood  # Telegram's flood limits, when set: sending too fast is answered with 429
        self.unreliable = unreliable  # a network that fails now and then, when set
        self.observers: list[Observer] = []  # told of every successful call: (method, params, result)
        bot_id = int(token.split(":", 1)[0])
        self.world = World(
            bot={
                "id": bot_id,
                "is_bot": True,
                "first_name": "inspraak",
                "username": username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            },
            first_update_id=first_update_id,
        )
        self.calls: deque[tuple[str, dict[str, Any]]] = deque(maxlen=5000)
        self.changed = asyncio.Condition()
        self.polling = asyncio.Event()  # set once the bot takes updates: it polls, or it set a webhook
        self._poll_generation = 0
        self._allowed: tuple[str, ...] | None = None
        self._runner: web.AppRunner | None = None
        self._faults: dict[str, list[ApiError]] = {}
        self._delivered: set[int] = set()
        self._kicks = 0  # bumped to end waiting long polls early (after injecting a fault)
        self.port = 0
        self.webhook: Webhook | None = None  # set: updates are posted to the bot instead of waiting for getUpdates
        self.webhook_answers: list[WebhookAnswer] = []  # every delivery by webhook, as the bot answered it
        self._posting: asyncio.Task[None] | None = None
        self._cut_short = CONFLICT  # why a waiting long poll ended: another getUpdates, or a webhook was set
        self._methods: dict[str, Method] = {
            name.lower(): getattr(self, "_" + _snake(name))
            for name in (
                "getMe",
                "getUpdates",
                "setWebhook",
                "deleteWebhook",
                "getWebhookInfo",
                "logOut",
                "close",
                "sendMessage",
                "editMessageText",
                "editMessageReplyMarkup",
                "deleteMessage",
                "answerCallbackQuery",
                "sendPhoto",
                "sendVoice",
                "sendDocument",
                "sendChatAction",
                "getFile",
                "setMyCommands",
                "getMyCommands",
                "deleteMyCommands",
            )
        }

    # ---- serving -------------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        """The base URL to give the bot (PTB's `base_url` form)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """The file base URL to give the bot."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def app(self) -> web.Application:
        """The aiohttp application serving the API and file downloads."""
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._serve_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._serve_file)
        return app

    async def start(self, port: int = 0) -> None:
        """Listen on 127.0.0.1 (a free port unless one is given)."""
        self._runner = web.AppRunner(self.app(), access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        """Stop listening; waiting long polls end, and so does delivery by webhook."""
        self._poll_generation += 1
        if self._posting is not None:
            self._posting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._posting
            self._posting = None
        await self.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def restart_update_ids(self, first: int) -> None:
        """Number new updates from `first` on, as Telegram does after a quiet week (it may be lower than before)."""
        self.world.restart_update_ids(first)

    def fail_next(self, method: str, error: ApiError, times: int = 1) -> None:
        """Answer the next calls of a method with an error, as Telegram might (429, 502, ...).

        A long poll already waiting ends at once with no updates, so the next call meets the error.
        """
        self._faults.setdefault(method.lower(), []).extend([error] * times)
        self._kicks += 1
        asyncio.get_running_loop().create_task(self.notify())

    async def redeliver(self, update: dict[str, Any]) -> None:
        """Deliver an update again, unchanged, as Telegram does when a confirmation was lost."""
        self.world.updates.append(update)
        self.world.updates.sort(key=lambda u: int(u["update_id"]))
        await self.notify()

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait until something the bot does makes `condition` true (TimeoutError after `timeout`)."""

        async def waiting() -> None:
            async with self.changed:
                await self.changed.wait_for(condition)

        await asyncio.wait_for(waiting(), timeout)

    async def notify(self) -> None:
        """Wake everyone waiting for a change (long polls and simulated people)."""
        async with self.changed:
            self.changed.notify_all()

    async def _serve_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _answer(ApiError(401, "Unauthorized").body(), 401)
        method = self._methods.get(request.match_info["method"].lower())
        if method is None:
            return _answer(ApiError(404, "Not Found").body(), 404)
        try:
            params = Params(await read_params(request))
            self.calls.append((request.match_info["method"], params.raw))
            name = request.match_info["method"].lower()
            faults = self._faults.get(name)
            if faults:
                raise faults.pop(0)
            fault = self.unreliable.decide(name) if self.unreliable is not None else None
            if fault is Fault.BAD_GATEWAY:
                raise ApiError(502, "Bad Gateway")
            if fault is Fault.DROPPED_BEFORE:
                return _dropped(request)
            if self.flood is not None and name in SENDING:
                self._admit(self.flood, params)
            result = await method(params)
            if fault is Fault.DROPPED_AFTER:
                return _dropped(request)
        except ApiError as error:
            return _answer(error.body(), error.code)
        for observer in self.observers:
            observer(name, params, result)
        return _answer({"ok": True, "result": result}, 200)

    @staticmethod
    def _admit(flood: FloodLimit, params: Params) -> None:
        chat_id = params.integer("chat_id")
        retry_after = flood.admit(chat_id) if chat_id is not None else None
        if retry_after is not None:
            raise ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)

    async def _serve_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _answer(ApiError(401, "Unauthorized").body(), 401)
        path = request.match_info["path"]
        for stored in self.world.files.values():
            if stored.path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return _answer(ApiError(404, "Not Found").body(), 404)

    # ---- updates -------------------------------------------------------------------------------

    async def _get_me(self, p: Params) -> Any:
        return self.world.bot

    def _drop_pending(self, p: Params) -> None:
        if p.flag("drop_pending_updates"):
            dropped = self.world.updates
            if dropped:
                self.world.confirmed_through = dropped[-1]["update_id"]
            self.world.updates = []

    async def _set_webhook(self, p: Params) -> Any:
        url = p.text("url", missing="url is empty")
        if url == "":
            return await self._delete_webhook(p)
        assert url is not None
        if not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):  # Telegram posts over HTTPS
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.text("secret_token")
        if secret is not None and not SECRET_TOKEN.match(secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        given = p.integer("max_connections")
        connections = 40 if given is None else given
        if not 1 <= connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = p.structure("allowed_updates")
        if isinstance(allowed, list):
            self._allowed = tuple(str(kind) for kind in allowed) or None
        self._drop_pending(p)
        self.webhook = Webhook(url, secret, connections)
        self._cut_short = CUT_BY_WEBHOOK
        self._poll_generation += 1  # a long poll still waiting ends with a 409
        if self._posting is None:
            self._posting = asyncio.get_running_loop().create_task(self._post_updates())
        self.polling.set()  # the bot takes updates now, by webhook
        await self.notify()
        return True

    async def _delete_webhook(self, p: Params) -> Any:
        self._drop_pending(p)
        self.webhook = None
        await self.notify()
        return True

    async def _get_webhook_info(self, p: Params) -> Any:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False}
        info["pending_update_count"] = len(self.world.updates)
        if self.webhook is not None:
            info |= {"url": self.webhook.url, "max_connections": self.webhook.connections}
            if self._allowed is not None:
                info["allowed_updates"] = list(self._allowed)
            if self.webhook.last_error is not None:
                info |= {
                    "last_error_date": self.webhook.last_error[0],
                    "last_error_message": self.webhook.last_error[1],
                }
        return info

    async def _post_updates(self) -> None:
        """Deliver queued updates to the webhook as Telegram does: up to the webhook's max_connections posts at
        once, one chat's updates one after another (the next once the last was answered), and an update whose
        post is not answered with a 2xx status within the time-out posted again after a pause."""
        in_flight: set[tuple[str, int]] = set()  # the chats being posted to (an update without one: itself)
        posts: set[asyncio.Task[None]] = set()
        async with ClientSession(timeout=ClientTimeout(total=WEBHOOK_TIMEOUT)) as client:
            try:
                while True:
                    async with self.changed:
                        await self.changed.wait_for(lambda: self._postable(in_flight) is not None)
                        hook, update = self.webhook, self._postable(in_flight)
                    assert hook is not None and update is not None
                    in_flight.add(_posted_for(update))
                    post = asyncio.create_task(self._deliver(client, hook, update, in_flight))
                    posts.add(post)
                    post.add_done_callback(posts.discard)
            finally:
                for post in list(posts):
                    post.cancel()

    def _postable(self, in_flight: set[tuple[str, int]]) -> dict[str, Any] | None:
        """The oldest update that may be posted now, if any."""
        if self.webhook is None or len(in_flight) >= self.webhook.connections:
            return None
        return next((u for u in self.world.updates if self._wanted(u) and _posted_for(u) not in in_flight), None)

    async def _deliver(
        self, client: ClientSession, hook: Webhook, update: dict[str, Any], in_flight: set[tuple[str, int]]
    ) -> None:
        try:
            try:
                taken = await self._post_one(client, hook, update)
            except Exception:  # the stand-in's own fault: say so, and try again as Telegram would
                log.exception("posting an update to the webhook failed")
                taken = False
            if taken:
                self.world.updates = [u for u in self.world.updates if u is not update]
                self.world.confirmed_through = max(self.world.confirmed_through, int(update["update_id"]))
            else:
                await asyncio.sleep(WEBHOOK_RETRY)  # the chat's later updates wait behind this one
        finally:
            in_flight.discard(_posted_for(update))
            await self.notify()

    async def _post_one(self, client: ClientSession, hook: Webhook, update: dict[str, Any]) -> bool:
        headers = {SECRET_HEADER: hook.secret} if hook.secret is not None else {}
        sent = time.perf_counter()
        status: int | None = None
        try:
            async with client.post(hook.url, json=update, headers=headers) as response:
                status = response.status
        except (ClientError, TimeoutError) as error:
            hook.last_error = (now(), f"Connection failed: {type(error).__name__}")
        else:
            if not 200 <= status < 300:
                hook.last_error = (now(), f"Wrong response from the webhook: {status}")
        self.webhook_answers.append(WebhookAnswer(int(update["update_id"]), status, time.perf_counter() - sent))
        return status is not None and 200 <= status < 300

    async def _log_out(self, p: Params) -> Any:
        return True

    async def _close(self, p: Params) -> Any:
        return True

    async def _get_updates(self, p: Params) -> Any:
        offset = p.integer("offset")
        limit = p.integer("limit") or 100
        if not 1 <= limit <= 100:
            limit = 100
        timeout = max(0, p.integer("timeout") or 0)
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_ACTIVE)
        allowed = p.structure("allowed_updates")
        if isinstance(allowed, list):
            self._allowed = tuple(str(kind) for kind in allowed) or None
        self._cut_short = CONFLICT
        self._poll_generation += 1
        generation = self._poll_generation
        kicks = self._kicks
        self._confirm(offset)
        await self.notify()  # an older long poll still waiting now ends with a 409; waiters see the confirmation
        self.polling.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        async with self.changed:
            while True:
                ready = list(itertools.islice((u for u in self.world.updates if self._wanted(u)), limit))
                if ready:
                    self._delivered.update(int(u["update_id"]) for u in ready)
                    return ready
                if generation != self._poll_generation:
                    raise ApiError(409, self._cut_short)
                if kicks != self._kicks:
                    return []
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(self.changed.wait(), remaining)
                except TimeoutError:
                    return []

    def _confirm(self, offset: int | None) -> None:
        updates = self.world.updates
        if offset is None:
            return
        if offset < 0:
            keep = updates[offset:] if -offset < len(updates) else updates
            forgotten = updates[: len(updates) - len(keep)]
        else:  # only what was handed out can be confirmed: ids may restart lower after a quiet week
            forgotten = [u for u in updates if u["update_id"] < offset and u["update_id"] in self._delivered]
            gone = {id(u) for u in forgotten}
            keep = [u for u in updates if id(u) not in gone]
        if forgotten:
            self.world.confirmed_through = max(self.world.confirmed_through, forgotten[-1]["update_id"])
        self.world.updates = keep

    def _wanted(self, update: dict[str, Any]) -> bool:
        if self._allowed is None:
            return not any(kind in update for kind in ("chat_member",))
        return any(kind in update for kind in self._allowed)

    # ---- sending -------------------------------------------------------------------------------

    def _chat(self, p: Params) -> dict[str, Any]:
        chat_id = p.integer("chat_id", missing="chat_id is empty")
        assert chat_id is not None
        chat = self.world.chat_of(chat_id)
        if chat is None:
            raise bad_request("chat not found")
        person = self.world.people.get(chat_id)
        if person is not None and person.blocked_bot:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    async def _post(self, chat: dict[str, Any], **fields: Any) -> Any:
        message = ChatMessage(
            message_id=self.world.next_message_id(chat["id"]),
            chat=chat,
            sender=self.world.bot,
            date=now(),
            from_bot=True,
            **fields,
        )
        self.world.add_message(message)
        await self.notify()
        return message.to_api()

    async def _send_message(self, p: Params) -> Any:
        chat = self._chat(p)
        text = _checked_text(p.text("text"), p.text("parse_mode"), MAX_TEXT, "message is too long")
        if text is None:
            raise bad_request("message text is empty")
        markup = _checked_markup(p.structure("reply_markup"), chat.get("type") == "private")
        return await self._post(chat, text=text, reply_markup=markup)

    async def _send_photo(self, p: Params) -> Any:
        chat = self._chat(p)
        stored = await self._incoming_file(p, "photo", "photos", "jpg")
        width, height = _image_size(stored.data)
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "width": width,
            "height": height,
            "file_size": len(stored.data),
        }
        caption = _checked_text(p.text("caption"), p.text("parse_mode"), MAX_CAPTION, "message caption is too long")
        return await self._post(
            chat, caption=caption, media={"photo": [size]}, reply_markup=_checked_markup(p.structure("reply_markup"))
        )

    async def _send_document(self, p: Params) -> Any:
        chat = self._chat(p)
        upload = p.upload("document")
        stored = await self._incoming_file(p, "document", "documents", "bin")
        document = {"file_id": stored.file_id, "file_unique_id": stored.unique_id, "file_size": len(stored.data)}
        if upload is not None:
            document["file_name"] = upload.filename
            document["mime_type"] = upload.content_type
        caption = _checked_text(p.text("caption"), p.text("parse_mode"), MAX_CAPTION, "message caption is too long")
        return await self._post(
            chat,
            caption=caption,
            media={"document": document},
            reply_markup=_checked_markup(p.structure("reply_markup")),
        )

    async def _send_voice(self, p: Params) -> Any:
        chat = self._chat(p)
        stored = await self._incoming_file(p, "voice", "voice", "oga")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.unique_id,
            "duration": p.integer("duration") or 0,
            "mime_type": "audio/ogg",
            "file_size": len(stored.data),
        }
        caption = _checked_text(p.text("caption"), p.text("parse_mode"), MAX_CAPTION, "message caption is too long")
        return await self._post(
            chat, caption=caption, media={"voice": voice}, reply_markup=_checked_markup(p.structure("reply_markup"))
        )

    async def _incoming_file(self, p: Params, name: str, folder: str, extension: str) -> Any:
        upload = p.upload(name)
        if upload is not None:
            return self.world.store_file(upload.file.read(), folder, extension)
        reference = p.text(name, missing=f"there is no {name} in the request")
        assert reference is not None
        if reference in self.world.files:
            return self.world.files[reference]
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def _send_chat_action(self, p: Params) -> Any:
        self._chat(p)
        p.text("action", missing="action is empty")
        return True

    def _editable(self, p: Params) -> ChatMessage:
        if p.has("inline_message_id"):
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(p)
        message_id = p.integer("message_id", missing="message identifier is not specified")
        assert message_id is not None
        message = self.world.find_message(chat["id"], message_id)
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    async def _edit_message_text(self, p: Params) -> Any:
        message = self._editable(p)
        text = _checked_text(p.text("text"), p.text("parse_mode"), MAX_TEXT, "MESSAGE_TOO_LONG")
        if text is None:
            raise bad_request("message text is empty")
        markup = _checked_markup(p.structure("reply_markup"))
        return await self._apply_edit(message, text, markup)

    async def _edit_message_reply_markup(self, p: Params) -> Any:
        message = self._editable(p)
        return await self._apply_edit(message, message.text, _checked_markup(p.structure("reply_markup")))

    async def _apply_edit(self, message: ChatMessage, text: str | None, markup: dict[str, Any] | None) -> Any:
        old_markup = message.reply_markup if message.buttons else None
        new_markup = markup if markup and markup.get("inline_keyboard") else None
        if text == message.text and new_markup == old_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly "
                "the same as a current content and reply markup of the message"
            )
        message.text, message.reply_markup = text, new_markup
        message.edit_date, message.edits = now(), message.edits + 1
        await self.notify()
        return message.to_api()

    async def _delete_message(self, p: Params) -> Any:
        chat = self._chat(p)
        message_id = p.integer("message_id", missing="message identifier is not specified")
        assert message_id is not None
        message = self.world.find_message(chat["id"], message_id)
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        await self.notify()
        return True

    async def _answer_callback_query(self, p: Params) -> Any:
        query_id = p.text("callback_query_id", missing="QUERY_ID_INVALID")
        assert query_id is not None
        if query_id not in self.world.callback_answers or self.world.callback_answers[query_id] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p.text("text") or ""
        if len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        self.world.callback_answers[query_id] = {"text": text, "show_alert": p.flag("show_alert")}
        await self.notify()
        return True

    async def _get_file(self, p: Params) -> Any:
        file_id = p.text("file_id", missing="file_id is empty")
        assert file_id is not None
        stored = self.world.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        return stored.to_api()

    # ---- commands ------------------------------------------------------------------------------

    def _command_key(self, p: Params) -> tuple[str, str]:
        language = p.text("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("LANG_CODE_INVALID")
        scope = p.structure("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), language

    async def _set_my_commands(self, p: Params) -> Any:
        commands = p.structure("commands")
        if not isinstance(commands, list):
            raise bad_request("commands is empty" if commands is None else "can't parse commands JSON object")
        if len(commands) > 100:
            raise bad_request("too many commands")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            description = str(command.get("description", "")) if isinstance(command, dict) else ""
            if not COMMAND_NAME.match(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.world.commands[self._command_key(p)] = commands
        await self.notify()
        return True

    async def _get_my_commands(self, p: Params) -> Any:
        return self.world.commands.get(self._command_key(p), [])

    async def _delete_my_commands(self, p: Params) -> Any:
        self.world.commands.pop(self._command_key(p), None)
        return True


def _dropped(request: web.Request) -> web.Response:
    """The connection goes down without an answer, as a flaky network or a restarting proxy does it."""
    if request.transport is not None:
        request.transport.abort()
    return web.Response(status=499)


def _answer(body: dict[str, Any], status: int) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda o: json.dumps(o, ensure_ascii=False))


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _checked_text(text: str | None, parse_mode: str | None, limit: int, too_long: str) -> str | None:
    """Validate text the way Telegram does: entities parsed, then empty and length checked."""
    if text is None:
        return None
    visible = _parse_entities(text, parse_mode) if parse_mode else text
    if not visible.strip():
        return None
    if len(visible) > limit:
        raise bad_request(too_long)
    return visible


def _parse_entities(text: str, parse_mode: str) -> str:
    """The visible text after markup, or Telegram's "can't parse entities" error."""
    mode = parse_mode.lower()
    if mode == "html":
        stack: list[str] = []
        for match in re.finditer(r"<(/?)([a-zA-Z-]+)[^>]*>|<|&(?![a-zA-Z]+;|#[0-9]+;)", text):
            if match.group(0) in ("<", "&") or match.group(2) is None:
                raise bad_request(f"can't parse entities: Unexpected character at byte offset {match.start()}")
            closing, tag = match.group(1) == "/", match.group(2).lower()
            if tag not in _HTML_TAGS:
                raise bad_request(
                    f'can\'t parse entities: Unsupported start tag "{tag}" at byte offset {match.start()}'
                )
            if closing:
                if not stack or stack.pop() != tag:
                    raise bad_request(f"can't parse entities: Unexpected end tag at byte offset {match.start()}")
            else:
                stack.append(tag)
        if stack:
            raise bad_request(f"can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"")
        plain = re.sub(r"<[^>]+>", "", text)
        return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    if mode == "markdownv2":
        visible, escaped = [], False
        for position, char in enumerate(text):
            if escaped:
                visible.append(char)
                escaped = False
            elif char == "\\":
                escaped = True
            elif char in _MARKDOWN_V2_RESERVED:
                raise bad_request(
                    f"can't parse entities: Character '{char}' is reserved and must be escaped with the "
                    f"preceding '\\' (at byte offset {position})"
                )
            else:
                visible.append(char)
        return "".join(visible)
    if mode == "markdown":
        return text.replace("*", "").replace("_", "").replace("`", "")
    raise bad_request(f"unsupported parse_mode {parse_mode}")


def _checked_markup(markup: Any, private: bool | None = None) -> dict[str, Any] | None:
    """Validate an inline keyboard as Telegram does (labels present, callback data 1-64 bytes, Mini App buttons
    with an HTTPS address and only in private chats; `private` None: not known here, as for an edit)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return markup
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise bad_request("text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            web_app = button.get("web_app")
            if web_app is not None and not str(dict(web_app).get("url", "")).startswith("https://"):
                raise bad_request("BUTTON_URL_INVALID")  # Mini Apps open only over HTTPS
            if web_app is not None and private is False:
                raise bad_request("BUTTON_TYPE_INVALID")  # and only in private chats
            if data is None and not any(
                key in button for key in ("url", "copy_text", "switch_inline_query", "web_app")
            ):
                raise bad_request("text buttons are unallowed in the inline keyboard")
    return markup


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG (what the bot sends); a square guess for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    return 320, 320
