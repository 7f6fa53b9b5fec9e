"""The pool under the faults the review found it mishandled (each against a real server, a fault
proxy in front where the network must misbehave): a server missing one read is asked again, the
pool's count of its runs survives a canceled batch, every queue paused fails fast, a lost
enqueue that lands later is watched, a hung enqueue keeps the batch timeout."""

from __future__ import annotations

import asyncio
import pathlib
import sys

import pytest

from ivk_runtime import AsyncInvokeAIPool, InvokeAIClient, InvokeAIPool, PoolFailed, ProgressEvent
from ivk_runtime.pool.choose import Load
from ivk_runtime.pool.runs import Runs

from pool_support import assert_own_sizes, blur, items_since, last_item_id

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "runtime"))
from fault_proxy import Fault, FaultProxy  # noqa: E402

pytestmark = pytest.mark.server


def test_a_server_whose_status_read_timed_out_once_is_asked_again(invokeai_url: str) -> None:
    proxy = FaultProxy(invokeai_url)
    reads: list[str] = []

    def slow_first_status(method: str, path: str) -> Fault | None:
        if path.endswith("/queue/default/status"):
            reads.append(path)
            if len(reads) == 1:
                return Fault(delay=4.0)  # past the pool's timeout: one miss
        return None

    proxy.rule = slow_first_status
    params = [blur.BlurImage(width=24, height=20)]
    try:
        with InvokeAIPool([proxy.url], timeout=2.0) as pool:
            results = blur.BlurImage.run_many(pool, params, timeout=20)
    finally:
        proxy.close()
    assert_own_sizes(params, results)
    assert len(reads) >= 2


def test_a_batch_canceled_mid_enqueue_leaves_no_count_and_the_next_runs(invokeai_url: str) -> None:
    proxy = FaultProxy(invokeai_url)
    slow = {"on": True}

    def slow_enqueues(method: str, path: str) -> Fault | None:
        return Fault(delay=3.0) if slow["on"] and path.endswith("/enqueue_batch") else None

    proxy.rule = slow_enqueues
    params = [blur.BlurImage(width=20 + 4 * i, height=20) for i in range(2)]

    async def canceled_then_again() -> list[object]:
        async with AsyncInvokeAIPool([proxy.url], per_server=2) as pool:
            with pytest.raises((asyncio.TimeoutError, TimeoutError)):
                await asyncio.wait_for(blur.BlurImage.arun_many(pool, params), 1.5)
            assert [m.load.ours for m in pool.members] == [0]
            slow["on"] = False
            return list(await blur.BlurImage.arun_many(pool, params, timeout=30))

    try:
        results = asyncio.run(canceled_then_again())
    finally:
        proxy.close()
    assert_own_sizes(params, results)  # type: ignore[arg-type]


def test_a_run_is_counted_on_one_server_once_however_often_it_is_undone() -> None:
    first, second = Load(), Load()
    run, other = Runs([{}, {}]).all
    run.count(first)
    other.count(first)
    run.count(second)  # moved: counted where it is now only
    assert (first.ours, second.ours) == (1, 1)
    run.uncount()
    run.uncount()  # a failed attempt undone twice (the review's negative counts)
    assert (first.ours, second.ours) == (1, 0)


def test_every_queue_paused_after_the_runs_are_on_it_fails_at_once(invokeai_url: str) -> None:
    control = InvokeAIClient(invokeai_url)
    before = last_item_id(invokeai_url)

    def pause_at_first_pending(event: ProgressEvent) -> None:
        if event.status == "pending" and control.queue.status().processor.is_started:
            control.queue.pause()

    params = [blur.BlurImage(width=20 + 4 * i, height=24) for i in range(3)]
    try:
        with InvokeAIPool([invokeai_url]) as pool:
            with pytest.raises(PoolFailed, match="paused") as failed:
                blur.BlurImage.run_many(pool, params, timeout=40, progress=pause_at_first_pending)
    finally:
        control.queue.resume()
        for item_id, status in items_since(invokeai_url, before).items():
            if status == "pending":
                control.queue.cancel(item_id)
        control.close()
    assert invokeai_url in str(failed.value)
    assert any(f.startswith(f"queued on {invokeai_url}") for f in failed.value.fates)
