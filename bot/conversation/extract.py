"""A Babel extractor for flow files: every text a person can see, under the msgctxt the engine asks for."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import yaml

from bot.conversation.load import FlowError, load_flow
from bot.conversation.spec import Flow, Node

# Babel's extract() looks the function name up in its keywords to learn which argument is the
# context: pgettext is a default keyword (1c,2); `Msg` is the project's own (-k Msg:1c,2).
CONTEXT_KEYWORDS = ("pgettext", "Msg")

Extracted = tuple[int, str, tuple[str, str], list[str]]


def node_texts(node: Node) -> tuple[tuple[str, str], ...]:
    """Every translatable text of a node as (field, source text), `say` first, then buttons and replies."""
    texts: list[tuple[str, str]] = [("say", node.say)]
    choice = node.choose or node.choose_many
    if choice is not None:
        texts += [(f"options.{option.id}", option.label) for option in choice.options]
    if node.choose_many is not None:
        texts.append(("choose_many.done", node.choose_many.done))
    if node.collect is not None:
        spec = node.collect
        texts += [
            ("collect.done", spec.done),
            ("collect.received", spec.received),
            ("collect.received_voice", spec.received_voice),
            ("collect.limit_reached", spec.limit_reached),
            ("collect.over_limit", spec.over_limit),
            ("collect.after_done", spec.after_done),
            ("collect.so_far", spec.so_far),
        ]
    if node.rank is not None:
        texts += [("rank.confirm", node.rank.confirm), ("rank.restart", node.rank.restart)]
    if node.dots is not None:
        texts += [("dots.confirm", node.dots.confirm), ("dots.restart", node.dots.restart)]
    if node.pairwise is not None:
        texts += [("pairwise.skip", node.pairwise.skip), ("pairwise.stop", node.pairwise.stop)]
    if node.text is not None and node.text.skip is not None:
        texts.append(("text.skip", node.text.skip))
    return tuple(texts)


def flow_texts(flow: Flow) -> Iterator[tuple[str, str, str]]:
    """Every translatable text of a flow as (node id, field, source text), nodes in file order."""
    for node_id, node in flow.nodes.items():
        for field, text in node_texts(node):
            yield node_id, field, text


def _lines(node: yaml.Node, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], int]]:
    """The 1-based line of every value in a composed YAML document, by its key path."""
    yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield from _lines(value, (*path, str(key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _lines(item, (*path, str(index)))


def _yaml_path(node: Node, node_id: str, field: str) -> tuple[str, ...]:
    """Where a field's text sits in the file; an option is found by its position in the list."""
    section, _, name = field.partition(".")
    if section == "options":
        choice = node.choose or node.choose_many
        assert choice is not None
        index = next(i for i, option in enumerate(choice.options) if option.id == name)
        return ("nodes", node_id, node.kind, "options", str(index), "label")
    return ("nodes", node_id, section, name) if name else ("nodes", node_id, section)


def _line(lines: Mapping[tuple[str, ...], int], path: tuple[str, ...]) -> int:
    """The line of a path, or of its nearest written ancestor (a default text is not in the file)."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return 1


def _context_keyword(keywords: Collection[str]) -> str:
    """The keyword under which Babel reads our (context, msgid) pairs."""
    for keyword in CONTEXT_KEYWORDS:
        if keyword in keywords:
            return keyword
    raise ValueError("extracting flow files needs a context keyword: keep the default keywords or pass -k Msg:1c,2")


def _validated(fileobj: IO[bytes]) -> Flow:
    """The flow in the file, validated like the bot loads it, so a broken flow is never extracted."""
    name = getattr(fileobj, "name", None)
    if not isinstance(name, str) or not Path(name).is_file():
        raise FlowError(["<stream>: flow files are extracted from files on disk (their name is the flow id)"])
    return load_flow(Path(name))


def extract_flows(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Extracted]:
    """Babel extraction method: one pgettext-like message per text, the node's `note` as translator comment."""
    keyword = _context_keyword(keywords)
    flow = _validated(fileobj)
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    root = yaml.compose(source)
    lines = dict(_lines(root)) if root is not None else {}
    seen: set[str] = set()
    for node_id, field, text in flow_texts(flow):
        context = f"{flow.id}.{node_id}.{field}"
        if context in seen:
            raise FlowError([f"{fileobj.name}: node {node_id!r}, field {field}: appears twice"])
        seen.add(context)
        node = flow.nodes[node_id]
        comments = node.note.splitlines() if node.note else []
        yield _line(lines, _yaml_path(node, node_id, field)), keyword, (context, text), comments
