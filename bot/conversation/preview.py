"""A flow as plain text in one language: every node's question and buttons, to proofread a translation."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from bot.conversation.extract import node_texts
from bot.conversation.spec import PLACEHOLDER, Flow, Node
from bot.domain import Msg, Text

Render = Callable[[Text], str]

# Texts the engine sends as a message of their own (not as a button) while collecting.
REPLY_FIELDS = frozenset({"collect.received", "collect.received_voice", "collect.limit_reached"})


def _msg(flow: Flow, node_id: str, field: str, text: str) -> Msg:
    """The message reference the engine builds, with each placeholder filled by its own name."""
    params = {name: "{" + name + "}" for name in PLACEHOLDER.findall(text)}
    return Msg(f"{flow.id}.{node_id}.{field}", text, params)


def _targets(node: Node) -> list[str]:
    """Where a node can lead inside its flow: `next` first, then its branches."""
    targets = [node.next] if node.next is not None else []
    for choice in (node.choose, node.choose_many):
        if choice is not None:
            targets += list(choice.branch.values())
    return targets


def graph_order(flow: Flow) -> list[str]:
    """Node ids breadth-first from `start`, then any node that cannot be reached, in file order."""
    order: list[str] = []
    queue = deque([flow.start])
    while queue:
        node_id = queue.popleft()
        if node_id not in order:
            order.append(node_id)
            queue.extend(_targets(flow.nodes[node_id]))
    return order + [node_id for node_id in flow.nodes if node_id not in order]


def _dynamic(node: Node) -> str | None:
    """The stand-in line for options that come from the session, if the node has them."""
    return f"[{node.source} of the session]" if node.source is not None else None


def _heading(node_id: str, node: Node) -> str:
    """The node's id, kind and where it goes."""
    ways = [
        f"{option} → {target}"
        for choice in (node.choose, node.choose_many)
        if choice
        for option, target in choice.branch.items()
    ]
    if node.next is not None:
        ways.insert(0, f"→ {node.next}")
    if node.end:
        ways.append("end" + (f", then flow {node.then}" if node.then else "") + (", forget" if node.forget else ""))
    return f"{node_id} ({node.kind}) " + "; ".join(ways)


def _node(flow: Flow, node_id: str, render: Render) -> list[str]:
    """One node: heading, rendered question, buttons, and the replies sent while collecting."""
    node = flow.nodes[node_id]
    texts = node_texts(node)
    lines = [f"== {_heading(node_id, node)}", render(_msg(flow, node_id, *texts[0]))]
    dynamic = _dynamic(node)
    if dynamic is not None:
        lines.append(f"  {dynamic}")
    for field, text in texts[1:]:
        shown = render(_msg(flow, node_id, field, text)).replace("\n", "\n    ")
        lines.append(f"  reply: {shown}" if field in REPLY_FIELDS else f"  [{shown}]")
    return lines


def preview(flow: Flow, render: Render) -> str:
    """Every node of the flow in graph order, rendered by `render` (e.g. a Translator's)."""
    blocks = [f"# {flow.id} (version {flow.version}), starts at {flow.start}"]
    blocks += ["\n".join(_node(flow, node_id, render)) for node_id in graph_order(flow)]
    return "\n\n".join(blocks) + "\n"
