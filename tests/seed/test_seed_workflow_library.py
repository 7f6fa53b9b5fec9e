"""``client.workflow_repo``'s library methods on a real server: list, upload (and overwrite),
download and delete saved workflows."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from seed_fakes import REPO

from ivk_runtime.seed import InvokeAIClient, WorkflowDefinition

pytestmark = pytest.mark.server

BLUR = REPO / "tests" / "workflows" / "blur_image.json"


@pytest.fixture(scope="module")
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient.from_url(invokeai_url) as c:
        yield c


@pytest.fixture
def named() -> WorkflowDefinition:
    data = WorkflowDefinition.from_file(BLUR).raw_data
    data["name"] = f"ivk-seed-library-{uuid.uuid4().hex[:8]}"
    return WorkflowDefinition.from_dict(data)


def test_upload_list_download_delete(client: InvokeAIClient, named: WorkflowDefinition) -> None:
    repo = client.workflow_repo
    workflow_id = repo.upload_workflow(named)
    try:
        listed = {w["id"]: w for w in repo.list_available_workflows()}
        assert listed[workflow_id]["name"] == named.name
        assert listed[workflow_id]["category"] == "user"
        assert set(listed[workflow_id]) >= {"id", "name", "description", "author"}
        got = repo.download_workflow(workflow_id)
        assert got is not None and got.name == named.name
        assert [n["id"] for n in got.nodes] == [n["id"] for n in named.nodes]
        # what was downloaded runs here as it was uploaded
        handle = client.workflow_repo.create_workflow(got)
        assert [i.field_name for i in handle.inputs] == [
            i.field_name for i in client.create_workflow(named).inputs
        ]
    finally:
        assert repo.delete_workflow(workflow_id) is True
    assert repo.delete_workflow(workflow_id) is False
    assert repo.download_workflow(workflow_id) is None
    assert workflow_id not in {w["id"] for w in repo.list_available_workflows()}


def test_invokeai_s_own_workflows_are_listed(client: InvokeAIClient) -> None:
    listed = client.workflow_repo.list_available_workflows()
    assert any(w["category"] == "default" for w in listed)


def test_same_name_refused_or_overwritten_in_place(
    client: InvokeAIClient, named: WorkflowDefinition
) -> None:
    repo = client.workflow_repo
    first = repo.upload_workflow(named)
    try:
        with pytest.raises(ValueError, match="already exists"):
            repo.upload_workflow(named)
        data = named.raw_data
        data["description"] = "the second version"
        again = repo.upload_workflow(WorkflowDefinition.from_dict(data), overwrite=True)
        assert again == first
        same = [w for w in repo.list_available_workflows() if w["name"] == named.name]
        assert [w["id"] for w in same] == [first]
        assert same[0]["description"] == "the second version"
    finally:
        repo.delete_workflow(first)


def test_a_name_of_invokeai_s_own_is_not_overwritten(client: InvokeAIClient) -> None:
    repo = client.workflow_repo
    default = next(w for w in repo.list_available_workflows() if w["category"] == "default")
    data = WorkflowDefinition.from_file(BLUR).raw_data
    data["name"] = default["name"]
    mine = repo.upload_workflow(WorkflowDefinition.from_dict(data))
    try:
        assert mine != default["id"]
        assert repo.download_workflow(default["id"]) is not None  # still there, untouched
    finally:
        repo.delete_workflow(mine)
