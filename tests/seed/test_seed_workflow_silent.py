"""Silent failures of the seed's workflow handle, offline (the core client faked): a watch that
dies must end its event stream with its error, a queued run must not raise at submit, a cleared
input must not run the saved value, a model sync writes the server's own identifier."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import pytest
from seed_fakes import REPO, SDXL, FakeClient

from ivk_runtime.errors import ServerUnreachable
from ivk_runtime.seed import WorkflowDefinition, WorkflowHandle, WorkflowRepository
from ivk_runtime.seed.dnn_model.dnn_model_types import DnnModel

BLUR = REPO / "tests" / "workflows" / "blur_image.json"


class ListeningFake(FakeClient):
    def _listen(self) -> None:
        self._log("listen")


def blur(fake: FakeClient) -> WorkflowHandle:
    handle: WorkflowHandle = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_file(BLUR))
    return handle


# --- 1. the event stream ends with the watch's error -------------------------------------


async def test_stream_raises_the_lost_connection_instead_of_hanging(fake: FakeClient) -> None:
    client = ListeningFake(fake._schema)
    client.wait_raises = ServerUnreachable("http://127.0.0.1:1", "connection reset")
    handle = blur(client)
    seen: list[dict[str, Any]] = []

    async def read() -> None:
        async for event in handle.submit_sync_monitor_async():
            seen.append(event)

    with pytest.raises(ServerUnreachable) as lost:
        await asyncio.wait_for(read(), timeout=20)  # hung forever before
    assert [e["event_type"] for e in seen] == ["submission"]
    assert lost.value.item_ids == (41, 42) and lost.value.batch_ids == ("batch-1",)


async def test_a_raising_callback_is_raised_by_the_next_wait(fake: FakeClient) -> None:
    client = ListeningFake(fake._schema)
    handle = blur(client)

    def broken(event: dict[str, Any]) -> None:
        raise KeyError("the user's callback is wrong")

    await handle.submit(on_invocation_progress=broken)
    with pytest.raises(KeyError, match="callback is wrong"):
        await handle.wait_for_completion(timeout=20)


async def test_an_async_callback_error_is_kept_and_raised(fake: FakeClient) -> None:
    client = ListeningFake(fake._schema)
    handle = blur(client)
    ran: list[float] = []

    async def broken(event: dict[str, Any]) -> None:
        await asyncio.sleep(0.05)
        ran.append(event["progress"])
        raise ZeroDivisionError("async callback")

    await handle.submit(on_invocation_progress=broken)
    with pytest.raises(ZeroDivisionError, match="async callback"):
        await handle.wait_for_completion(timeout=20)
    assert ran == [0.5]  # awaited to its end, not dropped with the loop


# --- 2. a queued run never raises at submit -------------------------------------------------


class ReadFails(FakeClient):
    """Enqueues, then cannot read the item once (the connection dropped)."""

    reads = 0

    def get_queue_item(self, item_id: int) -> dict[str, Any]:
        self.reads += 1
        if self.reads == 1:
            raise ServerUnreachable("http://127.0.0.1:1", "connection reset")
        return super().get_queue_item(item_id)


def test_submit_returns_the_queued_run_when_the_session_read_fails(fake: FakeClient) -> None:
    client = ReadFails(fake._schema)
    handle = blur(client)
    submitted = handle.submit_sync()
    assert submitted["item_ids"] == [41, 42] and submitted["session_id"] is None
    assert client.names().count("enqueue") == 1
    item = handle.wait_for_completion_sync(timeout=5)
    assert item.status == "completed"
    assert handle.session_id == client.final_item["session_id"]  # filled by the wait


# --- 3. a cleared input is never the saved value -------------------------------------------


def test_cleared_board_is_sent_as_null(fake: FakeClient) -> None:
    handle = blur(fake)
    board = handle.get_input_value(7)
    assert board.value == "auto"  # type: ignore[attr-defined]
    assert 7 not in handle.values()
    board.value = None  # type: ignore[attr-defined]
    assert handle.values()[7] is None  # was left out: the saved "auto" ran
    handle.submit_sync()
    [(_, (_, sent), _)] = [c for c in fake.calls if c[0] == "enqueue"]
    assert sent == [{7: None}]


def test_cleared_enum_raises_at_submit_naming_the_input(fake: FakeClient) -> None:
    handle = blur(fake)
    blur_type = handle.get_input_value(6)
    blur_type.remove_choice("gaussian")  # type: ignore[attr-defined]
    assert blur_type.value is None  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match=r"\[6\].*set to None") as refused:
        handle.submit_sync()
    assert handle.inputs[6].label or "blur_type" in str(refused.value)
    assert "enqueue" not in fake.names()  # nothing ran with "gaussian" behind the user's back


def test_a_field_never_set_keeps_the_workflows_value(fake: FakeClient) -> None:
    data = json.loads(BLUR.read_text())
    for node in data["nodes"]:
        if node["data"]["type"] == "img_blur":
            node["data"]["inputs"]["blur_type"]["value"] = None  # saved empty
    handle = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_dict(data))
    assert 6 not in handle.values()  # nothing to clear: not sent, not refused
    assert handle._cleared() == {}


# --- 4. model sync: the server's identifier, never another base -----------------------------

# A 6.14.2 Main_Diffusers_SDXL_Config record, every required key; the base is one a later
# server may add (the seed's enums know no such base: its model objects say "unknown").
RECORD = {
    "key": "server-key",
    "hash": "blake3:abc",
    "path": "/models/juggernaut",
    "file_size": 6938040682,
    "name": "juggernautXL_v9Rundiffusionphoto2",
    "description": None,
    "source": "/models/juggernaut",
    "source_type": "path",
    "source_api_response": None,
    "source_url": None,
    "cover_image": None,
    "type": "main",
    "trigger_phrases": None,
    "default_settings": None,
    "format": "diffusers",
    "repo_variant": "fp16",
    "prediction_type": "epsilon",
    "variant": "normal",
    "base": "sdxl-next",
}


def sdxl_with_base(base: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SDXL.read_text())
    for node in data["nodes"]:
        model = node["data"]["inputs"].get("model")
        if isinstance(model, dict) and isinstance(model.get("value"), dict):
            model["value"]["base"] = base
    return data


def test_sync_writes_the_servers_base_not_unknown(fake: FakeClient) -> None:
    wf = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_dict(sdxl_with_base("sdxl-next")))
    fake.models = [RECORD]
    seed_objects = [DnnModel.from_api_response(dict(r)) for r in fake.models]  # the seed's objects
    fake.list_models = lambda: seed_objects  # type: ignore[method-assign,assignment,return-value]
    assert str(getattr(seed_objects[0].base, "value", seed_objects[0].base)) == "unknown"
    [(old, new)] = wf.sync_dnn_model(by_name=True, by_base=False)
    assert (new.key, new.base) == ("server-key", "sdxl-next")
    node = next(n for n in wf.workflow.data["nodes"] if n["data"]["type"] == "sdxl_model_loader")
    assert node["data"]["inputs"]["model"]["value"]["base"] == "sdxl-next"


def test_a_name_match_of_another_base_is_not_taken(fake: FakeClient) -> None:
    wf = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_file(SDXL))
    fake.models = [{**RECORD, "base": "sd-1", "key": "sd1-key", "hash": "blake3:sd1"}]
    with pytest.raises(ValueError, match="juggernautXL_v9Rundiffusionphoto2"):
        wf.sync_dnn_model(by_name=True, by_base=False)
    assert wf.get_input_value(0).base == "sdxl"  # type: ignore[attr-defined]
    fake.models = [*copy.deepcopy(fake.models), {**RECORD, "base": "sdxl"}]
    [(_, new)] = wf.sync_dnn_model(by_name=True, by_base=False)
    assert (new.key, new.base) == ("server-key", "sdxl")


async def test_a_watch_nobody_waits_for_still_says_why_it_failed(
    fake: FakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client = ListeningFake(fake._schema)
    client.wait_raises = ServerUnreachable("http://127.0.0.1:1", "connection reset")
    handle = blur(client)
    await handle.submit(subscribe_events=True)
    monitor = handle._monitor
    assert monitor is not None
    await asyncio.wait({monitor.task}, timeout=20)
    await asyncio.sleep(0)  # the task's done callbacks run
    assert any("watching queue item 41 failed" in r.getMessage() for r in caplog.records)
    with pytest.raises(ServerUnreachable):  # and the next wait raises it
        await handle.wait_for_completion(timeout=5)
