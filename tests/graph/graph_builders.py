"""Small 4.0.0 workflows for the graph tests (imported by the test modules)."""

from __future__ import annotations

from typing import Any

from graph_compare import SCHEMA_PATH

from ivk_runtime.graph.schema_index import SchemaIndex

SCHEMA = SchemaIndex.from_file(SCHEMA_PATH)
_MISSING = object()


def node(
    node_id: str,
    node_type: str,
    *,
    version: str | None = None,
    use_cache: bool = True,
    intermediate: bool = True,
    raw_inputs: dict[str, Any] | None = None,
    **values: Any,
) -> dict[str, Any]:
    """An invocation node at the schema's version (unless given); keywords are field values."""
    schema_node = SCHEMA.node(node_type)
    inputs: dict[str, Any] = {
        name: {"name": name, "label": "", "description": "", "value": value} for name, value in values.items()
    }
    inputs.update(raw_inputs or {})
    return {
        "id": node_id,
        "type": "invocation",
        "position": {"x": 0, "y": 0},
        "data": {
            "id": node_id,
            "type": node_type,
            "version": version or (schema_node.version if schema_node else "1.0.0"),
            "label": "",
            "notes": "",
            "isOpen": True,
            "isIntermediate": intermediate,
            "useCache": use_cache,
            "nodePack": "invokeai",
            "inputs": inputs,
        },
    }


def notes(node_id: str, text: str = "a note") -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "notes",
        "position": {"x": 0, "y": 0},
        "data": {"id": node_id, "type": "notes", "label": "", "isOpen": True, "notes": text},
    }


def connector(node_id: str) -> dict[str, Any]:
    return {
        "id": node_id,
        "type": "connector",
        "position": {"x": 0, "y": 0},
        "data": {"id": node_id, "type": "connector", "label": "", "isOpen": True},
    }


def edge(source: str, source_field: str, target: str, target_field: str) -> dict[str, Any]:
    return {
        "id": f"{source}.{source_field}->{target}.{target_field}",
        "type": "default",
        "source": source,
        "sourceHandle": source_field,
        "target": target,
        "targetHandle": target_field,
    }


def collapsed(source: str, target: str) -> dict[str, Any]:
    return {"id": f"collapsed-{source}-{target}", "type": "collapsed", "source": source, "target": target}


def workflow(nodes: list[dict[str, Any]], edges: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "name": "test",
        "meta": {"version": "4.0.0", "category": "user"},
        "nodes": nodes,
        "edges": edges or [],
        "exposedFields": [],
        "form": {"elements": {}, "rootElementId": "root"},
    }


def edge_tuples(graph: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {
        (e["source"]["node_id"], e["source"]["field"], e["destination"]["node_id"], e["destination"]["field"])
        for e in graph["edges"]
    }
