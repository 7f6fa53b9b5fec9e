"""Check a migrated workflow against the 4.0.0 shape and drop keys that shape does not know.

Mirrors the GUI's ``zWorkflowV3`` parse (frontend ``features/nodes/types/workflow.ts``): required
keys must be there with the right JSON type, unknown keys are stripped (zod's default), a few keys
take defaults. Field *values* are kept as saved: the GUI checks them against per-type schemas we
cannot choose without the server's templates (the graph builder checks them against OpenAPI).
The Form is checked in ``form``.
"""

from __future__ import annotations

from typing import Any, Final

from ..errors import WorkflowError
from .migrate import LATEST_VERSION, json_kind

_STRING_KEYS: Final = ("name", "author", "description", "version", "contact", "tags", "notes")
_CATEGORIES: Final = ("user", "default")


def normalize_workflow(workflow: dict[str, Any], source: str) -> dict[str, Any]:
    """A new dict in the 4.0.0 shape; ``form`` is passed through unchecked."""
    out: dict[str, Any] = {}
    if "id" in workflow:
        out["id"] = _string(workflow["id"], source, "id", trim=False)
    for key in _STRING_KEYS:
        out[key] = _string(workflow.get(key), source, key, trim=False, empty_ok=True)
    nodes = _list(workflow.get("nodes"), source, "nodes")
    out["nodes"] = [_node(node, i, source) for i, node in enumerate(nodes)]
    edges = _list(workflow.get("edges"), source, "edges")
    out["edges"] = [_edge(edge, i, source) for i, edge in enumerate(edges)]
    exposed = _list(workflow.get("exposedFields"), source, "exposedFields")
    out["exposedFields"] = [_field_identifier(item, source, f"exposedFields[{i}]") for i, item in enumerate(exposed)]
    out["meta"] = _meta(workflow.get("meta"), source)
    out["form"] = workflow.get("form")
    returns = [n["id"] for n in out["nodes"] if n["type"] == "invocation" and n["data"]["type"] == "workflow_return"]
    if len(returns) > 1:
        raise WorkflowError(source, "nodes", f"a workflow may hold one workflow_return node, found {len(returns)}")
    return out


def _meta(meta: Any, source: str) -> dict[str, Any]:
    meta = _object(meta, source, "meta")
    category = meta.get("category", "user")
    if category not in _CATEGORIES:
        raise WorkflowError(
            source, "meta.category", f"{category!r} is not one the GUI accepts ({' or '.join(_CATEGORIES)})"
        )
    if meta.get("version") != LATEST_VERSION:  # migrate() guarantees it; a bug otherwise
        raise WorkflowError(source, "meta.version", f"expected {LATEST_VERSION} after migration")
    return {"category": category, "version": LATEST_VERSION}


def _node(node: Any, index: int, source: str) -> dict[str, Any]:
    where = f"nodes[{index}]"
    node = _object(node, source, where)
    if isinstance(node.get("id"), str) and node["id"].strip():
        where = f"node {node['id']!r}"
    node_id = _string(node.get("id"), source, f"{where} id")
    kind = node.get("type")
    raw = _object(node.get("data"), source, f"{where} data")
    if kind == "invocation":
        data = _invocation_data(raw, source, where)
    elif kind == "notes":
        data = _simple_data(raw, "notes", ("label", "notes"), source, where)
    elif kind == "connector":
        data = _simple_data(raw, "connector", ("label",), source, where)
    else:
        raise WorkflowError(
            source, where, f"node type {kind!r} is not one a workflow holds (invocation, notes, connector)"
        )
    position = _position(node["position"], source, where) if "position" in node else {"x": 0, "y": 0}
    return {"id": node_id, "type": kind, "data": data, "position": position}


def _invocation_data(raw: dict[str, Any], source: str, where: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": _string(raw.get("id"), source, f"{where} data.id"),
        "version": _semver(raw.get("version"), source, f"{where} data.version"),
        "nodePack": _string(raw.get("nodePack", "invokeai"), source, f"{where} data.nodePack", trim=False),
        "label": _string(raw.get("label"), source, f"{where} data.label", trim=False, empty_ok=True),
        "notes": _string(raw.get("notes"), source, f"{where} data.notes", trim=False, empty_ok=True),
        "type": _string(raw.get("type"), source, f"{where} data.type"),
    }
    inputs = _object(raw.get("inputs"), source, f"{where} data.inputs")
    data["inputs"] = {name: _input(field, source, f"{where} field {name!r}") for name, field in inputs.items()}
    data["dynamicInputTemplates"] = _object(
        raw.get("dynamicInputTemplates", {}), source, f"{where} data.dynamicInputTemplates"
    )
    for key in ("isOpen", "isIntermediate", "useCache"):
        data[key] = _boolean(raw.get(key), source, f"{where} data.{key}")
    return data


def _input(field: Any, source: str, where: str) -> dict[str, Any]:
    field = _object(field, source, where)
    out: dict[str, Any] = {"name": _string(field.get("name"), source, f"{where} name")}
    # A label or description of the wrong type falls back to "" (zod .catch('')), v2's null too.
    for key in ("label", "description"):
        value = field.get(key)
        out[key] = value if isinstance(value, str) else ""
    if "value" in field:
        out["value"] = field["value"]
    return out


def _simple_data(
    raw: dict[str, Any], kind: str, string_keys: tuple[str, ...], source: str, where: str
) -> dict[str, Any]:
    if raw.get("type") != kind:
        raise WorkflowError(source, f"{where} data.type", f"must be {kind!r} for a {kind} node")
    data: dict[str, Any] = {"id": _string(raw.get("id"), source, f"{where} data.id"), "type": kind}
    for key in string_keys:
        data[key] = _string(raw.get(key), source, f"{where} data.{key}", trim=False, empty_ok=True)
    data["isOpen"] = _boolean(raw.get("isOpen"), source, f"{where} data.isOpen")
    return data


def _position(position: Any, source: str, where: str) -> dict[str, Any]:
    position = _object(position, source, f"{where} position")
    out: dict[str, Any] = {}
    for axis in ("x", "y"):
        value = position.get(axis)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise WorkflowError(source, f"{where} position.{axis}", f"must be a number, found {_found(value)}")
        out[axis] = value
    return out


def _edge(edge: Any, index: int, source: str) -> dict[str, Any]:
    where = f"edges[{index}]"
    edge = _object(edge, source, where)
    if isinstance(edge.get("id"), str) and edge["id"].strip():
        where = f"edge {edge['id']!r}"
    out: dict[str, Any] = {key: _string(edge.get(key), source, f"{where} {key}") for key in ("id", "source", "target")}
    kind = edge.get("type")
    out["type"] = kind
    if kind == "default":
        for key in ("sourceHandle", "targetHandle"):
            out[key] = _string(edge.get(key), source, f"{where} {key}")
        if "hidden" in edge:
            out["hidden"] = _boolean(edge["hidden"], source, f"{where} hidden")
    elif kind != "collapsed":
        raise WorkflowError(source, f"{where} type", f"must be 'default' or 'collapsed', found {kind!r}")
    return out


def _field_identifier(item: Any, source: str, where: str) -> dict[str, Any]:
    item = _object(item, source, where)
    return {key: _string(item.get(key), source, f"{where} {key}") for key in ("nodeId", "fieldName")}


def _semver(value: Any, source: str, where: str) -> str:
    # The GUI only asks for three dot-separated non-negative integers (zSemVer; "" coerces to 0).
    text = _string(value, source, where, trim=False)
    parts = text.split(".")
    if len(parts) < 3 or not all(p.strip().isdigit() or not p.strip() for p in parts[:3]):
        raise WorkflowError(source, where, f"{text!r} is not a version like '1.2.0'")
    return text


def _string(value: Any, source: str, where: str, *, trim: bool = True, empty_ok: bool = False) -> str:
    # trim mirrors zod's .trim().min(1) on ids and names.
    if not isinstance(value, str):
        raise WorkflowError(source, where, f"must be a string, found {_found(value)}")
    text = value.strip() if trim else value
    if not text and not empty_ok:
        raise WorkflowError(source, where, "must not be empty")
    return text


def _boolean(value: Any, source: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise WorkflowError(source, where, f"must be true or false, found {_found(value)}")
    return value


def _list(value: Any, source: str, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise WorkflowError(source, where, f"must be a list, found {_found(value)}")
    return value


def _object(value: Any, source: str, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WorkflowError(source, where, f"must be an object, found {_found(value)}")
    return value


def _found(value: Any) -> str:
    # Callers read absent keys with .get(); absent and null read the same, so say both.
    return "nothing (missing or null)" if value is None else f"a JSON {json_kind(value)}"
