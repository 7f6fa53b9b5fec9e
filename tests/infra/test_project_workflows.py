"""The project's own model-free workflows (tests/workflows/*.json) are real InvokeAI exports.

Offline: each file has the 6.14.2 export shape, a well-formed Form whose fields name real node
inputs, Form bounds inside the schema's, and a section in tests/workflows/README.md.
With a server: InvokeAI's workflow library accepts each file, and a graph built from it by a
deliberately simple converter (not the project's graph builder) runs as documented.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

WORKFLOWS_DIR = Path(__file__).resolve().parent.parent / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS_DIR.glob("*.json"))
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "codegen" / "schemas" / "invokeai-6.14.2.json"

# What each workflow does when run with its saved values: (queue status, number of saved images).
EXPECTED_RUN = {
    "blur_image.json": ("completed", 1),
    "fails_at_runtime.json": ("failed", 0),
    "iterate_images.json": ("completed", 3),
    "legacy_exposed.json": ("completed", 1),
    "nested_form.json": ("completed", 1),
    "resize_upload.json": ("completed", 1),
}


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _invocations(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for component in schema["components"]["schemas"].values():
        node_type = component.get("properties", {}).get("type", {}).get("default")
        if node_type and "version" in component:
            found[node_type] = component
    return found


@pytest.fixture(scope="module")
def invocations() -> dict[str, dict[str, Any]]:
    return _invocations(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def test_the_set_is_complete() -> None:
    assert sorted(p.name for p in WORKFLOW_FILES) == sorted(EXPECTED_RUN)


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_export_shape(path: Path, invocations: dict[str, dict[str, Any]]) -> None:
    wf = _load(path)
    legacy = path.name == "legacy_exposed.json"
    assert wf["meta"] == {"category": "user", "version": "3.0.0" if legacy else "4.0.0"}
    nodes = {n["id"]: n for n in wf["nodes"]}
    for node in wf["nodes"]:
        data = node["data"]
        assert node["type"] == "invocation" and data["id"] == node["id"]
        template = invocations[data["type"]]
        assert data["version"] == template["version"], data["type"]
        assert set(data["inputs"]) <= set(template["properties"]), data["type"]
        for name, field in data["inputs"].items():
            assert field["name"] == name
    for edge in wf["edges"]:
        assert edge["type"] == "default"
        assert edge["source"] in nodes and edge["target"] in nodes
        assert edge["targetHandle"] in nodes[edge["target"]]["data"]["inputs"]
        assert edge["id"] == (
            f"reactflow__edge-{edge['source']}{edge['sourceHandle']}"
            f"-{edge['target']}{edge['targetHandle']}"
        )

    # The Form: the structure InvokeAI's validateFormStructure demands.
    form = wf["form"]
    elements = form["elements"]
    root = elements[form["rootElementId"]]
    assert root["type"] == "container" and "parentId" not in root
    reached: set[str] = set()

    def walk(element_id: str) -> None:
        element = elements[element_id]
        reached.add(element_id)
        if element_id != form["rootElementId"]:
            parent = elements[element["parentId"]]
            assert parent["type"] == "container" and element_id in parent["data"]["children"]
        if element["type"] == "container":
            for child in element["data"]["children"]:
                walk(child)

    walk(form["rootElementId"])
    assert reached == set(elements)

    fields = [e for e in elements.values() if e["type"] == "node-field"]
    for element in fields:
        ident = element["data"]["fieldIdentifier"]
        node = nodes[ident["nodeId"]]
        assert ident["fieldName"] in node["data"]["inputs"]
        prop = invocations[node["data"]["type"]]["properties"][ident["fieldName"]]
        settings = element["data"].get("settings") or {}
        lo = prop.get("minimum", prop.get("exclusiveMinimum"))
        hi = prop.get("maximum", prop.get("exclusiveMaximum"))
        if "min" in settings and lo is not None:
            assert settings["min"] >= lo
        if "max" in settings and hi is not None:
            assert settings["max"] <= hi
    if legacy:
        assert fields == [] and wf["exposedFields"]
    else:
        assert fields and wf["exposedFields"] == []


def test_readme_documents_every_workflow() -> None:
    readme = (WORKFLOWS_DIR / "README.md").read_text(encoding="utf-8")
    for path in WORKFLOW_FILES:
        assert f"`{path.name}`" in readme, path.name


# --------------------------------------------------------------------------- with a server


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _simple_graph(wf: dict[str, Any], image_name: str | None) -> dict[str, Any]:
    """Workflow -> execution graph, the simplest way (saved values, no board): validation only."""
    nodes: dict[str, Any] = {}
    connected = {(e["target"], e["targetHandle"]) for e in wf["edges"]}
    for node in wf["nodes"]:
        data = node["data"]
        built: dict[str, Any] = {
            "id": node["id"],
            "type": data["type"],
            "is_intermediate": data["isIntermediate"],
            "use_cache": data["useCache"],
        }
        for name, field in data["inputs"].items():
            if (node["id"], name) in connected or name == "board":
                continue
            if "value" in field:
                built[name] = field["value"]
            elif name == "image" and image_name is not None:
                built[name] = {"image_name": image_name}
        nodes[node["id"]] = built
    edges = [
        {
            "source": {"node_id": e["source"], "field": e["sourceHandle"]},
            "destination": {"node_id": e["target"], "field": e["targetHandle"]},
        }
        for e in wf["edges"]
    ]
    return {"id": "ivk-infra-check", "nodes": nodes, "edges": edges}


@pytest.fixture(scope="module")
def client(invokeai_url: str) -> Any:
    with httpx.Client(base_url=invokeai_url, timeout=60) as http:
        yield http


@pytest.mark.server
@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_workflow_library_accepts(client: httpx.Client, path: Path) -> None:
    wf = _load(path)
    response = client.post("/api/v1/workflows/", json={"workflow": wf})
    assert response.status_code == 200, response.text
    record = response.json()
    try:
        assert record["name"] == wf["name"]
        stored = record["workflow"]
        assert stored["nodes"] == wf["nodes"] and stored["form"] == wf["form"]
    finally:
        client.delete(f"/api/v1/workflows/i/{record['workflow_id']}")


@pytest.fixture(scope="module")
def finished_items(client: httpx.Client) -> dict[str, dict[str, Any]]:
    """Enqueue every workflow's graph at once, then wait for all: file name -> queue item."""
    uploaded = client.post(
        "/api/v1/images/upload",
        params={"image_category": "user", "is_intermediate": "false"},
        files={"file": ("input.png", _png(40, 30), "image/png")},
    )
    assert uploaded.status_code in (200, 201), uploaded.text
    image_name = uploaded.json()["image_name"]
    item_ids: dict[str, int] = {}
    for path in WORKFLOW_FILES:
        graph = _simple_graph(_load(path), image_name)
        body = {"prepend": False, "batch": {"graph": graph, "runs": 1}}
        response = client.post("/api/v1/queue/default/enqueue_batch", json=body)
        assert response.status_code == 200, f"{path.name}: {response.text}"
        (item_ids[path.name],) = response.json()["item_ids"]
    items: dict[str, dict[str, Any]] = {}
    deadline = time.monotonic() + 180
    while len(items) < len(item_ids) and time.monotonic() < deadline:
        for name, item_id in item_ids.items():
            if name not in items:
                item = client.get(f"/api/v1/queue/default/i/{item_id}").json()
                if item["status"] in ("completed", "failed", "canceled"):
                    items[name] = item
        time.sleep(0.2)
    return items


@pytest.mark.server
@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_runs_as_documented(finished_items: dict[str, dict[str, Any]], path: Path) -> None:
    wf = _load(path)
    assert path.name in finished_items, "the queue item did not finish within 180 s"
    item = finished_items[path.name]
    status, saved_images = EXPECTED_RUN[path.name]
    assert item["status"] == status, item.get("error_traceback") or item["status"]
    save_ids = {n["id"] for n in wf["nodes"] if n["data"]["type"] == "save_image"}
    session = item["session"]
    saved = [
        prepared
        for node_id in save_ids
        for prepared in session["source_prepared_mapping"].get(node_id, [])
        if prepared in session["results"]
    ]
    assert len(saved) == saved_images
    if status == "failed":
        assert item["error_type"] == "ZeroDivisionError"
