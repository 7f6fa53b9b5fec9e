"""``client.workflows``: the server's workflow library as typed core API, sync and async, on a
real server."""

from __future__ import annotations

import pathlib
import uuid

import pytest

from ivk_runtime import AsyncInvokeAIClient, InvokeAIClient
from ivk_runtime.api.workflows import (
    WorkflowListItem,
    WorkflowRecord,
    library_body,
    list_workflows_call,
)
from ivk_runtime.errors import NotFound
from ivk_runtime.workflow import load_workflow

BLUR = pathlib.Path(__file__).resolve().parents[1] / "workflows" / "blur_image.json"

pytestmark = pytest.mark.server


def test_library_body_fills_what_the_server_requires() -> None:
    body = library_body({"id": "x", "name": "n", "tags": ["a", "b"], "nodes": [{"id": 1}]}, with_id=False)
    assert "id" not in body and body["tags"] == "a, b" and body["nodes"] == [{"id": 1}]
    assert body["exposedFields"] == [] and body["meta"]["version"]
    assert library_body({"id": "x"}, with_id=True)["id"] == "x"


def test_create_get_update_list_delete(invokeai_url: str) -> None:
    workflow = load_workflow(BLUR)
    name = f"ivk-library-{uuid.uuid4().hex[:8]}"
    with InvokeAIClient(invokeai_url) as client:
        record = client.workflows.create({**workflow.data, "name": name})
        try:
            assert isinstance(record, WorkflowRecord) and record.name == name
            assert record.workflow["id"] == record.workflow_id  # the server gave it its id
            got = client.workflows.get(record.workflow_id)
            assert [n["id"] for n in got.workflow["nodes"]] == [n["id"] for n in workflow.data["nodes"]]
            updated = client.workflows.update(record.workflow_id, {**got.workflow, "description": "v2"})
            assert updated.workflow_id == record.workflow_id and updated.workflow["description"] == "v2"
            mine = client.workflows.list(categories=["user"], query=name)
            assert [(w.workflow_id, w.description) for w in mine] == [(record.workflow_id, "v2")]
            assert all(isinstance(w, WorkflowListItem) for w in mine)
        finally:
            client.workflows.delete(record.workflow_id)
        with pytest.raises(NotFound) as missing:
            client.workflows.get(record.workflow_id)
        assert (missing.value.kind, missing.value.status) == ("workflow", 404)
        with pytest.raises(NotFound):
            client.workflows.delete(record.workflow_id)
        with pytest.raises(NotFound):
            client.workflows.update(record.workflow_id, workflow)


def test_list_reads_every_page(invokeai_url: str) -> None:
    with InvokeAIClient(invokeai_url) as client:
        everything = client.workflows.list()
        assert len({w.workflow_id for w in everything}) == len(everything)
        defaults = client.workflows.list(categories=["default"])
        assert defaults and {w.category for w in defaults} == {"default"}
        # the area's own page size is 100: ask the server page by page as a check
        total = client._json(list_workflows_call(per_page=1))
        assert total["total"] == len(everything)


async def test_the_async_area_saves_a_loaded_workflow(invokeai_url: str) -> None:
    workflow = load_workflow(BLUR)
    async with AsyncInvokeAIClient(invokeai_url) as client:
        record = await client.workflows.create(workflow)  # a Workflow: saved as migrated
        try:
            assert record.name == workflow.name
            assert record.workflow["meta"]["version"] == workflow.data["meta"]["version"]
            names = [w.name for w in await client.workflows.list(categories=["user"])]
            assert workflow.name in names
        finally:
            await client.workflows.delete(record.workflow_id)
