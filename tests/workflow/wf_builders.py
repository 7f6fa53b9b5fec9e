"""Builders and corpus locations for the workflow-reading tests (imported by the test modules)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

LOCAL_CORPUS = Path(__file__).parents[1] / "corpus"
# /work/shared/corpus next to the repository; absent on machines without the shared data.
SHARED_CORPUS = Path(__file__).parents[2].parent / "shared" / "corpus"
SHARED_REFERENCE_GRAPHS = Path(__file__).parents[2].parent / "shared" / "invokeai" / "reference-graphs"


def invocation(node_id: str, node_type: str, label: str = "", **fields: Any) -> dict[str, Any]:
    """A 3.0.0/4.0.0 invocation node; each keyword is a field name -> value."""
    return {
        "id": node_id,
        "type": "invocation",
        "position": {"x": 0, "y": 0},
        "data": {
            "id": node_id,
            "type": node_type,
            "version": "1.0.0",
            "label": label,
            "notes": "",
            "isOpen": True,
            "isIntermediate": True,
            "useCache": True,
            "nodePack": "invokeai",
            "inputs": {name: {"name": name, "label": "", "value": value} for name, value in fields.items()},
        },
    }


def node_field(element_id: str, parent: str, node_id: str, field_name: str, **data: Any) -> dict[str, Any]:
    return {
        "id": element_id,
        "parentId": parent,
        "type": "node-field",
        "data": {"fieldIdentifier": {"nodeId": node_id, "fieldName": field_name}, **data},
    }


def container(element_id: str, children: list[str], parent: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "id": element_id,
        "type": "container",
        "data": {"layout": "column", "children": children},
    }
    if parent is not None:
        element["parentId"] = parent
    return element


def workflow(
    nodes: list[dict[str, Any]],
    elements: list[dict[str, Any]] | None = None,
    exposed: Sequence[tuple[str, str]] = (),
    version: str = "4.0.0",
) -> dict[str, Any]:
    """A workflow export; ``elements`` (root first) become the Form, absent when None."""
    data: dict[str, Any] = {
        "name": "test",
        "author": "",
        "description": "",
        "version": "",
        "contact": "",
        "tags": "",
        "notes": "",
        "nodes": nodes,
        "edges": [],
        "exposedFields": [{"nodeId": n, "fieldName": f} for n, f in exposed],
        "meta": {"version": version, "category": "user"},
    }
    if elements is not None:
        data["form"] = {"elements": {e["id"]: e for e in elements}, "rootElementId": elements[0]["id"]}
    return data
