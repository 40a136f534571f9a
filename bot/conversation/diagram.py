"""A flow drawn as a Mermaid flowchart, to review its shape at a glance."""

from __future__ import annotations

from bot.conversation.spec import Flow, Node


def _ref(node_id: str) -> str:
    """A Mermaid id for a node: `end` is a Mermaid keyword, so it is written capitalised."""
    return "End" if node_id == "end" else node_id


def _flow_ref(flow_id: str) -> str:
    """A Mermaid id for another flow; upper case never collides with a node id (those are lower case)."""
    return f"FLOW_{flow_id}"


def _box(node_id: str, node: Node) -> str:
    """One node: a box with its id and kind, a stadium when the conversation ends there."""
    details = [node.kind, *(["forget"] if node.forget else [])]
    label = f"{node_id} ({', '.join(details)})"
    return f'{_ref(node_id)}(["{label}"])' if node.end else f'{_ref(node_id)}["{label}"]'


def _edges(node_id: str, node: Node) -> list[str]:
    """The arrows leaving one node: labelled branches first, then `next`, then the flow that follows."""
    edges: list[str] = []
    for choice in (node.choose, node.choose_many):
        if choice is not None:
            edges += [f"{_ref(node_id)} -->|{option}| {_ref(target)}" for option, target in choice.branch.items()]
    if node.next is not None:
        edges.append(f"{_ref(node_id)} --> {_ref(node.next)}")
    if node.then is not None:
        edges.append(f"{_ref(node_id)} --> {_flow_ref(node.then)}")
    return edges


def mermaid(flow: Flow) -> str:
    """The flow as a Mermaid `flowchart TD`: nodes in file order, then the flows it leads to, then arrows."""
    lines = ["flowchart TD"]
    lines += [f"    {_box(node_id, node)}" for node_id, node in flow.nodes.items()]
    following = sorted({node.then for node in flow.nodes.values() if node.then is not None})
    lines += [f'    {_flow_ref(flow_id)}[["{flow_id}"]]' for flow_id in following]
    for node_id, node in flow.nodes.items():
        lines += [f"    {edge}" for edge in _edges(node_id, node)]
    return "\n".join(lines) + "\n"
