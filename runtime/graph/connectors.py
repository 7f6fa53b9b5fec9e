"""Connector nodes: pass-through nodes of the editor that never reach the execution graph.

A connector has one input handle ``in`` and fans out from ``out``; the real source of anything
wired through a chain of connectors is the invocation feeding the first one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

__all__ = [
    "CONNECTOR_IN",
    "CONNECTOR_OUT",
    "find_node",
    "is_connector",
    "is_invocation",
    "connector_out_edges",
    "resolve_connector_source",
    "subtree_edge_ids",
    "terminal_target_edges",
]

CONNECTOR_IN: Final = "in"
CONNECTOR_OUT: Final = "out"

Node = Mapping[str, Any]
Edge = Mapping[str, Any]


def is_invocation(node: Node | None) -> bool:
    return node is not None and node.get("type") == "invocation"


def is_connector(node: Node | None) -> bool:
    return node is not None and node.get("type") == "connector"


def find_node(nodes: Sequence[Node], node_id: Any) -> Node | None:
    """The first node with this id, as the GUI's ``nodes.find`` picks it."""
    for node in nodes:
        if node.get("id") == node_id:
            return node
    return None


def _input_edge(connector_id: str, edges: Sequence[Edge]) -> Edge | None:
    for edge in edges:
        if (
            edge.get("type") == "default"
            and edge.get("target") == connector_id
            and edge.get("targetHandle") == CONNECTOR_IN
            and isinstance(edge.get("sourceHandle"), str)
        ):
            return edge
    return None


def resolve_connector_source(
    connector_id: str, nodes: Sequence[Node], edges: Sequence[Edge]
) -> tuple[str, str] | None:
    """(node id, output field) of the invocation behind a connector chain; None if unfed or cyclic."""
    visited: set[str] = set()
    current = connector_id
    while current not in visited:
        visited.add(current)
        incoming = _input_edge(current, edges)
        if incoming is None:
            return None
        source = find_node(nodes, incoming.get("source"))
        if is_invocation(source):
            assert source is not None
            return str(source["id"]), str(incoming["sourceHandle"])
        if not is_connector(source):
            return None
        assert source is not None
        current = str(source["id"])
    return None


def connector_out_edges(connector_id: str, edges: Sequence[Edge]) -> list[Edge]:
    return [
        e
        for e in edges
        if e.get("type") == "default"
        and e.get("source") == connector_id
        and e.get("sourceHandle") == CONNECTOR_OUT
        and isinstance(e.get("targetHandle"), str)
    ]


def terminal_target_edges(connector_id: str, nodes: Sequence[Node], edges: Sequence[Edge]) -> list[Edge]:
    """The edges leaving a connector tree into non-connector nodes."""
    visited: set[str] = set()

    def walk(cid: str) -> list[Edge]:
        if cid in visited:
            return []
        visited.add(cid)
        found: list[Edge] = []
        for e in connector_out_edges(cid, edges):
            target = find_node(nodes, e.get("target"))
            if target is not None and is_connector(target):
                found.extend(walk(str(target["id"])))
            else:
                found.append(e)
        return found

    return walk(connector_id)


def subtree_edge_ids(connector_id: str, nodes: Sequence[Node], edges: Sequence[Edge]) -> set[Any]:
    """The ids of the edges inside a connector tree."""
    visited: set[str] = set()
    ids: set[Any] = set()

    def visit(cid: str) -> None:
        if cid in visited:
            return
        visited.add(cid)
        for e in connector_out_edges(cid, edges):
            ids.add(e.get("id"))
            target = find_node(nodes, e.get("target"))
            if target is not None and is_connector(target):
                visit(str(target["id"]))

    visit(connector_id)
    return ids
