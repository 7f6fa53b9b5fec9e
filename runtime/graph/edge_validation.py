"""Dropping the edges the GUI drops when it loads a workflow (validateWorkflow's edge pass).

Each edge is checked, in file order, against the templates and against the edges kept so far:
unknown nodes or fields, incompatible types, a second edge into a single input, duplicates and
cycles all remove the edge. The survivors are what the GUI holds and later sends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .connectors import (
    CONNECTOR_IN,
    subtree_edge_ids,
    terminal_target_edges,
    CONNECTOR_OUT,
    find_node,
    is_connector,
    is_invocation,
    resolve_connector_source,
)
from .field_types import are_types_compatible, are_types_equal, is_single_collection_pair, to_item_type
from .templates import SINGLE, FieldType, InputTemplate, NodeTemplate, OutputTemplate

__all__ = ["edge_issues", "input_template", "valid_edges"]

Node = Mapping[str, Any]
Edge = Mapping[str, Any]
Templates = Mapping[str, NodeTemplate]

_IF_INPUTS = ("true_input", "false_input")


class _Invalid(Exception):
    """Why an edge is refused (the GUI's translation key)."""


def _data(node: Node | None) -> Mapping[str, Any]:
    data = node.get("data") if node is not None else None
    return data if isinstance(data, Mapping) else {}


def _template_of(node: Node | None, templates: Templates) -> NodeTemplate | None:
    t = _data(node).get("type")
    return templates.get(t) if isinstance(t, str) else None


def _dynamic_input(raw: Any, name: str) -> InputTemplate | None:
    """A per-node input template saved in the workflow (call_saved_workflow's dynamic inputs)."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("type"), Mapping):
        return None
    t = raw["type"]
    ftype = FieldType(str(t.get("name")), str(t.get("cardinality", SINGLE)), bool(t.get("batch")))
    return InputTemplate(name, ftype, str(raw.get("input", "any")), raw.get("default"))


def input_template(node: Node | None, template: NodeTemplate, name: Any) -> InputTemplate | None:
    """The node's own dynamic template for ``name``, else the type's (getInvocationNodeInputTemplate)."""
    if not isinstance(name, str):
        return None
    dynamic = _data(node).get("dynamicInputTemplates")
    if isinstance(dynamic, Mapping) and name in dynamic:
        found = _dynamic_input(dynamic[name], name)
        if found is not None:
            return found
    return template.inputs.get(name)


def _same_connection(a: Edge, b: Edge) -> bool:
    return (
        a.get("source") == b.get("source")
        and a.get("sourceHandle") == b.get("sourceHandle")
        and a.get("target") == b.get("target")
        and a.get("targetHandle") == b.get("targetHandle")
    )


def _same_target(a: Edge, b: Edge) -> bool:
    return a.get("target") == b.get("target") and a.get("targetHandle") == b.get("targetHandle")


def _effective_source(
    source_id: Any, handle: Any, nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates
) -> tuple[Node, str, OutputTemplate] | None:
    """The invocation output behind a source (through connectors); None if a connector is unfed."""
    node = find_node(nodes, source_id)
    if node is None:
        raise _Invalid("nodes.missingNode")
    if is_connector(node):
        if handle != CONNECTOR_OUT:
            raise _Invalid("nodes.missingFieldTemplate")
        resolved = resolve_connector_source(str(node["id"]), nodes, edges)
        if resolved is None:
            return None
        return _effective_source(resolved[0], resolved[1], nodes, edges, templates)
    if not is_invocation(node):
        raise _Invalid("nodes.missingInvocationTemplate")
    template = _template_of(node, templates)
    if template is None:
        raise _Invalid("nodes.missingInvocationTemplate")
    out = template.outputs.get(handle) if isinstance(handle, str) else None
    if out is None:
        raise _Invalid("nodes.missingFieldTemplate")
    return node, str(handle), out


def _effective_source_of_edge(
    edge: Edge, nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates
) -> tuple[Node, str, OutputTemplate] | None:
    if edge.get("type") != "default" or not isinstance(edge.get("sourceHandle"), str):
        return None
    return _effective_source(edge.get("source"), edge["sourceHandle"], nodes, edges, templates)


def _collect_item_type(
    templates: Templates, nodes: Sequence[Node], edges: Sequence[Edge], node_id: Any
) -> FieldType | None:
    """The item type a collect node already gathers (first ``item`` edge, else its ``collection``)."""
    visited: set[Any] = set()
    current = node_id
    while current not in visited:
        visited.add(current)
        item_edge = next(
            (e for e in edges if e.get("target") == current and e.get("targetHandle") == "item"), None
        )
        if item_edge is not None and item_edge.get("sourceHandle"):
            template = _template_of(find_node(nodes, item_edge.get("source")), templates)
            out = template.outputs.get(item_edge["sourceHandle"]) if template else None
            return to_item_type(out.type) if out else None
        coll_edge = next(
            (e for e in edges if e.get("target") == current and e.get("targetHandle") == "collection"),
            None,
        )
        if coll_edge is None or not coll_edge.get("sourceHandle"):
            return None
        source = find_node(nodes, coll_edge.get("source"))
        if source is None:
            return None
        if _data(source).get("type") == "collect" and coll_edge["sourceHandle"] == "collection":
            current = source.get("id")
            continue
        template = _template_of(source, templates)
        out = template.outputs.get(coll_edge["sourceHandle"]) if template else None
        return to_item_type(out.type) if out else None
    return None


def _has_cycle(source: Any, target: Any, nodes: Sequence[Node], edges: Sequence[Edge]) -> bool:
    """Would the graph of all nodes and edges plus source->target contain a cycle?"""
    succ: dict[Any, set[Any]] = {n.get("id"): set() for n in nodes}
    for e in [*edges, {"source": source, "target": target}]:
        succ.setdefault(e.get("source"), set()).add(e.get("target"))
        succ.setdefault(e.get("target"), set())
    state: dict[Any, int] = {}  # 1 = on the stack, 2 = done
    for root in succ:
        if root in state:
            continue
        stack: list[tuple[Any, list[Any]]] = [(root, list(succ[root]))]
        state[root] = 1
        while stack:
            node, pending = stack[-1]
            if not pending:
                state[node] = 2
                stack.pop()
                continue
            nxt = pending.pop()
            if state.get(nxt) == 1:
                return True
            if nxt not in state:
                state[nxt] = 1
                stack.append((nxt, list(succ[nxt])))
    return False


def validate_connection(
    c: Edge, nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates
) -> str | None:
    """The GUI's validateConnection (strict, nothing ignored): None when the edge may stay."""
    try:
        _check_connection(c, nodes, edges, templates)
    except _Invalid as why:
        return str(why)
    return None


def _check_connection(c: Edge, nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates) -> None:
    if c.get("source") == c.get("target"):
        raise _Invalid("nodes.cannotConnectToSelf")
    edges = [e for e in edges if e.get("id") is not None]  # the GUI filters on ``id !== undefined``
    if any(_same_connection(e, c) for e in edges):
        raise _Invalid("nodes.cannotDuplicateConnection")
    target = find_node(nodes, c.get("target"))
    source_node = find_node(nodes, c.get("source"))
    if target is None:
        raise _Invalid("nodes.missingNode")
    effective = _effective_source(c.get("source"), c.get("sourceHandle"), nodes, edges, templates)

    if is_connector(target):
        if c.get("targetHandle") != CONNECTOR_IN:
            raise _Invalid("nodes.missingFieldTemplate")
        if any(_same_target(e, c) for e in edges):
            raise _Invalid("nodes.inputMayOnlyHaveOneConnection")
        if effective is not None:
            subtree = subtree_edge_ids(str(target["id"]), nodes, edges)
            staged = [e for e in edges if e.get("id") not in subtree]
            for terminal in terminal_target_edges(str(target["id"]), nodes, edges):
                downstream = {
                    "source": c.get("source"),
                    "sourceHandle": c.get("sourceHandle"),
                    "target": terminal.get("target"),
                    "targetHandle": terminal.get("targetHandle"),
                }
                _check_connection(downstream, nodes, staged, templates)
        return  # a connector may end an unresolved chain, and the GUI skips the cycle check here

    if not is_invocation(target):
        raise _Invalid("nodes.missingInvocationTemplate")
    target_template = _template_of(target, templates)
    if target_template is None:
        raise _Invalid("nodes.missingInvocationTemplate")
    target_field = input_template(target, target_template, c.get("targetHandle"))
    if target_field is None:
        raise _Invalid("nodes.missingFieldTemplate")
    if target_field.input == "direct":
        raise _Invalid("nodes.cannotConnectToDirectInput")

    if effective is None:
        # an unfed connector: the GUI checks its other targets' types and skips the cycle check
        _check_unresolved_connector(c, source_node, target_field, nodes, edges, templates)
        return

    src_node, src_handle, src_field = effective
    target_type = _data(target).get("type")
    if target_type == "collect" and c.get("targetHandle") == "item":
        item_type = _collect_item_type(templates, nodes, edges, target.get("id"))
        if item_type is not None and not are_types_equal(src_field.type, item_type):
            raise _Invalid("nodes.cannotMixAndMatchCollectionItemTypes")
    if (
        _data(src_node).get("type") == "collect"
        and src_handle == "collection"
        and target_type == "collect"
        and c.get("targetHandle") == "collection"
    ):
        a = _collect_item_type(templates, nodes, edges, src_node.get("id"))
        b = _collect_item_type(templates, nodes, edges, target.get("id"))
        if a is not None and b is not None and not are_types_equal(a, b):
            raise _Invalid("nodes.cannotMixAndMatchCollectionItemTypes")
    if target_type == "if" and c.get("targetHandle") in _IF_INPUTS:
        _check_if_sibling(c, src_field.type, nodes, edges, templates)
    if any(_same_target(e, c) for e in edges) and target_field.type.name != "CollectionItemField":
        raise _Invalid("nodes.inputMayOnlyHaveOneConnection")
    if _data(src_node).get("type") == "if" and src_handle == "value":
        if_types = _if_input_types(src_node, nodes, edges, templates)
        if if_types:
            if not all(are_types_compatible(t, target_field.type) for t in if_types):
                raise _Invalid("nodes.fieldTypesMustMatch")
        elif not are_types_compatible(src_field.type, target_field.type):
            raise _Invalid("nodes.fieldTypesMustMatch")
    elif not are_types_compatible(src_field.type, target_field.type):
        raise _Invalid("nodes.fieldTypesMustMatch")
    if _has_cycle(c.get("source"), c.get("target"), nodes, edges):
        raise _Invalid("nodes.connectionWouldCreateCycle")


def _check_unresolved_connector(
    c: Edge,
    source_node: Node | None,
    target_field: InputTemplate,
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    templates: Templates,
) -> None:
    """An unfed connector may feed this input only if its other targets take a compatible type."""
    if not (is_connector(source_node) and c.get("sourceHandle") == CONNECTOR_OUT):
        raise _Invalid("nodes.fieldTypesMustMatch")
    assert source_node is not None
    for terminal in terminal_target_edges(str(source_node["id"]), nodes, edges):
        if _same_target(terminal, c):
            continue
        other = find_node(nodes, terminal.get("target"))
        if other is None or not is_invocation(other):
            raise _Invalid("nodes.missingInvocationTemplate")
        other_template = _template_of(other, templates)
        if other_template is None:
            raise _Invalid("nodes.missingInvocationTemplate")
        other_field = other_template.inputs.get(str(terminal.get("targetHandle")))
        if other_field is None:
            raise _Invalid("nodes.missingFieldTemplate")
        a, b = other_field.type, target_field.type
        if not (are_types_compatible(a, b) or are_types_compatible(b, a) or is_single_collection_pair(a, b)):
            raise _Invalid("nodes.fieldTypesMustMatch")


def _check_if_sibling(
    c: Edge, source_type: FieldType, nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates
) -> None:
    sibling_handle = "false_input" if c.get("targetHandle") == "true_input" else "true_input"
    sibling = next(
        (e for e in edges if e.get("target") == c.get("target") and e.get("targetHandle") == sibling_handle),
        None,
    )
    if sibling is None:
        return
    found = _effective_source_of_edge(sibling, nodes, edges, templates)
    if found is None:
        raise _Invalid("nodes.fieldTypesMustMatch")
    other = found[2].type
    if not (
        are_types_compatible(source_type, other)
        or are_types_compatible(other, source_type)
        or is_single_collection_pair(source_type, other)
    ):
        raise _Invalid("nodes.fieldTypesMustMatch")


def _if_input_types(
    if_node: Node, nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates
) -> list[FieldType]:
    types: list[FieldType] = []
    for e in edges:
        if e.get("target") == if_node.get("id") and e.get("targetHandle") in _IF_INPUTS:
            try:
                found = _effective_source_of_edge(e, nodes, edges, templates)
            except _Invalid:
                continue
            if found is not None:
                types.append(found[2].type)
    return types


def valid_edges(nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates) -> list[Edge]:
    """The edges the GUI keeps when loading, in their original order."""
    return [edge for edge, issue in edge_issues(nodes, edges, templates) if issue is None]


def edge_issues(
    nodes: Sequence[Node], edges: Sequence[Edge], templates: Templates
) -> list[tuple[Edge, str | None]]:
    """Each edge with why the GUI drops it (its i18n key, e.g. "nodes.missingNode"), or None."""
    kept: list[Edge] = []
    out: list[tuple[Edge, str | None]] = []
    for edge in edges:
        issue = _edge_issue(edge, nodes, kept, templates)
        if issue is None:
            kept.append(edge)
        out.append((edge, issue))
    return out


def _edge_issue(edge: Edge, nodes: Sequence[Node], kept: Sequence[Edge], templates: Templates) -> str | None:
    source = find_node(nodes, edge.get("source"))
    target = find_node(nodes, edge.get("target"))
    s_template = _template_of(source, templates)
    t_template = _template_of(target, templates)
    default = edge.get("type") == "default"
    if source is None or target is None:
        return "nodes.missingNode"
    if is_invocation(source) and s_template is None:
        return "nodes.missingTemplate"
    if s_template is not None and default and edge.get("sourceHandle") not in s_template.outputs:
        return "nodes.sourceNodeFieldDoesNotExist"
    if is_invocation(target) and t_template is None:
        return "nodes.missingTemplate"
    if (
        t_template is not None
        and is_invocation(target)
        and default
        and input_template(target, t_template, edge.get("targetHandle")) is None
    ):
        return "nodes.targetNodeFieldDoesNotExist"
    if default:
        return validate_connection(edge, nodes, kept, templates)
    return None
