"""Batch and generator nodes: not part of the graph, they become the enqueue_batch ``data``.

Each batch node lists values (its own, or a generator's feeding it) for every input it is wired
to. Batch nodes sharing a ``batch_group_id`` are zipped into one data item; ungrouped ("None")
ones each form their own item, so the server takes the product.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .connectors import find_node, is_connector, is_invocation, resolve_connector_source
from ..errors import WorkflowError
from .generators import GeneratorResolver, resolve_generator

__all__ = ["GENERATOR_TYPES", "GeneratorResolver", "batch_data", "is_batch_type", "is_executable"]

_BATCH_FIELDS: Final = {
    "image_batch": "images",
    "string_batch": "strings",
    "integer_batch": "integers",
    "float_batch": "floats",
}
GENERATOR_TYPES: Final = frozenset(
    {"image_generator", "string_generator", "integer_generator", "float_generator"}
)


def _node_type(node: Mapping[str, Any]) -> Any:
    data = node.get("data")
    return data.get("type") if isinstance(data, Mapping) else None


def is_batch_type(node_type: Any) -> bool:
    return node_type in _BATCH_FIELDS


def is_executable(node: Mapping[str, Any]) -> bool:
    """Batch and generator nodes never run; everything else may."""
    t = _node_type(node)
    return not is_batch_type(t) and t not in GENERATOR_TYPES


def _input_value(node: Mapping[str, Any], name: str) -> Any:
    inputs = node["data"].get("inputs")
    field = inputs.get(name) if isinstance(inputs, Mapping) else None
    return field.get("value") if isinstance(field, Mapping) else None


def _generator_for(
    edge: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    source = find_node(nodes, edge.get("source"))
    if is_connector(source):
        resolved = resolve_connector_source(str(edge.get("source")), nodes, edges)
        source = find_node(nodes, resolved[0]) if resolved else None
    return source if is_invocation(source) else None


def _batch_values(
    node: Mapping[str, Any],
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    server: GeneratorResolver | None,
) -> list[Any]:
    """The batch's own list, or the values of the generator wired into it (resolveBatchValue)."""
    node_type = str(_node_type(node))
    field = _BATCH_FIELDS[node_type]
    feed = next(
        (e for e in edges if e.get("target") == node.get("id") and e.get("targetHandle") == field), None
    )
    where = f"node {node.get('id')!r}"
    if feed is None:
        own = _input_value(node, field)
        return list(own) if isinstance(own, list) else []
    generator = _generator_for(feed, nodes, edges)
    if generator is None:
        raise WorkflowError("<workflow>", where, f"the generator feeding {field!r} is missing")
    gen_type = str(_node_type(generator))
    return resolve_generator(
        gen_type, _input_value(generator, "generator"), server, where=f"node {generator.get('id')!r}"
    )


def _targets(
    edge: Mapping[str, Any], nodes: Sequence[Mapping[str, Any]], edges: Sequence[Mapping[str, Any]]
) -> list[tuple[Any, Any]]:
    """(node, field) pairs an edge from a batch node feeds; connectors are followed to the
    invocations behind them (the GUI would name the connector, which the server cannot run)."""
    target = find_node(nodes, edge.get("target"))
    if not is_connector(target):
        return [(edge.get("target"), edge.get("targetHandle"))]
    out: list[tuple[Any, Any]] = []
    seen: set[Any] = set()
    stack = [edge.get("target")]
    while stack:
        cid = stack.pop()
        if cid in seen:
            continue
        seen.add(cid)
        for e in edges:
            if e.get("type") == "default" and e.get("source") == cid and e.get("sourceHandle") == "out":
                if is_connector(find_node(nodes, e.get("target"))):
                    stack.append(e.get("target"))
                else:
                    out.append((e.get("target"), e.get("targetHandle")))
    return out


def _group_key(value: Any) -> str:
    """The GUI groups by the value as an object key: undefined becomes "undefined"."""
    if value is None:
        return "undefined"
    return value if isinstance(value, str) else str(value)


def batch_data(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    server: GeneratorResolver | None = None,
) -> list[list[dict[str, Any]]]:
    """enqueue_batch ``data`` from the batch nodes (getBatchDataForWorkflowGeneration)."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for node in nodes:
        if is_invocation(node) and is_batch_type(_node_type(node)):
            groups.setdefault(_group_key(_input_value(node, "batch_group_id")), []).append(node)

    data: list[list[dict[str, Any]]] = []
    for group, members in groups.items():
        zipped: list[dict[str, Any]] = []
        for node in members:
            items = _batch_values(node, nodes, edges, server)
            handle = "image" if _node_type(node) == "image_batch" else "value"
            entries = [
                {"node_path": target, "field_name": name, "items": list(items)}
                for e in edges
                if e.get("source") == node.get("id") and e.get("sourceHandle") == handle
                for target, name in _targets(e, nodes, edges)
                if name
            ]
            if group != "None":
                zipped.extend(entries)
            elif entries:
                data.append(entries)
        if group != "None" and zipped:
            data.append(zipped)
    return data
