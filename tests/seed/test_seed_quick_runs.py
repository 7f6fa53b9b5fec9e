"""QuickClient's runs that end without an image, on a real server (the queue's processor is
paused so a run stays pending on cue): a timeout raises with the item id and leaves it
queued, a canceled copy raises the seed's canceled error, and a model name that fits no
model is refused (the choice itself is pure: tested on lists of the server's shape)."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import RunCanceled, RunTimeout
from ivk_runtime.seed import exceptions
from ivk_runtime.seed.quick import QuickClient, quick_client
from ivk_runtime.seed.quick.quick_client import QuickRunCanceled, pick_sdxl_main


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
def paused(client: InvokeAIClient) -> Iterator[InvokeAIClient]:
    client.queue.pause()
    try:
        yield client
    finally:
        client.queue.cancel_all_except_current()
        client.queue.resume()


@pytest.fixture
def image(client: InvokeAIClient) -> Iterator[str]:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (9, 8, 7)).save(buf, "PNG")
    name = client.images.upload(buf.getvalue()).image_name
    yield name
    client.images.delete(name)


def copy_workflow(qc: QuickClient, image: str) -> Any:
    wf = qc._workflow("copy-image.json")
    inputs = quick_client._inputs_by_field(wf)
    inputs["image"].value = image
    inputs["board"].value = "none"
    return wf


def cancel_when_pending(client: InvokeAIClient) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        item = client.queue.upcoming()
        if item is not None:
            client.queue.cancel(item.item_id)
            return item.item_id
        time.sleep(0.1)
    raise AssertionError("no item became pending")


@pytest.mark.server
def test_a_timeout_raises_with_the_item_left_queued(paused: InvokeAIClient, image: str) -> None:
    qc = QuickClient(paused)
    with pytest.raises(RunTimeout) as raised:
        qc._run(copy_workflow(qc, image), timeout=2)
    assert isinstance(raised.value, exceptions.TimeoutError) and isinstance(raised.value, TimeoutError)
    assert not isinstance(raised.value, ValueError)  # not "failed": it is still there
    item_id = raised.value.item_id
    assert item_id is not None and str(item_id) in str(raised.value)
    assert paused.queue.get(item_id).status == "pending"


@pytest.mark.server
def test_a_canceled_copy_raises_the_seeds_canceled_error(paused: InvokeAIClient, image: str) -> None:
    outcome: dict[str, BaseException] = {}

    def copy() -> None:
        try:
            QuickClient(paused).copy_image_to_board(image, "none")
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc

    runner = threading.Thread(target=copy)
    runner.start()
    item_id = cancel_when_pending(paused)
    runner.join(60)
    error = outcome.get("error")
    assert isinstance(error, RunCanceled) and isinstance(error, exceptions.JobError)
    assert error.item_id == item_id and not isinstance(error, ValueError)


@pytest.mark.server
def test_a_canceled_generation_is_none_with_a_warning(paused: InvokeAIClient, image: str) -> None:
    qc = QuickClient(paused)
    wf = copy_workflow(qc, image)  # no SDXL weights here: the same run path, canceled
    runner_result: dict[str, Any] = {}

    def run() -> None:
        with pytest.warns(QuickRunCanceled, match="canceled") as seen:
            runner_result["image"] = qc._run(wf, timeout=60, canceled_is_none=True)
        runner_result["warnings"] = len(seen)

    runner = threading.Thread(target=run)
    runner.start()
    cancel_when_pending(paused)
    runner.join(60)
    assert runner_result == {"image": None, "warnings": 1}


@pytest.mark.server
def test_a_model_name_is_checked_before_anything_runs(client: InvokeAIClient) -> None:
    with pytest.raises(ValueError, match="SDXL"):
        QuickClient(client).generate_image_sdxl_t2i("a", "b", 512, 512, model_name="juggernaut")


SDXL = [
    {"key": "k1", "name": "RealVis XL", "base": "sdxl", "type": "main"},
    {"key": "k2", "name": "Juggernaut XL v9", "base": "sdxl", "type": "main"},
    {"key": "k3", "name": "juggernaut-sd15", "base": "sd-1", "type": "main"},
    {"key": "k4", "name": "juggernaut lora", "base": "sdxl", "type": "lora"},
]


def test_a_model_name_that_fits_no_model_is_refused() -> None:
    with pytest.raises(ValueError, match="'dreamshaper'.*RealVis XL"):
        pick_sdxl_main(SDXL, "dreamshaper")  # 1.1.1 generated with "RealVis XL" instead


def test_model_choice_as_documented() -> None:
    assert pick_sdxl_main(SDXL, None)["key"] == "k1"  # no name: the first SDXL main
    assert pick_sdxl_main(SDXL, "JUGGERNAUT")["key"] == "k2"  # a substring, any case
    with pytest.raises(ValueError, match="No SDXL 'main' model available"):
        pick_sdxl_main(SDXL[2:], "juggernaut")
