"""A pool's servers failing: one killed mid-batch (its runs finish on the other, each exactly
once), one unreachable from the start (left out, with a warning), and every server gone (an
error naming each run's fate)."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import pathlib
import signal
import socket
import sys
import tempfile
import time
import urllib.parse
import warnings
from types import ModuleType

import pytest

from ivk_runtime import AsyncInvokeAIPool, InvokeAIClient, InvokeAIPool, PoolFailed, ProgressEvent
from ivk_runtime.errors import PoolWarning
from ivk_runtime.pool.health import MISSES_TO_FAIL

from pool_support import assert_own_sizes, blur, items_since, last_item_id

TESTS = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "runtime"))
from fault_proxy import Fault, FaultProxy  # noqa: E402


def _root_conftest() -> ModuleType:
    """tests/conftest.py by its path (every conftest is named ``conftest``): started_server."""
    spec = importlib.util.spec_from_file_location("ivk_tests_root_conftest", TESTS / "conftest.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


started_server = _root_conftest().started_server

pytestmark = pytest.mark.server


def _server_pid(url: str) -> int:
    """The pid scripts/invokeai-server.sh recorded for the server on that port."""
    port = urllib.parse.urlsplit(url).port
    state = os.environ.get("IVK_STATE_DIR") or os.path.join(
        os.environ.get("TMPDIR") or tempfile.gettempdir(), f"ivk-codegen-server-{os.getuid()}"
    )
    return int(pathlib.Path(state, f"server-{port}.pid").read_text().strip())


def test_a_server_killed_mid_batch_its_runs_finish_on_the_other_once(invokeai_url: str) -> None:
    with started_server() as doomed:
        pid = _server_pid(doomed)
        before = last_item_id(invokeai_url)
        killed: list[ProgressEvent] = []

        def kill_once_running(event: ProgressEvent) -> None:
            if event.data["server"] == doomed and event.status == "in_progress" and not killed:
                os.kill(pid, signal.SIGKILL)  # the process dies with its run half done
                killed.append(event)

        params = [blur.BlurImage(width=16 + 8 * i, height=64 - 4 * i) for i in range(6)]
        with InvokeAIPool([invokeai_url, doomed]) as pool, pytest.warns(PoolWarning) as warned:
            results = blur.BlurImage.run_many(pool, params, timeout=180, progress=kill_once_running)
    assert killed, "the doomed server never ran a run"
    assert_own_sizes(params, results)
    moved = [r for r in results if r.moved_from]
    assert moved and all(r.server == invokeai_url for r in moved)
    # the run killed while running is among the moved, with its item there named
    assert (doomed, killed[0].item_id) in {
        (p.server, p.item_id) for r in moved for p in r.moved_from
    }
    assert any(f"item {killed[0].item_id}" in str(w.message) for w in warned)
    # the survivor's queue holds each of its results once, and nothing else of this batch
    ran_here = {r.item_id for r in results if r.server == invokeai_url}
    assert items_since(invokeai_url, before) == dict.fromkeys(ran_here, "completed")
    # what the doomed server finished before dying stands, and was not run again
    assert len(ran_here) + sum(r.server == doomed for r in results) == len(params)


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"


def test_a_server_down_from_the_start_is_left_out_with_a_warning(invokeai_url: str) -> None:
    down = _closed_port_url()
    params = [
        blur.BlurImage(width=20, height=28),
        blur.BlurImage(width=28, height=20),
    ]
    with InvokeAIPool([down, invokeai_url]) as pool, pytest.warns(PoolWarning, match=down):
        results = blur.BlurImage.run_many(pool, params, timeout=120)
    assert_own_sizes(params, results)
    assert {r.server for r in results} == {invokeai_url}


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_every_server_gone_names_each_runs_fate(invokeai_url: str, flavour: str) -> None:
    proxy = FaultProxy(invokeai_url)
    cut: list[int] = []

    def cut_after_first_enqueue(event: ProgressEvent) -> None:
        if event.status == "pending" and not cut:
            cut.append(event.item_id)
            proxy.close()  # refused from now on, the server behind it runs on

    params = [blur.BlurImage(width=16 + 4 * i) for i in range(4)]

    async def arun() -> None:
        async with AsyncInvokeAIPool([proxy.url], per_server=1) as apool:
            await blur.BlurImage.arun_many(
                apool, params, timeout=120, progress=cut_after_first_enqueue
            )

    try:
        with pytest.warns(PoolWarning):
            with pytest.raises(PoolFailed, match="every server of the pool failed") as failed:
                if flavour == "async":
                    asyncio.run(arun())
                else:
                    with InvokeAIPool([proxy.url], per_server=1) as pool:
                        blur.BlurImage.run_many(
                            pool, params, timeout=120, progress=cut_after_first_enqueue
                        )
    finally:
        proxy.close()
    fates = failed.value.fates
    assert len(fates) == 4
    assert fates[0].startswith("not queued anywhere now; before: " + proxy.url + f" item {cut[0]}")
    assert fates[1:] == ["never enqueued"] * 3
    assert f"run 0: {fates[0]}" in str(failed.value)
    assert failed.value.results == [None] * 4


def test_a_server_that_hangs_mid_batch_its_leftovers_are_accounted_for(
    invokeai_url: str, second_invokeai_url: str
) -> None:
    """The second server answers nothing for a while (a proxy holds every request) but runs
    on: the pool moves its runs, and when it answers again cancels what is still pending
    there, and warns of each that ran there after all (the server's own queue agrees)."""
    proxy = FaultProxy(second_invokeai_url)
    before = {u: last_item_id(u) for u in (invokeai_url, second_invokeai_url)}
    on_proxy: dict[int, int] = {}  # run -> its item there
    state = {"hung": False, "back": False}

    def hang_then_recover(event: ProgressEvent) -> None:
        run, server = event.data["run"], event.data["server"]
        if server == proxy.url and not state["hung"]:
            on_proxy[run] = event.item_id
            if len(on_proxy) == 2:  # both its runs queued: hang
                proxy.rule = lambda method, path: Fault(delay=8.0)
                state["hung"] = True
        elif state["hung"] and not state["back"] and server == invokeai_url and run in on_proxy:
            proxy.rule = lambda method, path: None  # answers again, after the move
            state["back"] = True

    enqueued: list[str] = []

    def hold_the_second(method: str, path: str) -> None:
        """The server's queue is paused as the second run arrives: the first may run, the
        second stays pending until the pool cancels it."""
        if method == "POST" and path.endswith("/enqueue_batch"):
            enqueued.append(path)
            if len(enqueued) == 2:
                with InvokeAIClient(second_invokeai_url) as direct:
                    direct.queue.pause()

    proxy.rule = hold_the_second
    params = [blur.BlurImage(width=16 + 8 * i, height=40 + 4 * i) for i in range(4)]
    try:
        with InvokeAIPool([invokeai_url, proxy.url], timeout=3.0) as pool:
            with pytest.warns(PoolWarning) as warned:
                results = blur.BlurImage.run_many(
                    pool, params, timeout=120, progress=hang_then_recover
                )
    finally:
        with InvokeAIClient(second_invokeai_url) as direct:
            direct.queue.resume()
        proxy.close()
    assert state == {"hung": True, "back": True}
    assert_own_sizes(params, results)
    moved = {r.moved_from[0].item_id: r for r in results if r.moved_from}
    summary = [(r.server, r.item_id, r.moved_from) for r in results]
    assert set(moved) == set(on_proxy.values()), (on_proxy, summary)  # both moved, naming items
    assert all(r.server == invokeai_url for r in moved.values())
    # the hung server's queue: each of those items canceled by the pool, or run there after all
    there = items_since(second_invokeai_url, before[second_invokeai_url])
    assert set(there) == set(on_proxy.values())
    assert set(there.values()) <= {"canceled", "completed"}
    assert there[on_proxy[max(on_proxy)]] == "canceled"  # the held one: canceled, not run twice
    text = " ".join(str(w.message) for w in warned)
    for item, status in there.items():
        if status == "completed":  # run twice, once on each server: the pool says so
            assert f"had run" in text and f"item {item})" in text
    ran_here = {r.item_id for r in results if r.server == invokeai_url}
    assert items_since(invokeai_url, before[invokeai_url]) == dict.fromkeys(ran_here, "completed")


def test_a_server_failing_for_a_while_keeps_what_it_finished_and_hands_on_the_rest(
    invokeai_url: str, second_invokeai_url: str
) -> None:
    """The second server answers 503 to the pool's looks at its items until it counts as
    failed, then answers again: the run it finished stands (not run twice), the one still
    pending there is canceled (confirmed, so no warning) and runs on the first server."""
    proxy = FaultProxy(second_invokeai_url)
    before = last_item_id(second_invokeai_url)
    failing = {"enqueued": 0, "left": 0}

    def rule(method: str, path: str) -> Fault | None:
        if method == "POST" and path.endswith("/enqueue_batch"):
            failing["enqueued"] += 1
            if failing["enqueued"] == 2:  # the second run stays pending; reads fail a while
                with InvokeAIClient(second_invokeai_url) as direct:
                    started = time.monotonic()  # the first has started (it finishes there)
                    while direct.queue.status().counts.pending and time.monotonic() - started < 10:
                        time.sleep(0.05)
                    direct.queue.pause()
                failing["left"] = 4 * MISSES_TO_FAIL  # each look is tried 4 times
        elif method == "GET" and "/i/" in path and failing["left"] > 0:
            failing["left"] -= 1
            return Fault(status=503)
        return None

    proxy.rule = rule
    params = [blur.BlurImage(width=16 + 8 * i, height=24 + 4 * i) for i in range(4)]
    try:
        with InvokeAIPool([invokeai_url, proxy.url]) as pool, warnings.catch_warnings():
            warnings.simplefilter("error", PoolWarning)  # every cancel confirmed: no warning
            results = blur.BlurImage.run_many(pool, params, timeout=120)
    finally:
        with InvokeAIClient(second_invokeai_url) as direct:
            direct.queue.resume()
        proxy.close()
    assert failing["enqueued"] == 2 and failing["left"] == 0
    assert_own_sizes(params, results)
    stayed = [r for r in results if r.server == proxy.url]
    moved = [r for r in results if r.moved_from]
    assert len(stayed) == 1 and not stayed[0].moved_from  # finished there: its result stands
    assert len(moved) == 1 and moved[0].server == invokeai_url
    [placed] = moved[0].moved_from
    assert placed.server == proxy.url and "not canceled" not in placed.why
    assert items_since(second_invokeai_url, before) == {
        stayed[0].item_id: "completed",
        placed.item_id: "canceled",
    }
