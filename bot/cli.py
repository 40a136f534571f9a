"""The `inspraak` command: run the bot, or try it locally without Telegram."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import signal
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from telegram.helpers import create_deep_linked_url

from bot import config as configuration
from bot import exports
from bot.app import answer_problems
from bot.config import DEFAULT_DB, SETTINGS, Config, ConfigError
from bot.conversation import FlowError, load_flows
from bot.conversation.diagram import mermaid
from bot.conversation.preview import preview
from bot.domain import Phase, groups_from_names, groups_from_text, normalise_join_code
from bot.i18n import SUPPORTED, Catalogs, CatalogsMissing
from bot.redact import configure_logging
from bot.sandbox import StandIn, TerminalChat, stdin_lines
from bot.sandbox.crowd import Crowd
from bot.storage import Conn, Database, StorageError, is_postgres, meta, privacy, roles, sessions, shown
from bot.tg import PollingStopped, serve
from bot.tg.runner import BOT_USERNAME, WebSide, retention
from bot.tg.webhook import derived_secret
from bot.web import listening_socket, pages

log = logging.getLogger("inspraak")

NO_TOKEN = """\
No bot token is configured, so inspraak starts its local sandbox: a stand-in for Telegram on this
computer, the bot, and a chat in this terminal. Nothing leaves this machine.

To run the real bot: open Telegram, talk to @BotFather, send /newbot, and put the token it gives you
in INSPRAAK_TOKEN (in the environment or in a .env file here), then run `make run` again.
"""


def parser() -> argparse.ArgumentParser:
    """Every command and option, with the environment variable behind each option."""
    common = argparse.ArgumentParser(add_help=False)
    for setting in SETTINGS:
        default = f" (default: {setting.default})" if setting.default else ""
        common.add_argument(
            "--" + setting.name.replace("_", "-"),
            dest=setting.name,
            default=argparse.SUPPRESS,
            metavar=setting.env.removeprefix("INSPRAAK_"),
            help=f"{setting.help} Env: {setting.env}{default}.",
        )
    main = argparse.ArgumentParser(
        prog="inspraak",
        parents=[common],
        description="inspraak: newcomers give their ideas and priorities over Telegram, in their own language. "
        "Settings come from the environment (or a .env file here); options override them.",
    )
    commands = main.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", parents=[common], help="Run the bot (the default); without a token, open the sandbox.")
    commands.add_parser(
        "sandbox", parents=[common], help="Try the bot locally: a Bot API stand-in, the bot and a terminal chat."
    )
    api = commands.add_parser(
        "sandbox-api",
        parents=[common],
        help="Only the Bot API stand-in and the terminal chat, for a bot started separately (make run).",
    )
    api.add_argument("--port", type=int, default=8081, help="Port on 127.0.0.1 (default: 8081).")
    session = commands.add_parser("session", parents=[common], help="Manage sessions from the command line.")
    session_commands = session.add_subparsers(dest="session_command", metavar="ACTION", required=True)
    create = session_commands.add_parser(
        "create", parents=[common], help="Create a session that collects ideas; prints its join link and code."
    )
    create.add_argument("--title", required=True, help="The session's title, shown to participants.")
    create.add_argument("--question", required=True, help="The question participants answer with their ideas.")
    create.add_argument(
        "--groups",
        default="newcomer,professional,resident",
        help="Comma-separated participant groups (default: newcomer,professional,resident, translated).",
    )
    create.add_argument(
        "--languages", default=",".join(SUPPORTED), help="Comma-separated languages offered (default: all shipped)."
    )
    create.add_argument("--idea-limit", type=int, default=10, help="Ideas per participant (default: 10).")
    export = commands.add_parser(
        "export", parents=[common], help="Write a session's data: tables (csv, xlsx) or its report (html, md)."
    )
    export.add_argument("code", metavar="CODE", help="The session's join code.")
    export.add_argument("--format", dest="export_format", choices=exports.FORMATS, default="xlsx")
    export.add_argument("--out", type=Path, required=True, help="A folder, or a file name for xlsx/html/md/png.")
    export.add_argument("--lang", dest="export_lang", choices=SUPPORTED, help="The report's language.")
    backup = commands.add_parser(
        "backup", parents=[common], help="Make a consistent copy of the database, also while the bot runs."
    )
    backup.add_argument("target", type=Path, metavar="PATH", help="Where to write the copy (owner-only).")
    move = commands.add_parser(
        "migrate-to",
        parents=[common],
        help="Copy everything from the SQLite database into an empty PostgreSQL one, verified by counting rows.",
    )
    move.add_argument("url", metavar="URL", help="The PostgreSQL database, e.g. postgresql://inspraak@host/inspraak.")
    purge = commands.add_parser(
        "purge", parents=[common], help="Remove personal data of closed sessions past the retention period."
    )
    purge.add_argument("--dry-run", action="store_true", help="Only say what would be removed.")
    flows_dir = argparse.ArgumentParser(add_help=False)
    flows_dir.add_argument("--dir", type=Path, default=None, help="Folder of flow files (default: the shipped flows).")
    flows = commands.add_parser("flows", parents=[common], help="Check, read and draw the conversation flows.")
    flow_commands = flows.add_subparsers(dest="flows_command", metavar="ACTION", required=True)
    flow_commands.add_parser(
        "check", parents=[common, flows_dir], help="Validate every flow file; non-zero exit on errors."
    )
    show = flow_commands.add_parser("show", parents=[common, flows_dir], help="Print a flow as a participant reads it.")
    show.add_argument("flow_id", metavar="ID", help="The flow's id, e.g. intake.")
    show.add_argument("--lang", default="en", choices=SUPPORTED, help="The language to read it in (default: en).")
    diagram = flow_commands.add_parser(
        "diagram", parents=[common, flows_dir], help="Print a flow as a Mermaid diagram."
    )
    diagram.add_argument("flow_id", metavar="ID", help="The flow's id, e.g. intake.")
    return main


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `inspraak` console script."""
    args = vars(parser().parse_args(argv))
    command = args.pop("command", None) or "run"
    port = int(args.pop("port", 8081))
    task = {k: args.pop(k) for k in list(args) if k not in {s.name for s in SETTINGS}}
    try:
        config = configuration.load(overrides=args)
    except ConfigError as error:
        print(f"inspraak: {error}", file=sys.stderr)
        return 2
    hook = config.webhook_secret or (derived_secret(config.token) if config.token and config.webhook_url else None)
    passwords = [urlsplit(str(where)).password for where in (config.db, task.get("url")) if is_postgres(str(where))]
    found = (config.token, config.translator_key, config.transcriber_key, hook, *passwords)
    keys = [secret for secret in found if secret]
    configure_logging(getattr(logging, config.log_level), secrets=keys)
    try:
        if command == "flows":
            return _flows(task)
        if command == "backup":
            return asyncio.run(_backup(config, task))
        if command == "migrate-to":
            return asyncio.run(_migrate_to(config, str(task["url"])))
        if command == "purge":
            return asyncio.run(_purge(config, bool(task.get("dry_run"))))
        if command == "export":
            return asyncio.run(_export(config, task))
        if command == "session":
            return asyncio.run(_create_session(config, task))
        if command == "sandbox-api":
            return asyncio.run(_sandbox_api(config, port))
        if command == "sandbox" or config.token is None:
            if command == "run":
                print(NO_TOKEN, file=sys.stderr)
            return asyncio.run(_sandbox(config))
        return asyncio.run(_run(config))
    except (ConfigError, StorageError, CatalogsMissing) as error:
        print(f"inspraak: {error}", file=sys.stderr)
        return 2
    except FlowError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 2
    except PollingStopped as error:
        print(f"inspraak: {error}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130


async def _backup(config: Config, task: dict[str, object]) -> int:
    target = task["target"]
    assert isinstance(target, Path)
    if target.exists():
        print(f"inspraak: {target} exists already; choose a new file for the backup", file=sys.stderr)
        return 2
    database = await Database.open(config.db)
    try:
        await database.backup(target)
    finally:
        await database.close()
    print(target)
    return 0


async def _migrate_to(config: Config, url: str) -> int:
    from bot.storage import transfer  # brings PostgreSQL's driver, which only this and a postgresql:// database need

    if is_postgres(config.db) or not is_postgres(url):
        print(
            "inspraak: migrate-to copies the SQLite database (INSPRAAK_DB, --db) into a postgresql:// URL",
            file=sys.stderr,
        )
        return 2
    source = await Database.open(config.db)
    try:
        target = await Database.open(url)
        try:
            counts = await transfer.migrate(source, target)
        finally:
            await target.close()
    finally:
        await source.close()
    for table, there, here in counts:
        print(f"{table:<22}{there:>9} rows copied, {here:>9} in {shown(url)}")
    print(f"All {len(counts)} tables copied; point INSPRAAK_DB at {shown(url)} and start the bot.")
    return 0


async def _purge(config: Config, dry_run: bool) -> int:
    database = await Database.open(config.db)
    try:
        cutoff = datetime.now(UTC) - retention(config)
        work = partial(privacy.purge, cutoff=cutoff, dry_run=dry_run)
        purged = await (database.read(work) if dry_run else database.write(work))
    finally:
        await database.close()
    verb = "Would remove" if dry_run else "Removed"
    print(f"{verb} personal data of {purged.people} people from {len(purged.sessions)} sessions:")
    for code, title in purged.sessions:
        print(f"  {code}  {title}")
    return 0


async def _export(config: Config, task: dict[str, object]) -> int:
    out = task["out"]
    assert isinstance(out, Path)
    database = await Database.open(config.db)
    try:
        code = normalise_join_code(str(task["code"]))
        session = await database.read(partial(sessions.by_code, code=code)) if code else None
        if session is None:
            print(f"inspraak: no session with code {task['code']!r}", file=sys.stderr)
            return 2
        locale = str(task.get("export_lang") or config.language)
        fmt = str(task["export_format"])
        work = partial(
            exports.build, catalogs=Catalogs(), session=session, locale=locale, zone=config.zone, formats=(fmt,)
        )
        files = await database.read(work)
    finally:
        await database.close()
    if not files:
        print(f"inspraak: nothing to write as {fmt} yet (a chart needs votes)", file=sys.stderr)
        return 1
    targets = _places(out, files)
    for path, data in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(path)
    return 0


def _places(out: Path, files: dict[str, bytes]) -> dict[Path, bytes]:
    """Where each file goes: `out` names the main file when it has that file's suffix (what it links to, such as the
    Markdown report's chart, goes beside it under its own name); otherwise `out` is a folder for them all."""
    main = next((name for name in files if out.suffix and name.endswith(out.suffix)), None)
    if main is None:
        return {out / name: data for name, data in files.items()}
    return {(out if name == main else out.parent / name): data for name, data in files.items()}


def _flows(task: dict[str, object]) -> int:
    try:
        directory = task.get("dir")
        flows = load_flows(directory) if isinstance(directory, Path) else load_flows()
    except FlowError as error:
        print("\n".join(error.problems), file=sys.stderr)
        return 1
    action = task["flows_command"]
    if action == "check":
        disagreements = answer_problems(flows)
        if disagreements:
            print("\n".join(disagreements), file=sys.stderr)
            return 1
        names = ", ".join(sorted(flows))
        print(f"{len(flows)} flows are valid, and agree with the code that reads their answers: {names}")
        return 0
    flow = flows.get(str(task["flow_id"]))
    if flow is None:
        print(f"inspraak: no flow {task['flow_id']!r}; there are {', '.join(sorted(flows))}", file=sys.stderr)
        return 2
    if action == "diagram":
        print(mermaid(flow))
    else:
        print(preview(flow, Catalogs().get(str(task["lang"])).render))
    return 0


async def _create_session(config: Config, task: dict[str, object]) -> int:
    languages = tuple(code.strip() for code in str(task["languages"]).split(",") if code.strip())
    unknown = [code for code in languages if code not in SUPPORTED]
    groups = groups_from_text(str(task["groups"]))
    limit = int(str(task["idea_limit"]))
    if unknown or not languages:
        print(
            f"inspraak: unknown language(s) {', '.join(unknown)}; choose from {', '.join(SUPPORTED)}", file=sys.stderr
        )
        return 2
    if not groups or not 1 <= limit <= 100:
        print("inspraak: give at least one group, and an idea limit between 1 and 100", file=sys.stderr)
        return 2
    database = await Database.open(config.db)
    try:
        made = partial(
            sessions.create,
            title=str(task["title"]).strip(),
            question=str(task["question"]).strip(),
            groups=groups,
            languages=languages,
            idea_limit=limit,
            phase=Phase.COLLECTING,
            source_locale=None,
            voting="ranking",
        )
        session = await database.write(made)
        username = await database.read(partial(meta.get, key=BOT_USERNAME))
    finally:
        await database.close()
    link = (
        create_deep_linked_url(username, session.code) if username else f"https://t.me/<your_bot>?start={session.code}"
    )
    print(f"Session created: {session.title}\nJoin code: {session.code}\nJoin link: {link}")
    if not username:
        print("(Start the bot once with this database so the link shows your bot's username.)")
    return 0


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def _run(config: Config) -> int:
    stop = asyncio.Event()
    _stop_on_signals(stop)
    local, web = web_side(config)
    await serve(local, stop, web=web)
    return 0


def web_side(config: Config) -> tuple[Config, WebSide | None]:
    """The web pages' socket, bound now (so a taken port stops the start with a clear message), and the
    configuration with the port it got; none when the pages are switched off."""
    if config.web_port is None:
        return config, None
    try:
        sock = listening_socket(config.web_host, config.web_port)
    except OSError as error:
        raise ConfigError(
            f"the web pages cannot listen on {config.web_host}:{config.web_port} ({error.strerror}): "
            "set INSPRAAK_WEB_PORT to a free port"
        ) from None
    return replace(config, web_port=sock.getsockname()[1]), partial(pages, sock=sock)


def sandbox_token() -> str:
    """A made-up token in Telegram's format, for a stand-in that only lives on this machine."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}:SANDBOX{secrets.token_urlsafe(30)}"


def _data_folder(config: Config) -> Path:
    """Where the sandbox keeps its own files: beside the SQLite database, or in the default folder."""
    return Path(config.db).parent if not is_postgres(config.db) else Path(DEFAULT_DB).parent


async def _sandbox(config: Config) -> int:
    standin = StandIn(sandbox_token())
    db = _data_folder(config) / "sandbox.sqlite3"
    with _logging_to(db.with_name("sandbox.log"), config, standin.token) as log_file:
        await standin.start()
        try:
            await _sandbox_bot(config, standin, db, log_file)
        finally:
            await standin.stop()
    return 0


async def _sandbox_bot(config: Config, standin: StandIn, db: Path, log_file: Path) -> None:
    """The bot against the stand-in, with the demo session and the terminal chat, until the chat ends."""
    chat = TerminalChat(standin, files=_data_folder(config) / "sandbox-files")
    chat.say(f"-- the bot logs to {log_file}, not into this chat")
    coordinator = chat.people[-1]  # one simulated person is an admin, to try the coordinator side
    local, web = web_side(
        replace(
            config,
            token=standin.token,
            api_url=standin.api_url,
            file_url=standin.file_url,
            db=db,
            admins=config.admins | {coordinator.id},
            web_port=0 if config.web_port is None else config.web_port,  # the sandbox has its pages, on this machine
            web_host="127.0.0.1",
            webhook_url=None,  # the stand-in is asked for updates: never post the simulated chat anywhere
        )
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    bot = asyncio.create_task(serve(local, stop, web=web))
    try:
        await asyncio.wait_for(standin.polling.wait(), 30)
        chat.say(f"-- the bot is running against the stand-in (database {local.db})")
        code = await _demo_session(local, coordinator.id)
        chat.say(f"-- a demo session is open: type /start {code} to join it (as a participant would)")
        chat.say(f"-- @{coordinator.person.first_name.lower()} is an admin and coordinator: try /new, /sort, /status")
        chat.say(f"-- the web pages are at {local.pages}: /projector gives the link to the demo session's projector")
        crowd = Crowd(standin, local.db, coordinator, chat.say, default_code=code)
        chat.commands["crowd"] = crowd.as_command()
        chat.say("-- type !crowd to fill the demo session with 30 people, to see the group comparison")
        await _chat_until_stopped(chat, stop, bot)
    finally:
        stop.set()
        await bot


async def _chat_until_stopped(chat: TerminalChat, stop: asyncio.Event, bot: asyncio.Task[None]) -> None:
    """The terminal chat, until the person leaves, a signal stops the sandbox, or the bot ends."""
    chat_task = asyncio.create_task(chat.run(stdin_lines()))
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait({chat_task, stopped, bot}, return_when=asyncio.FIRST_COMPLETED)
    chat_task.cancel()
    stopped.cancel()


@contextmanager
def _logging_to(path: Path, config: Config, token: str) -> Iterator[Path]:
    """Log to a file (owner-only, appended to) rather than into the terminal chat; back to stderr afterwards."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    level = getattr(logging, config.log_level)
    descriptor = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    with open(descriptor, "a", encoding="utf-8", buffering=1) as stream:
        configure_logging(level, secrets=[token], stream=stream)
        try:
            yield path
        finally:
            configure_logging(level, secrets=[token])


DEMO_TITLE = "Demo: feeling at home"


async def _demo_session(config: Config, owner: int) -> str:
    """The sandbox's demo session (made once per sandbox database), owned by the sandbox's admin and collecting."""
    database = await Database.open(config.db)
    try:
        return await database.write(partial(_demo, owner=owner))
    finally:
        await database.close()


def _demo(conn: Conn, owner: int) -> str:
    code = meta.get(conn, "demo_session")
    if code is not None and sessions.by_code(conn, code) is not None:
        return code
    session = sessions.create(
        conn,
        DEMO_TITLE,
        "What would help you most to feel at home in this town?",
        groups_from_names(["newcomer", "professional", "resident"]),
        SUPPORTED,
        5,
        Phase.COLLECTING,
        "en",
        "ranking",
    )
    coordinator = roles.make_coordinator(conn, owner)
    roles.own(conn, coordinator.participant.id, session.id)
    roles.use(conn, coordinator.participant.id, session.id)
    meta.put(conn, "demo_session", session.code)
    return session.code


async def _sandbox_api(config: Config, port: int) -> int:
    standin = StandIn(config.token or sandbox_token())
    await standin.start(port)
    print(
        "The Bot API stand-in listens on 127.0.0.1. In another terminal, start the bot against it:\n\n"
        f"  INSPRAAK_TOKEN='{standin.token}' INSPRAAK_API_URL={standin.api_url} make run\n",
        flush=True,
    )
    stop = asyncio.Event()
    _stop_on_signals(stop)
    chat = TerminalChat(standin)
    chat_task = asyncio.create_task(chat.run(stdin_lines()))
    stopped = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait({chat_task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        chat_task.cancel()
        stopped.cancel()
        await standin.stop()
    return 0
