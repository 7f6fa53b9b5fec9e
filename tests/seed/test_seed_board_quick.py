"""ivk_runtime.seed.quick.QuickClient against a real server: copying an image to a board runs
for real; SDXL text to image needs model weights, so only what runs without them is tested
(its prebuilt workflow loads with the inputs it sets, and it refuses clearly without a model)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
from PIL import Image

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.seed import WorkflowDefinition
from ivk_runtime.seed.board import BoardHandle
from ivk_runtime.seed.images import IvkImage
from ivk_runtime.seed.quick import QuickClient
from ivk_runtime.seed.quick import quick_client

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
def board(client: InvokeAIClient) -> Iterator[BoardHandle]:
    made = client.board_repo.create_board(f"ivk-quick-{uuid.uuid4().hex[:8]}")
    yield made
    client.board_repo.delete_board(made.board_id, delete_images=True)


def png(size: tuple[int, int], color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def pixels(data: bytes) -> tuple[tuple[int, int], tuple[int, ...]]:
    with Image.open(io.BytesIO(data)) as img:
        return (int(img.size[0]), int(img.size[1])), tuple(img.convert("RGB").getpixel((0, 0)))


def test_copy_image_to_board_makes_a_new_image_there(client: InvokeAIClient, board: BoardHandle) -> None:
    source = client.board_repo.get_uncategorized_handle().upload_image_data(png((19, 7), (250, 5, 5)), "src.png")
    try:
        qc = QuickClient(client)
        copied = qc.copy_image_to_board(source.image_name, board.board_id)
        assert isinstance(copied, IvkImage) and copied.image_name != source.image_name
        assert copied.board_id == board.board_id and copied.image_name in board.list_images()
        assert pixels(client.images.download(copied.image_name)) == ((19, 7), (250, 5, 5))
        assert client.images.board_of(source.image_name) is None  # the source stays where it was
        # copying again makes another image (the workflow's node does not use the cache)
        again = qc.copy_image_to_board(source.image_name, board.board_id)
        assert again is not None and again.image_name not in (source.image_name, copied.image_name)
        # "none" copies to uncategorized (1.1.1 sent it as a board id)
        loose = qc.copy_image_to_board(copied.image_name, "none")
        assert loose is not None and loose.board_id is None
        client.images.delete(loose.image_name)
    finally:
        client.images.delete(source.image_name)


def test_copy_with_the_seed_client(invokeai_url: str) -> None:
    from ivk_runtime.seed.client import InvokeAIClient as SeedClient

    client = SeedClient.from_url(invokeai_url)
    try:
        target = client.board_repo.create_board(f"ivk-quick-seed-{uuid.uuid4().hex[:8]}")
        source = target.upload_image_data(png((3, 5), (0, 0, 250)), "s.png")
        try:
            copied = QuickClient(client).copy_image_to_board(source.image_name, target.board_id)
            assert copied is not None and copied.board_id == target.board_id
            assert sorted(target.list_images()) == sorted([source.image_name, copied.image_name])
            # the seed client's list_models gives model objects; the check reads the core's list
            with pytest.raises(ValueError, match="No SDXL 'main' model available"):
                QuickClient(client).generate_image_sdxl_t2i("a", "b", 64, 64)
        finally:
            client.board_repo.delete_board(target.board_id, delete_images=True)
    finally:
        client.close()


def test_copy_refuses_missing_board_or_image(client: InvokeAIClient, board: BoardHandle) -> None:
    qc = QuickClient(client)
    with pytest.raises(ValueError, match="Target board does not exist"):
        qc.copy_image_to_board("whatever.png", f"no-such-{uuid.uuid4().hex}")
    with pytest.raises(ValueError, match="Source image does not exist"):
        qc.copy_image_to_board(f"no-such-{uuid.uuid4().hex}.png", board.board_id)


def test_the_prebuilt_sdxl_workflow_loads_with_its_inputs(client: InvokeAIClient) -> None:
    path = quick_client.PREBUILT / "sdxl-text-to-image.json"
    wf = client.workflow_repo.create_workflow(WorkflowDefinition.from_file(path))
    fields = sorted((i.field_name, i.label or "") for i in wf.list_inputs())
    assert [f for f, _ in fields] == sorted(
        ["model", "value", "value", "width", "height", "steps", "scheduler", "board"]
    )
    labels = [label.lower() for f, label in fields if f == "value"]
    assert any("positive" in x for x in labels) and any("negative" in x for x in labels)


def test_sdxl_refuses_clearly_without_an_sdxl_model(client: InvokeAIClient, board: BoardHandle) -> None:
    if any(m.get("base") == "sdxl" and m.get("type") == "main" for m in client.list_models()):
        pytest.fail("this test needs a server without SDXL main models (the suite's has none)")
    qc = QuickClient(client)
    with pytest.raises(ValueError, match="No SDXL 'main' model available"):
        qc.generate_image_sdxl_t2i("a lighthouse", "blurry", 1000, 1000, board_id=board.board_id)
    with pytest.raises(ValueError, match="Target board does not exist"):
        qc.generate_image_sdxl_t2i("a", "b", 64, 64, board_id=f"no-such-{uuid.uuid4().hex}")


def test_rounding_to_multiples_of_eight() -> None:
    assert [quick_client._round8(n) for n in (1, 4, 5, 1000, 1021, 1024)] == [8, 8, 8, 1000, 1024, 1024]
