"""What loading a workflow against a server's schema would drop, said aloud (pure): nodes whose
type the server lacks (an uninstalled node pack, an older server), node ids used twice, and
the edges the GUI's validator removes, each with the GUI's reason in words.

The GUI warns on load and refuses to enqueue a workflow with a missing node template; the
generator warns with these, and the client refuses before enqueueing (``Unrunnable``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .connectors import is_invocation
from .edge_validation import edge_issues
from .templates import NodeTemplate

__all__ = ["LoadProblem", "load_problems", "upstream_nodes"]

# The GUI's i18n keys for dropped edges, in words.
_EDGE_REASONS = {
    "nodes.missingNode": "it connects a node that is not in the workflow",
    "nodes.missingTemplate": "one of its nodes has a type the server does not know",
    "nodes.missingInvocationTemplate": "one of its nodes has a type the server does not know",
    "nodes.sourceNodeFieldDoesNotExist": "the source node has no such output",
    "nodes.targetNodeFieldDoesNotExist": "the target node has no such input",
    "nodes.missingFieldTemplate": "the target node has no such input",
    "nodes.cannotConnectToSelf": "it connects a node to itself",
    "nodes.cannotDuplicateConnection": "it repeats another edge",
    "nodes.cannotConnectToDirectInput": "the input takes no connection",
    "nodes.inputMayOnlyHaveOneConnection": "the input already has a connection",
    "nodes.connectionWouldCreateCycle": "it would make a cycle",
    "nodes.fieldTypesMustMatch": "the output's type does not fit the input",
    "nodes.cannotMixAndMatchCollectionItemTypes": "the collection's item types do not match",
}


@dataclass(frozen=True)
class LoadProblem:
    kind: str  # "missing-type", "duplicate-id" or "dropped-edge"
    node_id: str | None
    node_type: str | None
    message: str


def _node_type(node: Mapping[str, Any]) -> str | None:
    data = node.get("data")
    value = data.get("type") if isinstance(data, Mapping) else None
    return value if isinstance(value, str) else None


def load_problems(
    workflow_data: Mapping[str, Any], templates: Mapping[str, NodeTemplate]
) -> list[LoadProblem]:
    nodes = [n for n in workflow_data.get("nodes") or [] if isinstance(n, dict)]
    edges = [e for e in workflow_data.get("edges") or [] if isinstance(e, Mapping)]
    problems: list[LoadProblem] = []
    seen: set[str] = set()
    for node in nodes:
        node_id = str(node.get("id"))
        if node_id in seen:
            problems.append(LoadProblem(
                "duplicate-id", node_id, _node_type(node),
                f"node id {node_id!r} is used by more than one node; only one of them would run",
            ))  # fmt: skip
        seen.add(node_id)
        node_type = _node_type(node)
        if is_invocation(node) and node_type is not None and node_type not in templates:
            problems.append(LoadProblem(
                "missing-type", node_id, node_type,
                f"node {node_id!r} has type {node_type!r}, which the server does not know "
                "(a node pack not installed, or an older server)",
            ))  # fmt: skip
    for edge, issue in edge_issues(nodes, edges, templates):
        if issue is None:
            continue
        where = (
            f"{edge.get('source')}.{edge.get('sourceHandle')} -> "
            f"{edge.get('target')}.{edge.get('targetHandle')}"
        )
        reason = _EDGE_REASONS.get(issue, issue)
        problems.append(LoadProblem(
            "dropped-edge", str(edge.get("target")), None,
            f"edge {where} is dropped, as the GUI drops it: {reason}",
        ))  # fmt: skip
    return problems


def upstream_nodes(workflow_data: Mapping[str, Any], node_id: str) -> set[str]:
    """``node_id`` and every node that feeds it, through any chain of edges."""
    feeds: dict[str, list[str]] = {}
    for edge in workflow_data.get("edges") or []:
        if isinstance(edge, Mapping):
            feeds.setdefault(str(edge.get("target")), []).append(str(edge.get("source")))
    found = {node_id}
    todo: Sequence[str] = [node_id]
    while todo:
        todo = [s for n in todo for s in feeds.get(n, []) if s not in found]
        found.update(todo)
    return found
