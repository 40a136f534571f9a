"""Reading flow files, with errors that name the file, the node and the field."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.conversation.spec import Flow

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "flows"


class FlowError(ValueError):
    """A flow file that cannot be used; each line says file, place and problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _place(location: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in location]
    if len(parts) >= 2 and parts[0] == "nodes":
        field = ".".join(parts[2:]) or "(the node itself)"
        return f"node {parts[1]!r}, field {field}"
    return "field " + (".".join(parts) or "(the flow itself)")


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice (two nodes with one id would otherwise vanish silently)."""


def _unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"{key!r} is given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_flow(path: Path) -> Flow:
    """One flow file, validated."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        raise FlowError([f"{path}: not valid YAML: {error}"]) from error
    if not isinstance(data, dict):
        raise FlowError([f"{path}: a flow file holds a mapping with id, version, start and nodes"])
    try:
        flow = Flow.model_validate(data)
    except ValidationError as error:
        raise FlowError(
            [f"{path}: {_place(tuple(e['loc']))}: {e['msg']}" for e in error.errors(include_url=False)]
        ) from error
    links = flow.link_problems()
    if links:
        raise FlowError([f"{path}: node {node!r}, field {field}: {problem}" for node, field, problem in links])
    if flow.id != path.stem:
        raise FlowError([f"{path}: the flow id {flow.id!r} must match the file name {path.stem!r}"])
    return flow


def load_flows(directory: Path = DEFAULT_DIR) -> dict[str, Flow]:
    """Every flow in a directory, by id; all problems of all files reported together."""
    flows: dict[str, Flow] = {}
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            flow = load_flow(path)
        except FlowError as error:
            problems.extend(error.problems)
            continue
        flows[flow.id] = flow
    for flow in flows.values():
        for node_id, node in flow.nodes.items():
            if node.then is not None and node.then not in flows:
                problems.append(f"{directory / flow.id}.yaml: node {node_id!r}, field then: no flow {node.then!r}")
    if problems:
        raise FlowError(problems)
    return flows
