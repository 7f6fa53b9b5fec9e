"""Small GUI-format (v3) workflows of model-free nodes, built in code for the runtime tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ivk_runtime.workflow import Workflow, parse_workflow

Node = tuple[str, str, Mapping[str, Any]]  # (id, type, input values)
Edge = tuple[str, str, str, str]  # (source, source field, target, target field)

# Node versions on InvokeAI 6.14.2 (the workflow loader updates older ones anyway).
_VERSIONS = {
    "blank_image": "1.2.2",
    "img_blur": "1.2.2",
    "img_resize": "1.2.2",
    "save_image": "1.2.2",
    "integer": "1.0.1",
    "integer_collection": "1.0.2",
    "iterate": "1.1.0",
    "collect": "1.0.0",
    "range": "1.0.0",
    "div": "1.0.1",
    "add": "1.0.1",
}


def workflow(
    nodes: Sequence[Node],
    edges: Sequence[Edge] = (),
    form: Sequence[tuple[str, str]] = (),
    *,
    no_cache: Sequence[str] = (),
    intermediate: Sequence[str] = (),
    name: str = "ivk-runtime-test",
) -> Workflow:
    """``form`` lists (node id, field) in Form order: Form index i is the i-th pair."""
    gui_nodes = []
    for x, (node_id, node_type, inputs) in enumerate(nodes):
        gui_nodes.append(
            {
                "id": node_id,
                "type": "invocation",
                "position": {"x": 300.0 * x, "y": 0.0},
                "data": {
                    "id": node_id,
                    "type": node_type,
                    "version": _VERSIONS.get(node_type, "1.0.0"),
                    "label": "",
                    "notes": "",
                    "isOpen": True,
                    "isIntermediate": node_id in intermediate,
                    "useCache": node_id not in no_cache,
                    "nodePack": "invokeai",
                    "inputs": {
                        k: {"name": k, "label": "", "description": "", "value": v}
                        for k, v in inputs.items()
                    },
                },
            }
        )
    gui_edges = [
        {
            "id": f"reactflow__edge-{s}{sf}-{t}{tf}",
            "type": "default",
            "source": s,
            "sourceHandle": sf,
            "target": t,
            "targetHandle": tf,
        }
        for s, sf, t, tf in edges
    ]
    elements: dict[str, Any] = {
        "root": {"id": "root", "type": "container", "data": {"layout": "column", "children": []}}
    }
    for i, (node_id, field) in enumerate(form):
        eid = f"node-field-{i:04d}"
        elements[eid] = {
            "id": eid,
            "type": "node-field",
            "parentId": "root",
            "data": {
                "fieldIdentifier": {"nodeId": node_id, "fieldName": field},
                "showDescription": False,
            },
        }
        elements["root"]["data"]["children"].append(eid)
    data = {
        "name": name,
        "author": "",
        "description": "",
        "version": "1.0.0",
        "contact": "",
        "tags": "",
        "notes": "",
        "exposedFields": [],
        "meta": {"category": "user", "version": "3.0.0"},
        "nodes": gui_nodes,
        "edges": gui_edges,
        "form": {"elements": elements, "rootElementId": "root"},
    }
    return parse_workflow(data, f"{name}.json")


def blur_chain(*, board: Any = "none", with_board_input: bool = False) -> Workflow:
    """blank_image(width,height) -> img_blur(radius) -> save_image(board).
    Form: 0 width, 1 height, 2 radius, [3 board]."""
    form = [("blank", "width"), ("blank", "height"), ("blur", "radius")]
    if with_board_input:
        form.append(("save", "board"))
    return workflow(
        [
            (
                "blank",
                "blank_image",
                {
                    "width": 64,
                    "height": 32,
                    "mode": "RGB",
                    "color": {"r": 255, "g": 0, "b": 0, "a": 255},
                },
            ),
            ("blur", "img_blur", {"image": None, "radius": 1, "blur_type": "gaussian"}),
            ("save", "save_image", {"board": board, "image": None}),
        ],
        [("blank", "image", "blur", "image"), ("blur", "image", "save", "image")],
        form,
        no_cache=["blank", "blur", "save"],
        intermediate=["blank", "blur"],
    )
