"""Generated modules run on a real InvokeAI server; the output images prove the values applied."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

from ivk_runtime import AsyncInvokeAIClient
from ivk_runtime import InvokeAIClient
from ivk_runtime import RunFailed
from ivk_runtime.values import Color

pytestmark = pytest.mark.server

# blur_image.json uses img_noise, which InvokeAI 4.2 does not have (tested below).
WITH_IMG_NOISE = pytest.mark.parametrize("server_url", ["6.14.2", "5.15.0"], indirect=True)


def _image(client: InvokeAIClient, name: str) -> Image.Image:
    return Image.open(io.BytesIO(client.download_image(name)))


@WITH_IMG_NOISE
def test_values_set_the_output_size_and_colour(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    cls = generated["blur_image"].BlurImage
    params = cls(width=80, height=40, color=Color(r=200, g=30, b=10), noise_amount=0.0)
    result = params.run(client, timeout=120)

    assert result.status == "completed"
    (saved,) = result.images
    assert saved.attribute == "output_board"  # the Form input that drives its board
    image = _image(client, saved.image_name).convert("RGB")
    assert image.size == (80, 40)
    # no noise and a uniform canvas: blurring leaves the chosen colour (give or take rounding)
    pixel = image.getpixel((40, 20))
    assert isinstance(pixel, tuple)
    assert all(abs(got - want) <= 2 for got, want in zip(pixel, (200, 30, 10))), pixel


def test_two_runs_with_different_values_give_different_images(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    cls = generated["nested_form"].NestedForm
    first = cls(canvas_width_value=120, width=50, height=20).run(client, timeout=120)
    second = cls(canvas_width_value=120, width=30, height=60).run(client, timeout=120)
    sizes = [_image(client, r.images[0].image_name).size for r in (first, second)]
    assert sizes == [(50, 20), (30, 60)]


async def test_async_run(aclient: AsyncInvokeAIClient, generated: dict[str, ModuleType]) -> None:
    cls = generated["legacy_exposed"].LegacyExposedFields
    params = cls(a=6, b=5, operation="ADD", height=12)  # width = 6 + 5
    result = await params.arun(aclient, timeout=120)
    assert result.status == "completed"
    data = await aclient.download_image(result.images[0].image_name)
    assert Image.open(io.BytesIO(data)).size == (11, 12)


@WITH_IMG_NOISE
def test_many_runs_in_one_batch_come_back_in_order(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    cls = generated["blur_image"].BlurImage
    widths = [24, 56, 40]
    results = cls.run_many(client, [cls(width=w, height=16) for w in widths], timeout=180)
    assert [r.status for r in results] == ["completed"] * 3
    assert len({r.batch_id for r in results}) == 1  # one enqueue_batch
    got = [_image(client, r.images[0].image_name).size for r in results]
    assert got == [(w, 16) for w in widths]


def test_iterate_collect_images_in_iteration_order(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    cls = generated["iterate_images"].IterateImages
    result = cls(first_width=10, stop_before=40, step=10, height=8).run(client, timeout=120)
    widths = [_image(client, i.image_name).size[0] for i in result.images]
    assert widths == [10, 20, 30]


def test_local_image_is_uploaded_and_resized(
    client: InvokeAIClient, generated: dict[str, ModuleType], tmp_path: Path
) -> None:
    source = tmp_path / "in.png"
    Image.new("RGB", (64, 64), (0, 255, 0)).save(source)
    cls = generated["resize_upload"].ResizeAnImage
    result = cls(input_image=source, width=20, height=10).run(client, timeout=120)
    image = _image(client, result.images[0].image_name).convert("RGB")
    assert image.size == (20, 10)
    assert image.getpixel((10, 5)) == (0, 255, 0)


def test_failure_carries_the_servers_error(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    cls = generated["fails_at_runtime"].FailsAtRunTime
    with pytest.raises(RunFailed) as failed:
        cls(denominator_value=0).run(client, timeout=120)
    assert failed.value.error_type == "ZeroDivisionError"
    assert failed.value.error_message
    assert cls(denominator_value=4).run(client, timeout=120).status == "completed"


@WITH_IMG_NOISE
def test_named_board_and_the_none_board(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    cls = generated["blur_image"].BlurImage
    board = client.create_board("ivk-e2e-board")
    try:
        named = cls(width=16, height=16, output_board=board["board_id"]).run(client, timeout=120)
        assert named.images[0].board_id == board["board_id"]
        assert named.images[0].image_name in client.list_board_images(board["board_id"])
        loose = cls(width=17, height=16, output_board="none").run(client, timeout=120)
        assert loose.images[0].board_id in (None, "none")
        assert loose.images[0].image_name in client.list_board_images("none")
    finally:
        client.delete_board(board["board_id"])


def test_an_image_collection_input_takes_local_files_and_server_images(
    client: InvokeAIClient, tmp_path: Path
) -> None:
    """``list[ImageValue]``: local paths (uploaded) and server image names in one list."""
    import json
    import sys

    from ivk_codegen.cli import main as codegen

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))
    from wfbuild import workflow

    wf = workflow(
        [
            ("images", "image_collection", {"collection": []}),
            ("each", "iterate", {}),
            ("blur", "img_blur", {"radius": 0}),
            ("save", "save_image", {}),
        ],
        [("images", "collection", "each", "collection"), ("each", "item", "blur", "image"),
         ("blur", "image", "save", "image")],
        [("images", "collection")],
        no_cache=["blur", "save"],
        intermediate=["blur"],
        name="Image collection",
    )  # fmt: skip
    (tmp_path / "image_collection.json").write_text(json.dumps(wf.data))
    assert codegen([str(tmp_path / "image_collection.json"), "-o", str(tmp_path / "ic.py"), "-q"]) == 0
    spec = importlib.util.spec_from_file_location("e2e_image_collection", tmp_path / "ic.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    local = tmp_path / "local.png"
    Image.new("RGB", (21, 13), (9, 9, 9)).save(local)
    on_server = client.upload_image(local)["image_name"]
    Image.new("RGB", (17, 11), (9, 9, 9)).save(local)  # the file differs from the upload now
    params = module.ImageCollection(collection=[local, on_server])
    result = params.run(client, timeout=120)
    sizes = sorted(_image(client, i.image_name).size for i in result.images)
    assert sizes == [(17, 11), (21, 13)]


@pytest.mark.parametrize("server_url", ["4.2.9"], indirect=True)
def test_a_node_the_older_server_lacks_is_refused_by_name(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    from ivk_runtime.errors import UnrunnableWorkflow

    with pytest.raises(UnrunnableWorkflow) as info:
        generated["blur_image"].BlurImage(width=20).run(client, timeout=60)
    assert "'img_noise'" in str(info.value) and "noise_amount" in str(info.value)


@WITH_IMG_NOISE
def test_a_module_generated_before_the_runtime_moved_into_layers_still_runs(
    client: InvokeAIClient,
) -> None:
    """generated_examples/blur_image.py as the generator wrote it before (no drift records)."""
    path = Path(__file__).parent / "legacy_modules" / "blur_image_before_layers.py"
    spec = importlib.util.spec_from_file_location("e2e_legacy_blur_image", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    import sys

    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    cls = module.BlurImage
    assert cls.expectations() == ()  # nothing recorded: nothing to check
    result = cls(width=44, height=24, noise_amount=0.0).run(client, timeout=120)
    assert _image(client, result.images[0].image_name).size == (44, 24)


@pytest.mark.parametrize("server_url", ["6.14.2"], indirect=True)  # video nodes came in 6.x
def test_a_video_input_takes_a_local_file_uploaded_as_a_video(client: InvokeAIClient, tmp_path: Path) -> None:
    """``VideoValue``: a local path is uploaded as a video (not an image) and reaches the node;
    a server video name works too; a number is refused before anything runs."""
    import json
    import sys

    import imageio_ffmpeg
    from pydantic import ValidationError

    from ivk_codegen.cli import main as codegen

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))
    from wfbuild import workflow

    wf = workflow([("clip", "video", {"video": None})], [], [("clip", "video")], no_cache=["clip"], name="Clip")
    (tmp_path / "clip.json").write_text(json.dumps(wf.data))
    assert codegen([str(tmp_path / "clip.json"), "-o", str(tmp_path / "clip.py"), "-q"]) == 0
    assert "video: VideoValue" in (tmp_path / "clip.py").read_text()
    spec = importlib.util.spec_from_file_location("e2e_video_clip", tmp_path / "clip.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)

    mp4 = tmp_path / "local.mp4"
    writer = imageio_ffmpeg.write_frames(str(mp4), (24, 8), fps=4, macro_block_size=1)
    writer.send(None)
    for shade in range(4):
        writer.send(bytes([shade * 60]) * (24 * 8 * 3))
    writer.close()
    with pytest.raises(ValidationError):
        module.Clip(video=12345)
    result = module.Clip(video=mp4).run(client, timeout=120)
    (video,) = result.videos
    assert (video.width, video.height) == (24, 8)
    again = module.Clip(video=video.video_name).run(client, timeout=120)
    assert again.videos[0].video_name == video.video_name


def test_a_schema_object_input_reaches_the_node_as_the_schema_shapes_it(
    client: InvokeAIClient, tmp_path: Path
) -> None:
    """``loras: list[LoRAMetadataField] | None`` of core_metadata (model-free): a class of the
    module, whose JSON the node returns in its metadata exactly (it was JsonValue)."""
    import json
    import sys

    from pydantic import ValidationError

    from ivk_codegen.cli import main as codegen
    from ivk_runtime.values import ModelRef

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))
    from wfbuild import workflow

    wf = workflow([("meta", "core_metadata", {"loras": None, "seed": 7})], [], [("meta", "loras")],
                  no_cache=["meta"], name="Meta")  # fmt: skip
    (tmp_path / "meta.json").write_text(json.dumps(wf.data))
    assert codegen([str(tmp_path / "meta.json"), "-o", str(tmp_path / "meta.py"), "-q"]) == 0
    code = (tmp_path / "meta.py").read_text()
    assert "class LoRAMetadataField(SchemaObject):" in code
    spec = importlib.util.spec_from_file_location("e2e_meta_objects", tmp_path / "meta.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)

    lora = ModelRef(key="k-1", hash="blake3:ab", name="some lora", base="sdxl", type="lora")
    with pytest.raises(ValidationError):
        module.LoRAMetadataField(model=lora, weight="0.5")
    params = module.Meta(loras=[module.LoRAMetadataField(model=lora, weight=0.25)])
    result = params.run(client, timeout=120)
    metadata = result.output("meta", "metadata")
    assert metadata["loras"] == [
        {"model": {"key": "k-1", "hash": "blake3:ab", "name": "some lora", "base": "sdxl", "type": "lora"},
         "weight": 0.25}
    ]  # fmt: skip


def test_a_run_past_its_timeout_says_the_timeout_given_and_can_be_waited_for_again(
    generated: dict[str, ModuleType], invokeai_url: str
) -> None:
    from ivk_runtime import RunTimeout

    params = generated["blur_image"].BlurImage(width=512, height=512, blur_radius=30.0)
    with InvokeAIClient(invokeai_url) as client, pytest.raises(RunTimeout) as late:
        params.run(client, timeout=0.05)
    # the timeout given, not what was left of it after the enqueue
    assert late.value.timeout == 0.05 and "within 0.05 s" in str(late.value)
    with InvokeAIClient(invokeai_url) as client:
        (result,) = client.wait(list(late.value.item_ids), timeout=300)
    assert result.status == "completed"
