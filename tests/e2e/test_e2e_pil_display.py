"""Images you can see, on a real 6.14.2 server: a PIL image as an image input (uploaded once per
content per client), and results shown in Jupyter (through IPython's own formatter)."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from IPython.core.formatters import DisplayFormatter
from PIL import Image

from ivk_codegen.cli import main as codegen
from ivk_runtime import AsyncInvokeAIClient, InvokeAIClient, RunFailed, agallery, gallery

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))
from fault_proxy import Fault, FaultProxy  # noqa: E402

pytestmark = pytest.mark.server

WORKFLOWS = Path(__file__).resolve().parents[1] / "workflows"
HOSTILE = '<script>alert("x")</script>'
_DATA_URI = re.compile(r'<img src="data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)"')


class Uploads:
    """Counts the image uploads a client's httpx client sends."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, request: httpx.Request) -> None:
        if request.method == "POST" and request.url.path == "/api/v1/images/upload":
            self.count += 1


@pytest.fixture
def counted(invokeai_url: str) -> Iterator[tuple[InvokeAIClient, Uploads]]:
    uploads = Uploads()
    http = httpx.Client(timeout=60, event_hooks={"request": [uploads]})
    with InvokeAIClient(invokeai_url, http_client=http) as client:
        yield client, uploads
    http.close()


@pytest.fixture(scope="module")
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    """blur_image.json with its save node labelled ``<script>...``."""
    data = json.loads((WORKFLOWS / "blur_image.json").read_text())
    for node in data["nodes"]:
        if node["data"]["type"] == "save_image":
            node["data"]["label"] = HOSTILE
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile_blur.json").write_text(json.dumps(data))
    assert (
        codegen([str(folder / "hostile_blur.json"), "-o", str(folder / "hostile_blur.py"), "-q"])
        == 0
    )
    spec = importlib.util.spec_from_file_location("e2e_hostile_blur", folder / "hostile_blur.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["e2e_hostile_blur"] = module
    spec.loader.exec_module(module)
    return module


def _picture(width: int = 40, height: int = 30) -> Image.Image:
    """Red on the left half, blue on the right: a resize of it shows it was the input."""
    image = Image.new("RGB", (width, height), (255, 0, 0))
    image.paste((0, 0, 255), (width // 2, 0, width, height))
    return image


def _output(client: InvokeAIClient, name: str) -> Image.Image:
    return Image.open(io.BytesIO(client.download_image(name))).convert("RGB")


def _input_name(result: Any, node_type: str = "img_resize") -> str:
    nodes = result.queue_item["session"]["graph"]["nodes"]
    (node,) = [n for n in nodes.values() if n["type"] == node_type]
    return str(node["image"]["image_name"])


def _html(obj: object) -> str:
    data, _ = DisplayFormatter().format(obj)
    assert "text/plain" in data
    return str(data["text/html"])


def _thumbnails(html: str) -> list[Image.Image]:
    out = []
    for mime, payload in _DATA_URI.findall(html):
        image = Image.open(io.BytesIO(base64.b64decode(payload, validate=True)))
        assert image.get_format_mimetype() == mime  # the data URI says what the bytes are
        out.append(image)
    return out


# --- a PIL image as an image input ---


def test_a_pil_image_is_uploaded_and_is_what_the_workflow_resizes(
    counted: tuple[InvokeAIClient, Uploads], generated: dict[str, ModuleType]
) -> None:
    client, uploads = counted
    picture = _picture()
    cls = generated["resize_upload"].ResizeAnImage
    result = cls(input_image=picture, width=20, height=10, resample_mode="nearest").run(
        client, timeout=120
    )
    out = _output(client, result.images[0].image_name)
    assert out.size == (20, 10)
    assert out.getpixel((3, 5)) == (255, 0, 0) and out.getpixel((16, 5)) == (0, 0, 255)
    assert uploads.count == 1
    sent = _output(client, _input_name(result))  # what was uploaded: the image, losslessly
    assert sent.size == picture.size and sent.tobytes() == picture.tobytes()


def test_ten_runs_of_one_image_upload_it_once(
    counted: tuple[InvokeAIClient, Uploads], generated: dict[str, ModuleType]
) -> None:
    client, uploads = counted
    picture = _picture()
    cls = generated["resize_upload"].ResizeAnImage
    results = cls.run_many(
        client, [cls(input_image=picture, width=8 + i, height=6) for i in range(10)], timeout=300
    )
    assert [r.images[0].width for r in results] == [8 + i for i in range(10)]
    assert uploads.count == 1
    assert len({_input_name(r) for r in results}) == 1  # every run read the one upload
    first = _input_name(results[0])

    # the same client again: the same image (or an equal copy) is not uploaded again
    cls(input_image=picture, width=9, height=9).run(client, timeout=120)
    again = cls(input_image=picture.copy(), width=9, height=9).run(client, timeout=120)
    assert uploads.count == 1 and _input_name(again) == first

    picture.putpixel((0, 0), (0, 255, 0))  # a changed image is uploaded again
    changed = cls(input_image=picture, width=9, height=9).run(client, timeout=120)
    assert uploads.count == 2 and _input_name(changed) != first

    client.images.delete(_input_name(changed))  # gone from the server: uploaded again, and runs
    back = cls(input_image=picture, width=40, height=30, resample_mode="nearest").run(
        client, timeout=120
    )
    assert uploads.count == 3 and back.status == "completed"
    assert _output(client, back.images[0].image_name).getpixel((0, 0)) == (0, 255, 0)


def test_a_preview_names_the_pil_image_and_uploads_nothing(
    counted: tuple[InvokeAIClient, Uploads], generated: dict[str, ModuleType]
) -> None:
    client, uploads = counted
    cls = generated["resize_upload"].ResizeAnImage
    params = cls(input_image=_picture(), width=9, height=9)
    (body,) = client.preview(
        cls.workflow(), [params.to_values()], attribute_names=cls.attribute_names()
    )
    images = [n.get("image") for n in body["batch"]["graph"]["nodes"].values() if n.get("image")]
    assert images == [{"image_name": "<upload: PIL image 40x30 RGB>"}]
    assert uploads.count == 0


async def test_the_async_client_uploads_a_pil_image(
    invokeai_url: str, generated: dict[str, ModuleType]
) -> None:
    cls = generated["resize_upload"].ResizeAnImage
    async with AsyncInvokeAIClient(invokeai_url, timeout=60) as aclient:
        result = await cls(input_image=_picture(), width=12, height=6).arun(aclient, timeout=120)
    assert result.status == "completed" and (result.images[0].width, result.images[0].height) == (
        12,
        6,
    )


# --- Jupyter display ---


def test_a_result_shows_its_thumbnail_and_captions(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    result = generated["blur_image"].BlurImage(width=300, height=200).run(client, timeout=120)
    html = _html(result)
    (thumb,) = _thumbnails(html)  # one <img> per output image
    assert html.count("<img ") == len(result.images) == 1
    assert max(thumb.size) <= 256 and thumb.size[0] / thumb.size[1] == pytest.approx(1.5, abs=0.02)
    for caption in ("Result", "save_image", "output_board", result.images[0].image_name, "300×200",
                    f"Run item {result.item_id}", "completed"):  # fmt: skip
        assert caption in html


def test_a_result_shows_after_its_clients_with_block(
    invokeai_url: str, generated: dict[str, ModuleType]
) -> None:
    """The usual notebook cell: run inside ``with``, show the result in the next cell."""
    with InvokeAIClient(invokeai_url, timeout=60) as closed:
        result = generated["blur_image"].BlurImage(width=40, height=20).run(closed, timeout=120)
    assert len(_thumbnails(_html(result))) == 1


def test_a_gallery_of_many_runs_is_bounded(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    cls = generated["blur_image"].BlurImage
    results = cls.run_many(client, [cls(width=20 + i, height=16) for i in range(3)], timeout=120)
    html = _html(gallery(results))
    assert len(_thumbnails(html)) == 3 and "3 runs (3 completed), 3 images" in html
    assert all(f"Run item {r.item_id}" in html for r in results)
    small = _html(gallery(results, max_images=2))
    assert len(_thumbnails(small)) == 2 and "and 1 more run not shown" in small


def test_a_hostile_label_is_escaped(client: InvokeAIClient, hostile: ModuleType) -> None:
    result = hostile.BlurImage(width=16, height=16).run(client, timeout=120)
    assert result.node_labels and HOSTILE in result.node_labels.values()
    html = _html(result)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert len(_thumbnails(html)) == 1


def test_a_failed_run_shows_its_error(
    client: InvokeAIClient, generated: dict[str, ModuleType]
) -> None:
    with pytest.raises(RunFailed) as failed:
        generated["fails_at_runtime"].FailsAtRunTime(denominator_value=0).run(client, timeout=120)
    result = failed.value.result
    html = _html(result)
    assert "failed" in html and "ZeroDivisionError" in html and "<details>" in html  # the traceback
    assert "<img " not in html


async def test_an_async_result_shows_names_and_agallery_fetches_thumbnails(
    invokeai_url: str, generated: dict[str, ModuleType]
) -> None:
    async with AsyncInvokeAIClient(invokeai_url, timeout=60) as aclient:
        result = (
            await generated["blur_image"].BlurImage(width=32, height=16).arun(aclient, timeout=120)
        )
        html = _html(result)  # no awaiting in a repr: names, no thumbnails, no error
        assert result.images[0].image_name in html and "<img " not in html and "agallery" in html
        fetched = await agallery(result)
    assert len(_thumbnails(_html(fetched))) == 1


def test_a_gone_or_stalled_server_still_displays_soon(
    invokeai_url: str, generated: dict[str, ModuleType]
) -> None:
    cls = generated["blur_image"].BlurImage
    stalled = FaultProxy(invokeai_url)
    try:
        with InvokeAIClient(stalled.url, timeout=60) as slow:
            result = cls(width=24, height=16).run(slow, timeout=120)
            stalled.rule = lambda method, path: Fault(delay=40) if "/thumbnail" in path else None
            started = time.monotonic()
            html = _html(result)
            assert time.monotonic() - started < 10  # the display's own 5 s, not the client's 60
            assert result.images[0].image_name in html and "<img " not in html
            stalled.close()  # gone
            started = time.monotonic()
            html = _html(result)
            assert time.monotonic() - started < 10
            assert result.images[0].image_name in html and "no thumbnail" in html
    finally:
        stalled.close()
