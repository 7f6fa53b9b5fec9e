"""The clients against a real InvokeAI server, with small model-free workflows built in code.

Values are proven applied from the output images themselves (downloaded, opened with Pillow).
"""

from __future__ import annotations

import asyncio
import io
import pathlib
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import EnqueueValidationError, RunCanceled, RunFailed, ServerUnreachable
from ivk_runtime.events import ProgressEvent
from ivk_runtime.client.outputs import output_images
from ivk_runtime.client.results import OutputImage, RunResult

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from wfbuild import blur_chain, workflow  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        width, height = img.size
        return int(width), int(height)


def pixel_of(data: bytes) -> tuple[int, ...]:
    with Image.open(io.BytesIO(data)) as img:
        return tuple(img.convert("RGBA").getpixel((0, 0)))


def test_run_applies_values_sync(client: InvokeAIClient, tmp_path: pathlib.Path) -> None:
    events: list[ProgressEvent] = []
    result = client.run(blur_chain(), {0: 37, 1: 21, 2: 1.5}, progress=events.append, timeout=60)
    assert result.status == "completed" and result["status"] == "completed"
    (image,) = result.images
    assert (image.node_id, image.node_type, image.board_id) == ("save", "save_image", None)
    assert (image.width, image.height) == (37, 21)
    assert size_of(image.bytes()) == (37, 21)
    assert size_of(image.bytes(full_resolution=False)) <= (256, 256)  # the thumbnail
    (path,) = result.download(tmp_path)
    assert path == tmp_path / image.image_name and size_of(path.read_bytes()) == (37, 21)
    assert result.values == {0: 37, 1: 21, 2: 1.5}
    assert result.duration is not None and 0 < result.duration < 60
    assert result.queue_item["origin"] == "ivk-codegen"
    assert result.queue_item["session"]["graph"]["nodes"]["blur"]["radius"] == 1.5
    kinds = {e.kind for e in events}
    assert {"status", "started", "complete"} <= kinds
    assert events[-1].status == "completed"


def test_saved_image_carries_the_workflow(client: InvokeAIClient, invokeai_url: str) -> None:
    result = client.run(blur_chain(), {0: 12, 1: 12})
    name = result.images[0].image_name
    answer = httpx.get(
        f"{invokeai_url}/api/v1/images/i/{name}/workflow", headers={"Accept-Encoding": "identity"}
    ).json()
    attached = answer.get("workflow")
    attached = attached if isinstance(attached, dict) else __import__("json").loads(attached)
    assert attached["name"] == "ivk-runtime-test"
    widths = [
        n["data"]["inputs"]["width"]["value"] for n in attached["nodes"] if n["id"] == "blank"
    ]
    assert widths == [12]


async def test_run_applies_values_async(invokeai_url: str, tmp_path: pathlib.Path) -> None:
    async with AsyncInvokeAIClient(invokeai_url, timeout=60) as client:
        result = await client.run(blur_chain(), {0: 29, 1: 17})
        (image,) = result.images
        assert size_of(await image.abytes()) == (29, 17)
        (path,) = await result.adownload(tmp_path)
        assert size_of(path.read_bytes()) == (29, 17)
        with pytest.raises(TypeError):
            image.bytes()  # an async client's image needs await
        # concurrent runs share one event stream and still map back to their values
        runs = await asyncio.gather(
            *(client.run(blur_chain(), {0: 20 + i, 1: 10}) for i in range(3))
        )
        assert [r.images[0].width for r in runs] == [20, 21, 22]


def test_run_many_one_batch_matched_back(client: InvokeAIClient) -> None:
    values = [{0: 16 + 8 * i, 1: 40 - 4 * i, 2: float(i)} for i in range(5)]
    results = client.run_many(blur_chain(), values)
    assert len({r.batch_id for r in results}) == 1  # one enqueue_batch
    for given, result in zip(values, results):
        assert result.values == given
        assert size_of(result.images[0].bytes()) == (given[0], given[1])
        by_field = {
            (f["node_path"], f["field_name"]): f["value"] for f in result.queue_item["field_values"]
        }
        assert by_field[("blank", "width")] == given[0]


async def test_run_many_async(invokeai_url: str) -> None:
    async with AsyncInvokeAIClient(invokeai_url) as client:
        results = await client.run_many(blur_chain(), [{0: 9}, {0: 19}, {0: 9}])
    assert [r.images[0].width for r in results] == [9, 19, 9]


def test_invalid_value_in_a_batch_is_refused_not_poisoning(
    client: InvokeAIClient, invokeai_url: str
) -> None:
    # The server pastes batch data unchecked; -5 there would make an item nobody can read.
    with pytest.raises(EnqueueValidationError) as info:
        client.run_many(blur_chain(), [{2: 1.0}, {2: -5}, {2: 2.0}], attribute_names={2: "radius"})
    (problem,) = info.value.problems
    assert (problem.input_index, problem.attribute, problem.field) == (2, "radius", "radius")
    listing = httpx.get(
        f"{invokeai_url}/api/v1/queue/default/list_all", headers={"Accept-Encoding": "identity"}
    )
    assert listing.status_code == 200, listing.text[:300]


def test_failure_flow(client: InvokeAIClient) -> None:
    wf = workflow([("d", "div", {"a": 7, "b": 1})], form=[("d", "a"), ("d", "b")], no_cache=["d"])
    with pytest.raises(RunFailed) as info:
        client.run(wf, {1: 0})
    assert info.value.error_type == "ZeroDivisionError"
    assert "division by zero" in (info.value.error_message or "")
    assert "Traceback" in (info.value.error_traceback or "")
    result = info.value.result
    assert getattr(result, "status") == "failed"


def test_cancel(client: InvokeAIClient) -> None:
    submission = client.enqueue(blur_chain(), [{0: 11}, {0: 13}, {0: 15}])
    last = submission.items_for(2)[0]
    client.cancel(last)
    with pytest.raises(RunCanceled) as info:
        client.wait(last, timeout=30)
    assert info.value.item_id == last
    assert client.wait(submission.items_for(0)[0], timeout=30).status == "completed"


def test_wait_on_an_item_that_already_finished(client: InvokeAIClient, invokeai_url: str) -> None:
    submission = client.enqueue(blur_chain(), [{0: 14}])
    (item_id,) = submission.item_ids
    deadline = time.monotonic() + 30
    while client.get_queue_item(item_id)["status"] != "completed" and time.monotonic() < deadline:
        time.sleep(0.1)
    with InvokeAIClient(invokeai_url) as fresh:  # knows nothing of the submission
        result = fresh.wait(item_id, timeout=5)
    assert result.status == "completed" and result.images[0].width == 14


def test_polling_mode(invokeai_url: str) -> None:
    with InvokeAIClient(invokeai_url, events="off") as client:
        result = client.run(blur_chain(), {0: 23})
        assert client._events.transport is None and client._events.state.bytes_read == 0
    assert result.images[0].width == 23 and result._complete  # the item, fetched


@pytest.mark.parametrize("events", ["auto", "websocket", "polling"])
def test_event_transports(invokeai_url: str, events: Any) -> None:
    seen: list[str] = []
    with InvokeAIClient(invokeai_url, events=events) as client:
        for width in (17, 19):  # the second run reuses the session
            result = client.run(
                blur_chain(), {0: width}, progress=lambda e: seen.append(f"{e.kind}:{e.node_id}")
            )
            assert result.images[0].width == width and not result._complete  # from events
        assert client._events.transport == ("polling" if events == "polling" else "websocket")
        assert client._events.state.generation == 1
    assert "complete:save" in seen and "started:blank" in seen


@pytest.mark.parametrize("events", ["websocket", "polling"])
async def test_async_event_transports(invokeai_url: str, events: Any) -> None:
    async with AsyncInvokeAIClient(invokeai_url, events=events) as client:
        results = await asyncio.gather(
            client.run(blur_chain(), {0: 11}), client.run(blur_chain(), {0: 12})
        )
        assert client._events.transport == events and client._events.state.generation == 1
    assert [r.images[0].width for r in results] == [11, 12]
    assert not any(r._complete for r in results)


def test_iterate_collect_order(client: InvokeAIClient) -> None:
    wf = workflow(
        [
            ("ic", "integer_collection", {"collection": [24, 8, 16]}),
            ("it", "iterate", {"collection": []}),
            (
                "blank",
                "blank_image",
                {
                    "width": 4,
                    "height": 4,
                    "mode": "RGB",
                    "color": {"r": 0, "g": 0, "b": 255, "a": 255},
                },
            ),
            ("save", "save_image", {"board": "none"}),
            ("col", "collect", {}),
        ],
        [
            ("ic", "collection", "it", "collection"),
            ("it", "item", "blank", "width"),
            ("blank", "image", "save", "image"),
            ("save", "image", "col", "item"),
        ],
        form=[("ic", "collection")],
        no_cache=["ic", "it", "blank", "save", "col"],
        intermediate=["blank"],
    )
    result = client.run(wf, {0: [5, 30, 12, 7]})
    assert [(i.node_id, i.width) for i in result.images] == [
        ("save", 5),
        ("save", 30),
        ("save", 12),
        ("save", 7),
    ]
    assert [size_of(i.bytes())[0] for i in result.images] == [5, 30, 12, 7]


def test_boards_none_and_named(client: InvokeAIClient) -> None:
    board = client.create_board(f"ivk-test-{uuid.uuid4().hex[:8]}")
    board_id = board["board_id"]
    try:
        wf = blur_chain(with_board_input=True)
        named = client.run(wf, {0: 10, 3: {"board_id": board_id}}, attribute_names={3: "board"})
        (img,) = named.images
        assert (img.board_id, img.input_index, img.attribute) == (board_id, 3, "board")
        assert img.image_name in client.list_board_images(board_id)
        plain = client.run(wf, {0: 10, 3: "none"})
        assert plain.images[0].board_id is None and plain.images[0].input_index == 3
        assert plain.images[0].image_name in client.list_board_images("none")
        boards = client.list_boards(include_uncategorized=True)
        assert boards[0]["board_id"] == "none" and any(b["board_id"] == board_id for b in boards)
        # value sets that differ in their board cannot share batch data: still correct
        both = client.run_many(wf, [{0: 6, 3: {"board_id": board_id}}, {0: 7, 3: "none"}])
        assert [(r.images[0].width, r.images[0].board_id) for r in both] == [
            (6, board_id),
            (7, None),
        ]
    finally:
        client.delete_board(board_id)
    assert all(b["board_id"] != board_id for b in client.list_boards())


def test_upload_flow(client: InvokeAIClient, tmp_path: pathlib.Path) -> None:
    src = tmp_path / "input.png"
    Image.new("RGB", (33, 19), (0, 200, 0)).save(src)
    wf = workflow(
        [
            ("blur", "img_blur", {"image": None, "radius": 0, "blur_type": "gaussian"}),
            ("save", "save_image", {"board": "none"}),
        ],
        [("blur", "image", "save", "image")],
        form=[("blur", "image")],
        no_cache=["blur", "save"],
        intermediate=["blur"],
    )
    result = client.run(wf, {0: src})
    data = result.images[0].bytes()
    assert size_of(data) == (33, 19)
    assert all(abs(a - b) <= 2 for a, b in zip(pixel_of(data)[:3], (0, 200, 0)))
    assert result.values == {0: src}
    uploaded = result.queue_item["session"]["graph"]["nodes"]["blur"]["image"]["image_name"]
    dto = client.upload_image(src, board_id="none")
    assert dto["width"] == 33 and dto["image_name"] != uploaded


def test_server_info(client: InvokeAIClient) -> None:
    assert client.version().count(".") >= 2
    assert client.schema() is client.schema()  # cached
    assert client.schema().node("img_blur") is not None
    assert isinstance(client.list_models(), list)


def test_unknown_image_is_an_http_error(client: InvokeAIClient) -> None:
    from ivk_runtime.errors import HTTPStatusError

    with pytest.raises(HTTPStatusError) as info:
        client.download_image("does-not-exist.png")
    assert info.value.status == 404


def _full_images(client: InvokeAIClient, result: RunResult) -> list[tuple[Any, ...]]:
    """The images the whole queue item maps to (what results were before events built them)."""
    sub = client._submissions.get(result.item_id)
    boards = sub.board_inputs if sub is not None else {}
    item = client.get_queue_item(result.item_id)
    return [_image_key(i) for i in output_images(item, boards, None)]


def _image_key(i: OutputImage) -> tuple[Any, ...]:
    return (i.image_name, i.node_id, i.node_type, i.board_id, i.input_index, i.width, i.height)


def test_results_from_events_match_the_queue_item(client: InvokeAIClient) -> None:
    # Two gallery outputs, one of them fed by a cached node, and an intermediate in between:
    # what the events say must be what the session says, in the same order.
    wf = workflow(
        [
            (
                "blank",
                "blank_image",
                {
                    "width": 8,
                    "height": 6,
                    "mode": "RGB",
                    "color": {"r": 1, "g": 2, "b": 3, "a": 255},
                },
            ),
            ("blur", "img_blur", {"image": None, "radius": 1, "blur_type": "gaussian"}),
            ("save", "save_image", {"board": "none", "image": None}),
            ("resize", "img_resize", {"image": None, "width": 5, "height": 4}),
        ],
        [
            ("blank", "image", "blur", "image"),
            ("blur", "image", "save", "image"),
            ("blank", "image", "resize", "image"),
        ],
        [("blank", "width"), ("resize", "width")],
        no_cache=["blur", "save", "resize"],
        intermediate=["blank", "blur"],
    )
    for values in ({0: 9, 1: 7}, {0: 9, 1: 3}):  # the second run hits the cache for "blank"
        result = client.run(wf, values)
        assert not result._complete  # built from events: no final fetch
        assert result.status == "completed" and result.duration is not None
        assert [_image_key(i) for i in result.images] == _full_images(client, result)
        assert {i.node_id for i in result.images} == {"save", "resize"}
        assert result["session_id"] == result.queue_item["session_id"]  # fetched on demand
        assert result._complete and "session" in result

    values_list = [{0: 10 + i, 1: 4 + i} for i in range(4)]
    batch = client.run_many(wf, values_list)
    assert len({r.batch_id for r in batch}) == 1
    for given, result in zip(values_list, batch):
        assert not result._complete and result.values == given
        assert [_image_key(i) for i in result.images] == _full_images(client, result)


def test_iterations_still_map_from_the_queue_item(client: InvokeAIClient) -> None:
    wf = workflow(
        [
            ("ic", "integer_collection", {"collection": [6, 4]}),
            ("it", "iterate", {"collection": []}),
            (
                "blank",
                "blank_image",
                {
                    "width": 4,
                    "height": 4,
                    "mode": "RGB",
                    "color": {"r": 0, "g": 0, "b": 0, "a": 255},
                },
            ),
        ],
        [("ic", "collection", "it", "collection"), ("it", "item", "blank", "width")],
        no_cache=["ic", "it", "blank"],
    )
    result = client.run(wf)
    assert result._complete  # an iteration's order needs the session
    assert [i.width for i in result.images] == [6, 4]


async def test_async_results_from_events(invokeai_url: str) -> None:
    async with AsyncInvokeAIClient(invokeai_url) as client:
        result = await client.run(blur_chain(), {0: 13, 1: 5})
        assert not result._complete and result.images[0].width == 13
        with pytest.raises(TypeError):
            result.queue_item  # an async client's result needs await to fetch it
        item = await result.aqueue_item()
        assert item["session"]["graph"]["nodes"]["blank"]["width"] == 13
        assert result.queue_item is item


class LoseFirstEnqueue(httpx.BaseTransport):
    """Real HTTP, but the first enqueue_batch gets no answer: delivered (``deliver``) or not."""

    def __init__(self, deliver: bool) -> None:
        self.inner = httpx.HTTPTransport()
        self.deliver = deliver
        self.posts = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/enqueue_batch"):
            self.posts += 1
            if self.posts == 1:
                if self.deliver:
                    self.inner.handle_request(request).close()
                raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_batch_status_shape_for_an_unknown_batch(invokeai_url: str) -> None:
    # What queue.find_batch relies on: 200 with ``total`` 0, not a 404, for a batch not queued.
    response = httpx.get(f"{invokeai_url}/api/v1/queue/default/b/{uuid.uuid4()}/status")
    assert response.status_code == 200 and response.json()["total"] == 0


def test_lost_enqueue_answer_recovers_without_a_second_batch(invokeai_url: str) -> None:
    transport = LoseFirstEnqueue(deliver=True)
    with InvokeAIClient(invokeai_url, timeout=60, transport=transport) as lossy:
        result = lossy.run(blur_chain(), {0: 29, 1: 19}, timeout=60)
        assert result.status == "completed" and result.images[0].width == 29
        batch = result.queue_item["batch_id"]
    assert transport.posts == 1
    status = httpx.get(f"{invokeai_url}/api/v1/queue/default/b/{batch}/status").json()
    assert status["total"] == 1 and status["completed"] == 1  # enqueued once, not twice


def test_a_lost_enqueue_that_never_landed_is_reported_not_resent(
    invokeai_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ivk_runtime.api import queue

    monkeypatch.setattr(queue, "LOST_ENQUEUE_LOOKS", (0.0, 0.1, 0.2))
    transport = LoseFirstEnqueue(deliver=False)
    with InvokeAIClient(invokeai_url, timeout=60, transport=transport) as lossy:
        with pytest.raises(ServerUnreachable) as info:
            lossy.run(blur_chain(), {0: 29, 1: 19}, timeout=60)
    assert transport.posts == 1
    (batch,) = info.value.batch_ids
    status = httpx.get(f"{invokeai_url}/api/v1/queue/default/b/{batch}/status").json()
    assert status["total"] == 0  # never there, and never sent twice


@pytest.mark.parametrize("events", ["websocket", "polling"])
def test_a_script_that_never_closes_its_client_still_exits(invokeai_url: str, events: str) -> None:
    """No thread of the event session may keep the interpreter alive after the script ends."""
    script = (
        "import sys; sys.path.insert(0, sys.argv[2])\n"
        "from wfbuild import blur_chain\n"
        "from ivk_runtime import InvokeAIClient\n"
        f"client = InvokeAIClient(sys.argv[1], events={events!r})\n"
        "result = client.run(blur_chain(), {0: 9}, timeout=60)\n"
        "print(result.status, client._events.transport)\n"
    )
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", script, invokeai_url, str(pathlib.Path(__file__).parent)],
        capture_output=True, text=True, timeout=90,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["completed", events]


def test_full_image_and_thumbnail_download_side_by_side(client: InvokeAIClient, tmp_path: pathlib.Path) -> None:
    (image,) = client.run(blur_chain(), {0: 300, 1: 280}, timeout=60).images
    full = image.download(tmp_path)
    thumb = image.download(tmp_path, full_resolution=False)
    assert full != thumb and sorted(p.name for p in tmp_path.iterdir()) == sorted([full.name, thumb.name])
    assert full.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and size_of(full.read_bytes()) == (300, 280)
    data = thumb.read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"  # named for what it is
    assert thumb.name == image.image_name.rsplit(".", 1)[0] + ".thumbnail.webp"


def test_a_node_type_the_server_lacks_is_refused_before_anything_is_enqueued(
    client: InvokeAIClient,
) -> None:
    """The GUI refuses it ("missing node template"); building the graph anyway would run the
    workflow without that node and its edges, and "complete"."""
    from ivk_runtime.errors import UnrunnableWorkflow
    from ivk_runtime.workflow import parse_workflow

    data = blur_chain().data
    for node in data["nodes"]:
        if node["id"] == "blur":
            node["data"]["type"] = "my_pack_blur"  # a node pack not installed there
    wf = parse_workflow(data, "packed.json")
    before = httpx.get(f"{client.base_url}/api/v1/queue/default/status").json()["queue"]["total"]
    with pytest.raises(UnrunnableWorkflow) as info:
        client.run(wf, {0: 20}, attribute_names={0: "width", 1: "height", 2: "radius"})
    message = str(info.value)
    assert "'blur'" in message and "'my_pack_blur'" in message and "packed.json" in message
    assert "radius" in message and "width" in message  # the Form inputs feeding it, by name
    after = httpx.get(f"{client.base_url}/api/v1/queue/default/status").json()["queue"]["total"]
    assert after == before


def test_non_image_outputs_are_reachable_by_node_and_field(client: InvokeAIClient) -> None:
    wf = workflow(
        [("r", "range", {"start": 0, "stop": 3, "step": 1}), ("each", "iterate", {}),
         ("plus", "add", {"b": 10}), ("all", "collect", {}), ("once", "add", {"a": 4, "b": 5})],
        [("r", "collection", "each", "collection"), ("each", "item", "plus", "a"),
         ("plus", "value", "all", "item")],
        no_cache=["plus", "once"],
    )  # fmt: skip
    result = client.run(wf, {}, timeout=60)
    assert result.output("once", "value") == 9
    assert [o["value"] for o in result.outputs["plus"]] == [10, 11, 12]  # in iteration order
    assert sorted(result.output("all", "collection")) == [10, 11, 12]
    with pytest.raises(ValueError, match="ran 3 times"):
        result.output("plus", "value")
    with pytest.raises(KeyError, match="no output 'nope'"):
        result.output("once", "nope")


def test_video_outputs_are_mapped_and_download(client: InvokeAIClient, tmp_path: pathlib.Path) -> None:
    import imageio_ffmpeg

    mp4 = tmp_path / "clip.mp4"
    writer = imageio_ffmpeg.write_frames(str(mp4), (32, 16), fps=4, macro_block_size=1)
    writer.send(None)
    for shade in range(8):
        writer.send(bytes([shade * 30]) * (32 * 16 * 3))
    writer.close()
    uploaded = client.upload_video(mp4)
    wf = workflow([("clip", "video", {"video": {"video_name": uploaded["video_name"]}})], no_cache=["clip"])
    result = client.run(wf, {}, timeout=60)
    (video,) = result.videos
    assert (video.video_name, video.node_id, video.node_type) == (uploaded["video_name"], "clip", "video")
    assert (video.width, video.height) == (32, 16)
    path = video.download(tmp_path / "out")
    assert path.name == video.video_name and path.read_bytes()[4:8] == b"ftyp"
    assert result.images == []


def test_an_output_image_is_a_pil_image_and_shows_itself_in_jupyter(
    client: InvokeAIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    (image,) = client.run(blur_chain(), {0: 33, 1: 19}, timeout=60).images
    pil = image.pil()
    assert isinstance(pil, Image.Image) and pil.size == (33, 19)
    assert image.pil(full_resolution=False).size[0] <= 33
    shown = image._repr_png_()  # what IPython's PNG formatter calls
    assert shown is not None and shown[:8] == b"\x89PNG\r\n\x1a\n" and size_of(shown) == (33, 19)
    monkeypatch.setitem(sys.modules, "PIL", None)  # Pillow is an extra: say which
    with pytest.raises(ImportError, match=r"ivk-codegen\[images\]"):
        image.pil()


async def test_an_async_results_image_is_a_pil_image(invokeai_url: str) -> None:
    async with AsyncInvokeAIClient(invokeai_url, timeout=60) as client:
        (image,) = (await client.run(blur_chain(), {0: 21, 1: 13}, timeout=60)).images
        assert (await image.apil()).size == (21, 13)
        assert image._repr_png_() is None  # Jupyter cannot await: the text repr shows
