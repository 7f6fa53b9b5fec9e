"""The seed API end to end on a real InvokeAI server (model-free workflows, CPU)."""

from __future__ import annotations

import io
import pathlib
import uuid
from collections.abc import Iterator

import pytest
from PIL import Image
from seed_fakes import DATA, SDXL

from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.seed import (
    BoardHandle,
    BoardRepository,
    IvkBoardField,
    IvkEnumField,
    IvkFloatField,
    IvkImage,
    IvkImageField,
    IvkIntegerField,
    WorkflowDefinition,
    WorkflowExecutionError,
    WorkflowHandle,
    WorkflowRepository,
)

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url) as c:
        yield c


@pytest.fixture
def board(client: InvokeAIClient) -> Iterator[BoardHandle]:
    repo = BoardRepository(client)
    handle = repo.create_board(f"ivk-seed-test-{uuid.uuid4().hex[:8]}")
    yield handle
    repo.delete_board(handle.board_id)


def png(tmp_path: pathlib.Path, size: tuple[int, int], name: str = "src.png") -> pathlib.Path:
    path = tmp_path / name
    Image.new("RGB", size, (10, 200, 30)).save(path)
    return path


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
        return int(width), int(height)


def blank_workflow(client: InvokeAIClient) -> WorkflowHandle:
    return WorkflowRepository(client).create_workflow(
        WorkflowDefinition.from_file(DATA / "blank_blur_save.json")
    )


def test_the_client_exposes_the_seed_repositories(client: InvokeAIClient) -> None:
    assert isinstance(client.workflow_repo, WorkflowRepository)  # type: ignore[attr-defined]
    assert isinstance(client.board_repo, BoardRepository)  # type: ignore[attr-defined]


def test_sync_flow_inputs_submit_wait_map_download(
    client: InvokeAIClient, board: BoardHandle
) -> None:
    wf = blank_workflow(client)
    inputs = wf.list_inputs()
    assert [(i.input_index, i.label or i.field_name, type(i.field)) for i in inputs] == [
        (0, "Width", IvkIntegerField),
        (1, "Height", IvkIntegerField),
        (2, "Blur radius", IvkFloatField),
        (3, "blur_type", IvkEnumField),
        (4, "Output board", IvkBoardField),
    ]
    wf.get_input_value(0).value = 80  # type: ignore[attr-defined]
    wf.get_input_value(1).value = 40  # type: ignore[attr-defined]
    wf.get_input_value(2).value = 1.5  # type: ignore[attr-defined]
    wf.get_input_value(3).value = "box"  # type: ignore[attr-defined]
    wf.get_input_value(4).value = board.board_id  # type: ignore[attr-defined]

    submission = wf.submit_sync()
    assert submission["item_ids"] and submission["session_id"]
    statuses: list[str | None] = []
    item = wf.wait_for_completion_sync(
        timeout=120, progress_callback=lambda qi: statuses.append(qi.get("status"))
    )
    assert item.get("status") == "completed", item.error
    assert statuses[-1] == "completed"

    [mapping] = wf.map_outputs_to_images(item)
    assert mapping["tier"] == "results" and mapping["board_id"] == board.board_id
    assert (
        mapping["node_id"] == "save"
        and mapping["input_index"] == 4
        and mapping["label"] == "Output board"
    )
    [name] = mapping["image_names"]
    handle = BoardRepository(client).get_board_handle(mapping["board_id"])
    assert name in handle.list_images()
    assert size_of(handle.download_image(name, full_resolution=True)) == (80, 40)
    assert [img.image_name for img in item.images] == [name]  # the core's result agrees


async def test_await_submit_and_wait_to_uncategorized(client: InvokeAIClient) -> None:
    wf = blank_workflow(client)
    wf.get_input_value(0).value = 24  # type: ignore[attr-defined]
    wf.get_input_value(1).value = 16  # type: ignore[attr-defined]
    assert wf.get_input_value(4).value == "none"  # type: ignore[attr-defined]
    await wf.submit()
    item = await wf.wait_for_completion(timeout=120)
    assert item.get("status") == "completed"
    [mapping] = wf.map_outputs_to_images(item)
    assert mapping["board_id"] == "none"
    [name] = mapping["image_names"]
    uncategorized = BoardRepository(client).get_board_handle(None)
    assert uncategorized.board_id == "none" and name in uncategorized.list_images()
    assert size_of(uncategorized.download_image(name)) == (24, 16)


async def test_async_client_handle(invokeai_url: str) -> None:
    async with AsyncInvokeAIClient(invokeai_url) as aclient:
        repo = WorkflowRepository(aclient)
        definition = WorkflowDefinition.from_file(DATA / "blank_blur_save.json")
        with pytest.raises(TypeError, match="asynchronous"):
            repo.create_workflow(definition)  # blocking API, async client: refused, clearly
        wf = await repo.create_workflow_async(definition)
        wf.get_input_value(0).value = 20  # type: ignore[attr-defined]
        wf.get_input_value(1).value = 10  # type: ignore[attr-defined]
        await wf.submit()
        item = await wf.wait_for_completion(timeout=120)
        assert item.get("status") == "completed"
        [name] = wf.map_outputs_to_images(item)[0]["image_names"]
        assert size_of(await aclient.download_image(name)) == (20, 10)


def test_upload_then_use_as_image_input(
    client: InvokeAIClient, board: BoardHandle, tmp_path: pathlib.Path
) -> None:
    uploaded = board.upload_image(png(tmp_path, (33, 21)))
    assert isinstance(uploaded, IvkImage) and uploaded.board_id == board.board_id
    assert uploaded.image_name in board.list_images()
    again = board.upload_image_file(png(tmp_path, (5, 6), "b.png"))
    assert again.image_name != uploaded.image_name
    assert size_of(board.download_image(uploaded.image_name)) == (33, 21)

    wf = WorkflowRepository(client).create_workflow(
        WorkflowDefinition.from_file(DATA / "upload_blur_save.json")
    )
    image = wf.get_input_value(0)
    assert isinstance(image, IvkImageField)
    image.value = uploaded  # type: ignore[assignment]  # an uploaded image counts as its name
    wf.get_input_value(1).value = board.board_id  # type: ignore[attr-defined]
    wf.submit_sync()
    item = wf.wait_for_completion_sync(timeout=120)
    [name] = wf.map_outputs_to_images(item)[0]["image_names"]
    assert size_of(board.download_image(name)) == (33, 21)

    # A local file as the value: the core uploads it when submitting.
    image.value = png(tmp_path, (12, 9), "local.png")
    wf.submit_sync()
    item = wf.wait_for_completion_sync(timeout=120)
    [name] = wf.map_outputs_to_images(item)[0]["image_names"]
    assert size_of(board.download_image(name)) == (12, 9)


def test_failure_carries_the_reason(client: InvokeAIClient) -> None:
    wf = WorkflowRepository(client).create_workflow(
        WorkflowDefinition.from_file(DATA / "upload_blur_save.json")
    )
    wf.get_input_value(0).value = f"missing-{uuid.uuid4().hex}.png"  # type: ignore[attr-defined]
    wf.submit_sync()
    with pytest.raises(WorkflowExecutionError) as info:
        wf.wait_for_completion_sync(timeout=120)
    assert info.value.queue_item.get("status") == "failed"
    assert info.value.error_type  # the server's reason, e.g. an image-not-found error
    item = wf.wait_for_completion_sync(timeout=120, raise_on_error=False)
    assert item.get("status") == "failed" and item.error_type and item.error
    assert item.error.startswith(item.error_type)
    assert wf.map_outputs_to_images(item)[0]["tier"] == "none"


def test_boards_list_find_and_none(client: InvokeAIClient, board: BoardHandle) -> None:
    repo = BoardRepository(client)
    boards = repo.list_boards(include_uncategorized=True)
    assert boards[0].board_id == "none" and boards[0].is_uncategorized()
    assert board.board_id in [b.board_id for b in boards]
    assert "none" not in [b.board_id for b in repo.list_boards()]
    assert repo.get_board_handle_by_name(board.board_name) is not None
    assert repo.get_board_handle("none").board_id == repo.get_board_handle(None).board_id == "none"
    with pytest.raises(ValueError):
        repo.get_board_handle(f"no-such-board-{uuid.uuid4().hex}")


def test_sync_dnn_model_on_a_server_without_models(client: InvokeAIClient) -> None:
    assert blank_workflow(client).sync_dnn_model(by_name=True, by_base=True) == []
    wf = WorkflowRepository(client).create_workflow(WorkflowDefinition.from_file(SDXL))
    saved = wf.get_input_value(0).model_dump()
    with pytest.raises(ValueError, match="Unrecognized model"):
        wf.sync_dnn_model(by_name=True, by_base=True)
    assert wf.get_input_value(0).model_dump() == saved
