"""Silent failures of the seed's workflow handle, on a real server: a watch that loses the
server ends the event stream with the error (naming the queued run), a read failing after the
enqueue does not make the submit raise, a callback's error reaches the next wait, and an
ambiguous overwrite is refused."""

from __future__ import annotations

import asyncio
import pathlib
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from seed_fakes import REPO

from ivk_runtime.errors import AmbiguousWorkflowName, ServerUnreachable
from ivk_runtime.seed import InvokeAIClient, WorkflowDefinition, WorkflowHandle

sys.path.insert(0, str(REPO / "tests" / "runtime"))
from embedding_file import write_embedding  # noqa: E402
from wfbuild import workflow  # noqa: E402

pytestmark = pytest.mark.server

BLUR = REPO / "tests" / "workflows" / "blur_image.json"


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient.from_url(invokeai_url) as c:
        yield c


def blur(client: InvokeAIClient) -> WorkflowHandle:
    handle: WorkflowHandle = client.create_workflow(WorkflowDefinition.from_file(BLUR))
    return handle


def lost(*args: Any, **kwargs: Any) -> Any:
    raise ServerUnreachable("http://127.0.0.1:9", "connection reset by peer")


async def test_stream_ends_with_the_watchs_error_and_the_run_stays_queued(client: InvokeAIClient) -> None:
    handle = blur(client)
    client.wait = lost  # type: ignore[method-assign]  # the connection drops as the watch starts
    seen: list[str] = []

    async def read() -> None:
        async for event in handle.submit_sync_monitor_async():
            seen.append(event["event_type"])

    with pytest.raises(ServerUnreachable) as failed:
        await asyncio.wait_for(read(), timeout=60)  # before: blocked forever on the queue
    assert seen == ["submission"]
    assert failed.value.item_ids == (handle.item_id,)
    del client.wait  # back: the run was queued and is waited for again
    assert handle.wait_for_completion_sync(timeout=60).status == "completed"


def test_submit_does_not_raise_when_the_read_after_enqueue_fails(client: InvokeAIClient) -> None:
    handle = blur(client)
    client.get_queue_item = lost  # type: ignore[method-assign]
    submitted = handle.submit_sync()  # raised before: a retry ran the job twice
    del client.get_queue_item
    assert submitted["session_id"] is None and submitted["item_ids"] == [handle.item_id]
    item = handle.wait_for_completion_sync(timeout=60)
    assert item.status == "completed"
    assert handle.session_id == item.session_id and handle.session_id


async def test_a_raising_callback_reaches_the_next_wait(client: InvokeAIClient) -> None:
    handle = blur(client)
    completed: list[str] = []

    def broken(event: dict[str, Any]) -> None:
        completed.append(event["node_type"])
        raise LookupError("bug in the user's callback")

    await handle.submit(on_invocation_complete=broken)
    with pytest.raises(LookupError, match="bug in the user's callback"):
        await handle.wait_for_completion(timeout=60)  # before: logged by the loop, lost
    assert "save_image" in completed  # the watch went on after the first error
    assert handle.get_queue_item().status == "completed"  # type: ignore[union-attr]


def test_overwrite_refuses_several_workflows_of_the_name(client: InvokeAIClient) -> None:
    data = WorkflowDefinition.from_file(BLUR).raw_data
    data["name"] = f"ivk-seed-twice-{uuid.uuid4().hex[:8]}"
    definition = WorkflowDefinition.from_dict(data)
    ids = [client.workflows.create(definition.workflow).workflow_id for _ in range(2)]
    try:
        before = {i: client.workflows.get(i).updated_at for i in ids}
        with pytest.raises(AmbiguousWorkflowName) as refused:
            client.workflow_repo.upload_workflow(definition, overwrite=True)
        assert sorted(refused.value.workflow_ids) == sorted(ids)
        assert isinstance(refused.value, ValueError)  # 1.1.1's callers catch ValueError
        assert {i: client.workflows.get(i).updated_at for i in ids} == before  # none replaced
    finally:
        for i in ids:
            client.workflows.delete(i)


def test_sync_writes_the_servers_identifier_of_an_installed_embedding(
    client: InvokeAIClient, tmp_path: pathlib.Path
) -> None:
    embedding = write_embedding(tmp_path / f"ivk_seed_sync_{uuid.uuid4().hex[:8]}.safetensors")
    job = client.models.install(embedding, inplace=True).wait(60)
    assert job.model is not None
    try:
        stale = {"key": "exported-elsewhere", "hash": "blake3:other", "name": embedding.stem,
                 "base": "sd-1", "type": "embedding"}
        other_base = {**stale, "base": "sdxl"}  # same name, another base: never re-pointed
        wf = workflow([("m", "model_identifier", {"model": stale}), ("x", "model_identifier", {"model": other_base})],
                      form=[("m", "model")])
        handle = client.create_workflow(WorkflowDefinition.from_dict(wf.data))
        with pytest.raises(ValueError, match="node 'x'"):
            handle.sync_dnn_model(by_name=True, by_base=False)
        wf = workflow([("m", "model_identifier", {"model": stale})], form=[("m", "model")])
        handle = client.create_workflow(WorkflowDefinition.from_dict(wf.data))
        [(old, new)] = handle.sync_dnn_model(by_name=True, by_base=False)
        assert old.key == "exported-elsewhere"
        assert {k: getattr(new, k) for k in ("key", "hash", "name", "base", "type")} == job.model.identifier()
        assert handle.get_input_value(0).key == job.model.key  # type: ignore[attr-defined]
    finally:
        client.models.delete(job.model.key)
