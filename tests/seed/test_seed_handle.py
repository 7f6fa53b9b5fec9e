"""WorkflowHandle over a fake core: typed inputs from the schema, submit, wait, errors."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from pydantic import ValidationError
from seed_fakes import DATA, SDXL, AsyncFakeClient, FakeClient, load

from ivk_runtime.errors import EnqueueProblem, EnqueueValidationError, RunTimeout
from ivk_runtime.graph.schema_index import SchemaIndex
from ivk_runtime.seed import (
    IvkBoardField,
    IvkEnumField,
    IvkFloatField,
    IvkImageField,
    IvkIntegerField,
    IvkModelIdentifierField,
    IvkSchedulerField,
    IvkStringField,
    QueueItem,
    WorkflowCanceledError,
    WorkflowDefinition,
    WorkflowExecutionError,
    WorkflowHandle,
    WorkflowRepository,
    WorkflowSubmissionError,
    WorkflowTimeoutError,
)


def sdxl(fake: FakeClient) -> WorkflowHandle:
    return WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_file(SDXL))


def blank(fake: FakeClient) -> WorkflowHandle:
    return WorkflowRepository(fake).create_workflow(
        WorkflowDefinition.from_file(DATA / "blank_blur_save.json")
    )


def test_inputs_are_typed_from_the_schema_in_form_order(fake: FakeClient) -> None:
    wf = sdxl(fake)
    # The seed's own example (examples/pipelines/sdxl-text-to-image.py) relies on these indices.
    expected = [
        (IvkModelIdentifierField, "model"),
        (IvkStringField, "value"),
        (IvkStringField, "value"),
        (IvkIntegerField, "width"),
        (IvkIntegerField, "height"),
        (IvkIntegerField, "steps"),
        (IvkFloatField, "cfg_scale"),
        (IvkSchedulerField, "scheduler"),
        (IvkBoardField, "board"),
    ]
    inputs = wf.list_inputs()
    assert [(type(i.field), i.field_name) for i in inputs] == expected
    assert [i.input_index for i in inputs] == list(range(9))
    assert inputs[1].label == "positive prompt" and inputs[1].node_name == "Positive Prompt"
    assert inputs[3].node_id == "noise:f4Bv4UWa22" and inputs[3].node_type == "noise"
    assert inputs[0].required and not inputs[1].required
    assert inputs[3].jsonpath == "$.nodes[?(@.id='noise:f4Bv4UWa22')].data.inputs.width"
    assert [o.input_index for o in wf.list_outputs()] == [8]
    assert fake.names() == ["schema"]  # building the handle only reads the schema


def test_get_input_value_is_live_and_validates_against_schema_bounds(fake: FakeClient) -> None:
    wf = sdxl(fake)
    width = wf.get_input_value(3)
    assert isinstance(width, IvkIntegerField) and width.value == 768
    width.value = 1024
    assert wf.values() == {3: 1024}
    with pytest.raises(ValidationError):
        width.value = 1020  # noise width: multipleOf 8 in the schema
    with pytest.raises(ValidationError):
        width.value = 0  # exclusiveMinimum 0
    steps = wf.get_input_value(5)
    with pytest.raises(ValidationError):
        steps.value = 0  # type: ignore[attr-defined]
    sched = wf.get_input_value(7)
    with pytest.raises(ValidationError):
        sched.value = "not-a-scheduler"  # type: ignore[attr-defined]
    with pytest.raises(IndexError):
        wf.get_input_value(9)
    assert wf.get_input_value(3) is width  # the live field, not a copy


def test_blur_radius_minimum_and_enum_from_schema(fake: FakeClient) -> None:
    wf = blank(fake)
    radius, kind = wf.get_input_value(2), wf.get_input_value(3)
    assert isinstance(radius, IvkFloatField) and radius.minimum == 0
    assert isinstance(kind, IvkEnumField) and kind.choices == ["gaussian", "box"]
    with pytest.raises(ValidationError):
        radius.value = -1.0


def test_set_input_value_keeps_the_type(fake: FakeClient) -> None:
    wf = blank(fake)
    wf.set_input_value(0, IvkIntegerField(value=32))
    assert wf.get_input_value(0).value == 32  # type: ignore[attr-defined]
    with pytest.raises(TypeError):
        wf.set_input_value(0, IvkStringField(value="32"))
    with pytest.raises(TypeError):
        wf.get_input(0).field = IvkFloatField(value=1.0)


def test_values_are_only_what_differs_from_the_workflow(fake: FakeClient) -> None:
    wf = blank(fake)
    assert wf.values() == {}
    wf.get_input_value(0).value = 96  # type: ignore[attr-defined]
    wf.get_input_value(3).value = "box"  # type: ignore[attr-defined]
    wf.get_input_value(4).value = "board-7"  # type: ignore[attr-defined]
    assert wf.values() == {0: 96, 3: "box", 4: {"board_id": "board-7"}}
    wf.get_input_value(0).value = 64  # type: ignore[attr-defined]  # back to the saved value
    assert 0 not in wf.values()


def test_required_unset_input_stops_submission(fake: FakeClient) -> None:
    wf = WorkflowRepository(fake).create_workflow(
        WorkflowDefinition.from_file(DATA / "upload_blur_save.json")
    )
    assert wf.validate_inputs() == {0: ["Required field 'Source image' is not set"]}
    with pytest.raises(ValueError, match="Source image"):
        wf.submit_sync()
    assert "enqueue" not in fake.names()
    wf.get_input_value(0).value = pathlib.Path("in.png")  # type: ignore[attr-defined]
    wf.submit_sync()
    _, (workflow, values_list), _ = next(c for c in fake.calls if c[0] == "enqueue")
    assert values_list == [{0: pathlib.Path("in.png")}]  # the core uploads it
    assert workflow is wf.workflow


def test_submit_sync_and_wait_return_the_queue_item(fake: FakeClient) -> None:
    wf = blank(fake)
    wf.get_input_value(2).value = 3.5  # type: ignore[attr-defined]
    sub = wf.submit_sync()
    assert sub == {
        "batch_id": "batch-1",
        "item_ids": [41, 42],
        "enqueued": 2,
        "session_id": sub["session_id"],
    }
    assert sub["session_id"] == load("queue_item_completed.json")["session_id"]
    assert (wf.item_id, wf.batch_id) == (41, "batch-1")
    seen: list[Any] = []
    item = wf.wait_for_completion_sync(timeout=30, progress_callback=seen.append)
    assert isinstance(item, QueueItem) and isinstance(item, dict)
    assert item.get("status") == "completed" and item["item_id"] == 41 and item.error is None
    assert [s.get("status") for s in seen] == ["in_progress", "completed"]
    assert item.run_result is not None and item.images  # the core's typed result rides along
    assert ("wait", (41,), {"timeout": 30}) in fake.calls


def test_failure_raises_with_the_reason_or_returns_it(schema: SchemaIndex) -> None:
    fake = FakeClient(schema, load("queue_item_failed_div0.json"))
    wf = blank(fake)
    wf.submit_sync()
    with pytest.raises(WorkflowExecutionError) as info:
        wf.wait_for_completion_sync()
    assert isinstance(info.value, RuntimeError)  # what the seed raised
    assert "ZeroDivisionError: division by zero" in str(info.value)
    assert info.value.queue_item.get("status") == "failed"
    item = wf.wait_for_completion_sync(raise_on_error=False)
    assert item.get("status") == "failed" and item.error == "ZeroDivisionError: division by zero"
    assert item.error_traceback and "math.py" in item.error_traceback


def test_canceled_and_timeout(schema: SchemaIndex) -> None:
    fake = FakeClient(schema, load("queue_item_canceled.json"))
    wf = blank(fake)
    wf.submit_sync()
    with pytest.raises(WorkflowCanceledError):
        wf.wait_for_completion_sync()
    fake.wait_raises = RunTimeout(41, 0.1, "in_progress")
    with pytest.raises(TimeoutError) as info:
        wf.wait_for_completion_sync(timeout=0.1)
    assert isinstance(info.value, WorkflowTimeoutError) and info.value.last_status == "in_progress"


def test_wait_before_submit_and_cancel(fake: FakeClient) -> None:
    wf = blank(fake)
    with pytest.raises(RuntimeError, match="No job submitted"):
        wf.wait_for_completion_sync()
    assert wf.get_queue_item() is None
    wf.submit_sync()
    assert wf.cancel() is True and ("cancel", (41,), {}) in fake.calls
    with pytest.raises(NotImplementedError):
        wf.submit_sync(priority=5)


def test_server_refusal_is_a_runtime_error_with_the_cause(fake: FakeClient) -> None:
    wf = blank(fake)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise EnqueueValidationError([EnqueueProblem("bad radius", "blur", "radius", 2)])

    fake.enqueue = refuse  # type: ignore[method-assign]
    with pytest.raises(WorkflowSubmissionError, match="bad radius") as info:
        wf.submit_sync()
    assert isinstance(info.value, RuntimeError)
    assert isinstance(info.value.__cause__, EnqueueValidationError)


async def test_await_submit_and_wait_on_the_sync_client(fake: FakeClient) -> None:
    wf = blank(fake)
    sub = await wf.submit()
    assert sub["item_ids"] == [41, 42]
    item = await wf.wait_for_completion(timeout=10)
    assert item.get("status") == "completed"


async def test_async_client(schema: SchemaIndex) -> None:
    fake = AsyncFakeClient(schema)
    repo = WorkflowRepository(fake)
    with pytest.raises(TypeError, match="asynchronous"):
        repo.create_workflow(WorkflowDefinition.from_file(DATA / "blank_blur_save.json"))
    wf = await repo.create_workflow_async(
        WorkflowDefinition.from_file(DATA / "blank_blur_save.json")
    )
    await wf.submit()
    item = await wf.wait_for_completion()
    assert item.status == "completed"
    with pytest.raises(TypeError, match="asynchronous"):
        wf.submit_sync()


def test_map_outputs_to_images_reads_results(fake: FakeClient) -> None:
    wf = blank(fake)  # its save node has the captured item's node id, "save"
    item = load("queue_item_completed.json")
    [m] = wf.map_outputs_to_images(item)
    assert m == {
        "node_id": "save",
        "board_id": "49b067b6-1285-4187-8fc2-87a602755462",
        "image_names": ["b43401fd-295d-4e0b-acd5-7f1b5a693427.png"],
        "tier": "results",
        "node_type": "save_image",
        "input_index": 4,
        "label": "Output board",
    }
