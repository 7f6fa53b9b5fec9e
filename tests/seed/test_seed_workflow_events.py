"""A submitted run's socket events through the seed's API, on a real server: the
``on_invocation_*`` callbacks of ``submit`` and ``submit_sync_monitor_async``'s stream, with the
synchronous client (as seed scripts use it) and the async one."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from seed_fakes import REPO

from ivk_runtime import AsyncInvokeAIClient
from ivk_runtime.seed import (
    InvokeAIClient,
    WorkflowDefinition,
    WorkflowExecutionError,
    WorkflowHandle,
    WorkflowRepository,
)

pytestmark = pytest.mark.server

WORKFLOWS = REPO / "tests" / "workflows"
NODES = ["blank_image", "img_noise", "img_blur", "save_image"]


@pytest.fixture(scope="module")
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient.from_url(invokeai_url) as c:
        yield c


def blur(client: Any) -> WorkflowHandle:
    handle: WorkflowHandle = client.create_workflow(WorkflowDefinition.from_file(WORKFLOWS / "blur_image.json"))
    return handle


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def callbacks(self) -> dict[str, Any]:
        return {
            f"on_invocation_{kind}": (lambda d, kind=kind: self.events.append((kind, d)))
            for kind in ("started", "progress", "complete", "error")
        }

    def kinds(self, kind: str) -> list[dict[str, Any]]:
        return [d for k, d in self.events if k == kind]


async def test_callbacks_fire_while_the_caller_awaits_anything(client: InvokeAIClient) -> None:
    handle, seen = blur(client), Recorder()
    submitted = await handle.submit(subscribe_events=True, **seen.callbacks())
    for _ in range(200):  # not waiting for the run: the watch runs on the loop by itself
        if len(seen.kinds("complete")) == len(NODES):
            break
        await asyncio.sleep(0.05)
    assert [d["node_type"] for d in seen.kinds("started")] == NODES
    assert [d["node_type"] for d in seen.kinds("complete")] == NODES
    assert {d["session_id"] for k, d in seen.events} == {submitted["session_id"]}
    assert all(d["event_type"] == f"invocation_{k}" for k, d in seen.events)
    assert seen.kinds("error") == []
    item = await handle.wait_for_completion(timeout=60)
    assert item.status == "completed"
    saved = seen.kinds("complete")[-1]["outputs"]["image"]["image_name"]
    assert handle.map_outputs_to_images(item)[0]["image_names"] == [saved]
    # each node's started comes before its complete
    order = [(k, d["node_id"]) for k, d in seen.events if k in ("started", "complete")]
    for node_id in {n for _, n in order}:
        assert order.index(("started", node_id)) < order.index(("complete", node_id))


async def test_a_failed_node_calls_on_error_and_the_wait_raises(client: InvokeAIClient) -> None:
    handle = client.create_workflow(WorkflowDefinition.from_file(WORKFLOWS / "fails_at_runtime.json"))
    seen = Recorder()
    await handle.submit(**seen.callbacks())  # callbacks alone subscribe too
    with pytest.raises(WorkflowExecutionError) as failed:
        await handle.wait_for_completion(timeout=60)
    assert failed.value.queue_item.error_type == "ZeroDivisionError"
    errors = seen.kinds("error")
    assert [d["node_type"] for d in errors] == ["div"]
    assert errors[0]["error"].startswith("ZeroDivisionError")


async def test_a_failed_run_streams_its_error_before_the_end(client: InvokeAIClient) -> None:
    handle = client.create_workflow(WorkflowDefinition.from_file(WORKFLOWS / "fails_at_runtime.json"))
    events = [e async for e in handle.submit_sync_monitor_async()]
    kinds = [e["event_type"] for e in events]
    assert kinds[-2:] == ["invocation_error", "queue_item_status_changed"]
    assert events[-1]["status"] == "failed" and "session" not in events[-1]
    assert events[-2]["node_type"] == "div" and events[-2]["error_type"] == "ZeroDivisionError"


async def test_monitor_stream_yields_submission_events_and_the_end(client: InvokeAIClient) -> None:
    handle = blur(client)
    events = [e async for e in handle.submit_sync_monitor_async()]
    first, last = events[0], events[-1]
    assert first["event_type"] == "submission" and first["item_ids"] == [handle.item_id]
    assert first["batch_id"] == handle.batch_id and first["enqueued"] == 1
    assert (last["event_type"], last["status"]) == ("queue_item_status_changed", "completed")
    middle = [e["event_type"] for e in events[1:-1]]
    assert middle.count("invocation_started") == middle.count("invocation_complete") == len(NODES)
    assert all(e["item_id"] == handle.item_id for e in events[1:])


async def test_leaving_the_stream_early_stops_the_watch(client: InvokeAIClient) -> None:
    handle = blur(client)
    stream = handle.submit_sync_monitor_async()
    assert (await stream.__anext__())["event_type"] == "submission"
    # the first event of the watch: invocation_started, or (a loaded machine whose socket fell
    # back to polling, which sees no invocation events) the final status
    assert (await stream.__anext__())["event_type"] in ("invocation_started", "queue_item_status_changed")
    await stream.aclose()
    monitor = handle._monitor
    assert monitor is not None
    for _ in range(100):
        if monitor.task.done():
            break
        await asyncio.sleep(0.05)
    assert monitor.task.done()


async def test_coroutine_callbacks_and_status_progress(client: InvokeAIClient) -> None:
    handle, started = blur(client), []
    statuses: list[str | None] = []

    async def on_started(data: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        started.append(data["node_type"])

    await handle.submit(subscribe_events=True, on_invocation_started=on_started)
    item = await handle.wait_for_completion(timeout=60, progress_callback=lambda q: statuses.append(q.status))
    await asyncio.sleep(0.05)  # the last coroutine callbacks finish
    assert item.status == "completed" and started == NODES
    assert statuses[-1] == "completed"


async def test_the_async_client_watches_the_same_way(invokeai_url: str) -> None:
    async with AsyncInvokeAIClient(invokeai_url) as client:
        handle = await WorkflowRepository(client).create_workflow_async(
            WorkflowDefinition.from_file(WORKFLOWS / "blur_image.json")
        )
        seen = Recorder()
        await handle.submit(subscribe_events=True, **seen.callbacks())
        item = await handle.wait_for_completion(timeout=60)
        assert item.status == "completed"
        assert [d["node_type"] for d in seen.kinds("complete")] == NODES
        events = [e["event_type"] async for e in handle.submit_sync_monitor_async()]
        assert events[0] == "submission" and events[-1] == "queue_item_status_changed"
