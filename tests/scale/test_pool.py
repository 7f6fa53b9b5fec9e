"""InvokeAIPool / AsyncInvokeAIPool on real servers: runs spread over two 6.14.2 servers and
come back in input order, each its own; every server is checked before anything is
enqueued (4.2.9 lacks img_noise); a local image is uploaded once per server."""

from __future__ import annotations

import asyncio
import contextlib
import pathlib
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest
from PIL import Image

from ivk_codegen.cli import main as codegen
from ivk_runtime import (
    AsyncInvokeAIPool,
    EnqueueValidationError,
    InvokeAIPool,
    PoolFailed,
    ProgressEvent,
    UnrunnableWorkflow,
)

from pool_support import assert_own_sizes, blur, items_since, last_item_id, load_module, queue_total

pytestmark = pytest.mark.server

WORKFLOWS = pathlib.Path(__file__).resolve().parents[1] / "workflows"


@pytest.fixture(scope="module")
def resize_module(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    out = tmp_path_factory.mktemp("pool_resize") / "pool_resize_upload.py"
    assert codegen([str(WORKFLOWS / "resize_upload.json"), "-o", str(out), "-q"]) == 0
    return load_module(out, "pool_resize_upload")


def test_runs_spread_over_both_servers_in_input_order(
    invokeai_url: str, second_invokeai_url: str
) -> None:
    urls = [invokeai_url, second_invokeai_url]
    before = {u: last_item_id(u) for u in urls}
    params = [blur.BlurImage(width=16 + 8 * i, height=60 - 4 * i) for i in range(4)]
    events: list[ProgressEvent] = []
    with InvokeAIPool(urls) as pool:
        results = blur.BlurImage.run_many(pool, params, timeout=120, progress=events.append)
    assert_own_sizes(params, results)
    assert {r.server for r in results} == set(urls)  # both used
    assert all(r.moved_from == () for r in results)
    # each server's queue holds exactly the runs the results say it ran: nothing twice
    for url in urls:
        ran = {r.item_id for r in results if r.server == url}
        assert items_since(url, before[url]) == dict.fromkeys(ran, "completed")
    done = {(e.data["server"], e.item_id) for e in events if e.status == "completed"}
    assert done == {(r.server, r.item_id) for r in results}


def test_one_run_and_the_async_pool(invokeai_url: str, second_invokeai_url: str) -> None:
    one = blur.BlurImage(width=40, height=24)
    with InvokeAIPool([invokeai_url, second_invokeai_url]) as pool:
        result = one.run(pool, timeout=60)
    assert_own_sizes([one], [result])
    assert result.server in (invokeai_url, second_invokeai_url)

    params = [
        blur.BlurImage(width=24, height=16),
        blur.BlurImage(width=16, height=32),
    ]

    async def main() -> list[object]:
        async with AsyncInvokeAIPool([invokeai_url, second_invokeai_url]) as apool:
            single = await params[0].arun(apool, timeout=60)
            many = await blur.BlurImage.arun_many(apool, params, timeout=60)
            return [single, *many]

    single, *many = asyncio.run(main())
    assert_own_sizes(params[:1], [single])  # type: ignore[list-item]
    assert_own_sizes(params, many)  # type: ignore[arg-type]


def test_a_server_without_a_node_refuses_the_batch_before_any_enqueue(
    invokeai_url: str, invokeai4_url: str
) -> None:
    urls = [invokeai_url, invokeai4_url]
    before = {u: queue_total(u) for u in urls}
    params = [blur.BlurImage(width=16), blur.BlurImage(width=24)]
    with InvokeAIPool(urls) as pool, pytest.warns(UserWarning):  # edges to the unknown node
        with pytest.raises(UnrunnableWorkflow) as refused:
            blur.BlurImage.run_many(pool, params, timeout=60)
    message = str(refused.value)
    assert invokeai4_url in message and "img_noise" in message
    assert invokeai_url not in message.replace(invokeai4_url, "")
    assert {u: queue_total(u) for u in urls} == before  # nothing enqueued anywhere


@pytest.mark.parametrize("kind", ["path", "pil"])
def test_a_local_image_is_uploaded_once_per_server(
    invokeai_url: str,
    second_invokeai_url: str,
    resize_module: ModuleType,
    tmp_path: pathlib.Path,
    kind: str,
) -> None:
    picture = Image.new("RGB", (20, 20), (200, 30, 30))
    local: object = picture
    if kind == "path":
        local = tmp_path / "pool_input.png"
        picture.save(local)
    params = [
        resize_module.ResizeAnImage(input_image=local, width=8 + 4 * i, height=10 + 2 * i)
        for i in range(4)
    ]
    with InvokeAIPool([invokeai_url, second_invokeai_url]) as pool:
        results = resize_module.ResizeAnImage.run_many(pool, params, timeout=120)
        uploads = {m.url: m.uploads for m in pool.members}
    if kind == "path":  # PIL images are the clients' own uploads, counted there
        assert uploads == {invokeai_url: 1, second_invokeai_url: 1}
    used: dict[str, set[str]] = {}
    for p, r in zip(params, results):
        assert r.status == "completed" and r.values == p.to_values()  # the image, as given
        assert (r.images[0].width, r.images[0].height) == (p.width, p.height)
        nodes = r.queue_item["session"]["graph"]["nodes"].values()
        names = {n["image"]["image_name"] for n in nodes if n.get("type") == "img_resize"}
        used.setdefault(str(r.server), set()).update(names)
    # the server-side proof: every run on a server resized the one upload made there
    assert set(used) == {invokeai_url, second_invokeai_url}
    assert all(len(names) == 1 for names in used.values())
    assert used[invokeai_url] != used[second_invokeai_url]


def test_progress_true_draws_one_bar_for_the_whole_batch(
    invokeai_url: str, second_invokeai_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bar is told every run of the batch, and sees each run as its own (item ids repeat
    between servers: the bar is handed one key per run instead)."""
    from ivk_runtime.client import progress_display

    bars: list[tuple[int, list[ProgressEvent]]] = []

    @contextlib.contextmanager
    def fake_bar(runs: int) -> Iterator[Callable[[ProgressEvent], None]]:
        bars.append((runs, []))
        yield bars[-1][1].append

    monkeypatch.setattr(progress_display, "_bar", fake_bar)
    params = [blur.BlurImage(width=20, height=16), blur.BlurImage(width=16, height=20)]
    with InvokeAIPool([invokeai_url, second_invokeai_url]) as pool:
        results = blur.BlurImage.run_many(pool, params, timeout=60, progress=True)
    assert_own_sizes(params, results)
    assert {r.server for r in results} == {invokeai_url, second_invokeai_url}
    [(total, events)] = bars
    assert total == 2
    done = {e.item_id: e.data["item_id"] for e in events if e.status == "completed"}
    assert sorted(done) == [0, 1]  # one key per run, whatever the servers' item ids
    assert sorted(done.values()) == sorted(r.item_id for r in results)


def test_a_queue_busy_with_others_work_gets_no_run_while_another_is_shorter(
    invokeai_url: str, second_invokeai_url: str
) -> None:
    """Someone else's items waiting on the first server's queue count: both runs go to the
    second, whose queue is empty."""
    from ivk_runtime import InvokeAIClient

    theirs = [blur.BlurImage(width=128 + 8 * i, height=128, blur_radius=8.0) for i in range(3)]
    with InvokeAIClient(invokeai_url) as other:
        submitted = other.enqueue(
            blur.BlurImage.workflow(),
            [p.to_values() for p in theirs],
            attribute_names=blur.BlurImage.attribute_names(),
        )
        try:
            params = [blur.BlurImage(width=16, height=24), blur.BlurImage(width=24, height=16)]
            with InvokeAIPool([invokeai_url, second_invokeai_url]) as pool:
                results = blur.BlurImage.run_many(pool, params, timeout=60)
        finally:
            other.wait(submitted.item_ids, timeout=120)
    assert_own_sizes(params, results)
    assert [r.server for r in results] == [second_invokeai_url] * 2


def test_a_run_the_server_refuses_is_named_and_the_others_finish(
    invokeai_url: str, second_invokeai_url: str
) -> None:
    """A value set the server refuses (422) is not sent to another server (it would refuse
    it too): the batch's other runs finish, then PoolFailed names it."""
    good = blur.BlurImage(width=24, height=16).to_values()
    bad = {**good, 0: "wide"}  # past the generated class: only the server can refuse it
    with InvokeAIPool([invokeai_url, second_invokeai_url]) as pool:
        with pytest.raises(PoolFailed, match="runs were refused") as refused:
            pool.run_many(
                blur.BlurImage.workflow(), [good, bad, good],
                attribute_names=blur.BlurImage.attribute_names(), timeout=60,
            )  # fmt: skip
    fates, results = refused.value.fates, refused.value.results
    assert fates[1].startswith("refused: ") and "width" in fates[1]
    assert fates[0].startswith("completed on ") and fates[2].startswith("completed on ")
    assert results[1] is None
    assert all(isinstance(r, list) and r[0].images[0].width == 24 for r in (results[0], results[2]))
    assert any(isinstance(e, EnqueueValidationError) for e in refused.value.errors)


def test_every_queue_paused_is_an_error_not_a_wait(invokeai_url: str) -> None:
    from ivk_runtime import InvokeAIClient

    with InvokeAIClient(invokeai_url) as direct:
        direct.queue.pause()
        try:
            with InvokeAIPool([invokeai_url]) as pool, pytest.raises(PoolFailed, match="paused"):
                blur.BlurImage(width=16).run(pool, timeout=60)
        finally:
            direct.queue.resume()
