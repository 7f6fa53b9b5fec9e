"""The workflow as InvokeAI's GUI holds it once loaded, before it builds a graph from it.

Loading parses each saved value (see field_values), drops the edges the GUI refuses (see
edge_validation) and updates nodes whose version differs from the schema's (see node_update).

One departure: a value on an input of a type the GUI holds no value for (a node pack's own
model type: the GUI makes such inputs connection-only, with no value) is kept as saved. The GUI
could not have put it there; it is an extension type's value set from Python, and the GUI's
template-blind parse would turn any object into a float generator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .batch_nodes import GENERATOR_TYPES
from .connectors import is_invocation
from .edge_validation import input_template, valid_edges
from ..errors import WorkflowError
from .field_values import coerce_value
from .node_update import NODES_ACCEPTING_EXTRA_INPUTS, connected_input_names, needs_update, update_node
from .templates import STATEFUL_TYPES, UNDEFINED, NodeTemplate
from ..workflow.jsoncopy import json_copy

__all__ = ["loaded_state", "template_of"]


def loaded_state(
    workflow_data: Mapping[str, Any], templates: Mapping[str, NodeTemplate]
) -> tuple[list[dict[str, Any]], list[Mapping[str, Any]]]:
    """The nodes and edges the GUI holds after loading: invalid edges dropped, old nodes updated.

    Works on copies: the input is never mutated.
    """
    raw_nodes = workflow_data.get("nodes")
    raw_edges = workflow_data.get("edges")
    if not isinstance(raw_nodes, list) or not isinstance(raw_edges, list):
        raise WorkflowError(str(workflow_data.get("name") or "<workflow>"), None, "no nodes/edges lists")
    nodes: list[dict[str, Any]] = [
        _parsed_node(n, template_of(n, templates)) for n in raw_nodes if isinstance(n, dict)
    ]
    edges = valid_edges(nodes, [e for e in raw_edges if isinstance(e, Mapping)], templates)
    loaded: list[dict[str, Any]] = []
    for node in nodes:
        data = node.get("data")
        template = template_of(node, templates)
        if template is not None and isinstance(data, Mapping) and needs_update(data, template):
            updated = update_node(node, template, connected_input_names(node.get("id"), edges))
            if updated is not None:
                loaded.append(updated)
                continue
        loaded.append(node)
    return loaded, edges


def template_of(node: Mapping[str, Any], templates: Mapping[str, NodeTemplate]) -> NodeTemplate | None:
    data = node.get("data")
    node_type = data.get("type") if is_invocation(node) and isinstance(data, Mapping) else None
    return templates.get(node_type) if isinstance(node_type, str) else None


def _parsed_node(node: Mapping[str, Any], template: NodeTemplate | None) -> dict[str, Any]:
    """A copy of the node with its input values as the GUI's parser leaves them (but for
    inputs the GUI holds no value for: see the module's docstring)."""
    out = json_copy(dict(node))
    data = out.get("data")
    if not is_invocation(out) or not isinstance(data, dict) or not isinstance(data.get("inputs"), dict):
        return out
    extras = data.get("type") in NODES_ACCEPTING_EXTRA_INPUTS
    for name, instance in data["inputs"].items():
        if name == "generator" and data.get("type") in GENERATOR_TYPES:
            # The GUI's parser reads an image generator with a board as a board field
            # ({board_id} only) and then fails on it at enqueue; generators never reach the
            # graph, so we keep their settings as saved and compute what the user set up.
            continue
        if isinstance(instance, dict):
            saved = instance.get("value", UNDEFINED)
            if saved is not None and saved is not UNDEFINED and _valueless_in_gui(out, template, name):
                continue
            value = coerce_value(saved, accepts_extras=extras)
            if value is UNDEFINED:
                instance.pop("value", None)
            else:
                instance["value"] = value
    return out


def _valueless_in_gui(node: Mapping[str, Any], template: NodeTemplate | None, name: str) -> bool:
    """An input whose type the GUI has no value for (stateless: connection-only)."""
    field = input_template(node, template, name) if template is not None else None
    return field is not None and field.type.name not in STATEFUL_TYPES
