"""Turning a workflow into the graph InvokeAI runs, exactly as InvokeAI's GUI builds it.

CONTRACT (used by the client; keep these names):
    BuiltGraph, build_graph(workflow_data, schema, *, graph_id=None)

The GUI's path, step by step: load (drop invalid edges, update old nodes), then build the graph
from the editor state (only executable invocation nodes, connected inputs omitted, connectors
resolved, notes and collapsed edges ignored, board auto/none with no auto-add board), and the
batch ``data`` from batch/generator nodes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .batch_nodes import GeneratorResolver, batch_data, is_executable
from .connectors import find_node, is_connector, is_invocation, resolve_connector_source
from .edge_validation import input_template
from .editor_state import loaded_state, template_of
from .node_update import NODES_ACCEPTING_EXTRA_INPUTS
from .schema_index import SchemaIndex
from .templates import UNDEFINED, NodeTemplate, templates_for

__all__ = ["BuiltGraph", "build_graph"]

_CALL_SAVED_WORKFLOW = "call_saved_workflow"
_DYNAMIC_PREFIX = "saved_workflow_input::"


@dataclass
class BuiltGraph:
    graph: dict[str, Any]  # {"id": ..., "nodes": {...}, "edges": [...]}
    # enqueue_batch ``data`` from batch/generator nodes; [] when the workflow has none
    batch_data: list[list[dict[str, Any]]] = field(default_factory=list)


def build_graph(
    workflow_data: dict[str, Any],
    schema: SchemaIndex,
    *,
    graph_id: str | None = None,
    generators: GeneratorResolver | None = None,
) -> BuiltGraph:
    """Build the execution graph from a (migrated) workflow, as the GUI does: nodes updated
    against ``schema``, connected inputs omitted, notes/connector nodes resolved away,
    board auto/none handled with no auto-add board, use_cache/is_intermediate from each node.

    ``generators`` answers what only a server knows (images on a board, dynamic prompts) for
    image/string generator nodes; without it such a workflow raises WorkflowError.
    """
    templates = templates_for(schema)
    nodes, edges = loaded_state(workflow_data, templates)
    graph_nodes = _graph_nodes(nodes, templates)
    graph_edges = _graph_edges(nodes, edges, graph_nodes)
    graph = {
        "id": graph_id if graph_id is not None else str(uuid.uuid4()),
        "nodes": graph_nodes,
        "edges": graph_edges,
    }
    return BuiltGraph(graph, batch_data(nodes, edges, generators))


def _board_value(value: Any) -> Any:
    """The graph value of a board field: "auto"/empty/"none" mean no board (auto-add board is none)."""
    if value == "auto" or value == "none" or not value:
        return UNDEFINED
    return value


def _is_board_instance_value(value: Any) -> bool:
    if value is UNDEFINED or value in ("auto", "none"):
        return True
    return isinstance(value, Mapping) and isinstance(value.get("board_id"), str)


def _node_inputs(node: Mapping[str, Any], template: NodeTemplate) -> dict[str, Any]:
    data: Mapping[str, Any] = node["data"]
    node_type = data.get("type")
    out: dict[str, Any] = {}
    inputs = data.get("inputs")
    for name, instance in (inputs.items() if isinstance(inputs, Mapping) else []):
        value = instance.get("value", UNDEFINED) if isinstance(instance, Mapping) else UNDEFINED
        if node_type == _CALL_SAVED_WORKFLOW and name == "workflow_inputs":
            continue
        if node_type == _CALL_SAVED_WORKFLOW and name.startswith(_DYNAMIC_PREFIX):
            workflow_inputs = dict(out.get("workflow_inputs") or {})
            workflow_inputs[name] = value
            out["workflow_inputs"] = workflow_inputs
            continue
        field_template = input_template(node, template, name)
        if field_template is None:
            if node_type in NODES_ACCEPTING_EXTRA_INPUTS and value is not UNDEFINED:
                out[name] = value
            continue  # the GUI warns "Field template not found" and leaves it out
        if field_template.type.name == "BoardField" and _is_board_instance_value(value):
            out[name] = _board_value(value)
        else:
            out[name] = value
    if node_type == _CALL_SAVED_WORKFLOW and "workflow_inputs" not in out:
        out["workflow_inputs"] = {}
    return out


def _graph_nodes(nodes: Sequence[Mapping[str, Any]], templates: Mapping[str, NodeTemplate]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for node in nodes:
        if not is_invocation(node) or not is_executable(node):
            continue
        template = template_of(node, templates)
        if template is None:
            continue  # unknown to this server: the GUI drops it (its edges were dropped on load)
        data: Mapping[str, Any] = node["data"]
        graph_node: dict[str, Any] = {"type": data.get("type"), "id": node.get("id")}
        graph_node.update(_node_inputs(node, template))
        graph_node["use_cache"] = data.get("useCache", UNDEFINED)
        graph_node["is_intermediate"] = data.get("isIntermediate", UNDEFINED)
        out[str(node.get("id"))] = {k: _plain(v) for k, v in graph_node.items() if v is not UNDEFINED}
    return out


def _plain(value: Any) -> Any:
    """Drop UNDEFINED inside containers, as JSON serialisation of the GUI's objects does."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if v is not UNDEFINED}
    if isinstance(value, list):
        return [None if v is UNDEFINED else _plain(v) for v in value]
    return value


def _graph_edges(
    nodes: Sequence[Mapping[str, Any]],
    edges: Sequence[Mapping[str, Any]],
    graph_nodes: dict[str, Any],
) -> list[dict[str, Any]]:
    executable_ids = {n.get("id") for n in nodes if is_invocation(n) and is_executable(n)}
    seen: set[tuple[Any, Any, Any, Any]] = set()
    out: list[dict[str, Any]] = []
    for edge in edges:
        if edge.get("type") != "default":
            continue  # collapsed edges only draw a folded node
        target = find_node(nodes, edge.get("target"))
        if target is None or not is_invocation(target) or not is_executable(target):
            continue
        source = find_node(nodes, edge.get("source"))
        src_id, src_field = edge.get("source"), edge.get("sourceHandle")
        if is_invocation(source):
            if src_id not in executable_ids:
                continue
        elif is_connector(source):
            resolved = resolve_connector_source(str(src_id), nodes, edges)
            if resolved is None or resolved[0] not in executable_ids:
                continue
            src_id, src_field = resolved
        else:
            continue
        key = (src_id, src_field, edge.get("target"), edge.get("targetHandle"))
        if key in seen:
            continue
        seen.add(key)
        if not src_field or not edge.get("targetHandle"):
            continue
        out.append(
            {
                "source": {"node_id": src_id, "field": src_field},
                "destination": {"node_id": edge.get("target"), "field": edge.get("targetHandle")},
            }
        )
    for e in out:  # an input fed by an edge is left for the edge to fill
        dest = graph_nodes.get(str(e["destination"]["node_id"]))
        if dest is None:
            continue
        name = str(e["destination"]["field"])
        wf_inputs = dest.get("workflow_inputs")
        if (
            dest.get("type") == _CALL_SAVED_WORKFLOW
            and name.startswith(_DYNAMIC_PREFIX)
            and isinstance(wf_inputs, dict)
        ):
            wf_inputs.pop(name, None)
            continue
        dest.pop(name, None)
    return out
