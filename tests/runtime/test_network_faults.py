"""What networks do, between the client and a real InvokeAI server: a fault proxy on 127.0.0.1
cuts, delays and refuses on cue, and the server does the work meanwhile. Nothing may be run
twice, and nothing the server finished may be lost to the caller."""

from __future__ import annotations

import pathlib
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.errors import RunTimeout, ServerUnreachable

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fault_proxy import Fault, FaultProxy  # noqa: E402
from wfbuild import blur_chain  # noqa: E402

pytestmark = pytest.mark.server

ENQUEUE = "/api/v1/queue/default/enqueue_batch"


@pytest.fixture
def proxy(invokeai_url: str) -> Iterator[FaultProxy]:
    p = FaultProxy(invokeai_url)
    yield p
    p.close()


def batch_total(url: str, batch_id: str) -> int:
    return int(httpx.get(f"{url}/api/v1/queue/default/b/{batch_id}/status").json()["total"])


def once(fault: Fault, method: str, prefix: str) -> object:
    """A rule: ``fault`` for the first request matching, nothing for the rest."""
    fired = threading.Event()

    def rule(m: str, path: str) -> Fault | None:
        if m == method and path.startswith(prefix) and not fired.is_set():
            fired.set()
            return fault
        return None

    return rule


@pytest.mark.parametrize("delay", [0.05, 1.0, 3.0])
def test_a_reset_enqueue_that_still_reaches_the_server_runs_once(
    invokeai_url: str, proxy: FaultProxy, delay: float
) -> None:
    proxy.rule = once(Fault(reset_then_deliver=delay), "POST", ENQUEUE)  # type: ignore[assignment]
    with InvokeAIClient(proxy.url, timeout=30) as client:
        result = client.run(blur_chain(), {0: 23, 1: 9}, timeout=60)
    assert result.status == "completed" and result.images[0].width == 23
    assert proxy.requests.count(("POST", ENQUEUE)) == 1  # never sent again
    assert batch_total(invokeai_url, result.batch_id) == 1


@pytest.mark.parametrize("events", ["auto", "polling", "off"])
def test_waiting_rides_out_an_outage_while_the_server_finishes(
    invokeai_url: str, proxy: FaultProxy, events: str
) -> None:
    """The server finishes during a 6 s outage; the client reconnects and has the result."""

    def rule(method: str, path: str) -> Fault | None:
        if method == "POST" and path == ENQUEUE:  # down right after this answer goes out
            threading.Timer(0.05, proxy.outage, (6.0,)).start()
        return None

    proxy.rule = rule
    with InvokeAIClient(proxy.url, timeout=5, events=events) as client:  # type: ignore[arg-type]
        t0 = time.monotonic()
        result = client.run(blur_chain(), {0: 31, 1: 7}, timeout=60)
        waited = time.monotonic() - t0
    assert result.status == "completed" and result.images[0].width == 31
    assert waited >= 5.5  # it saw the outage through
    assert batch_total(invokeai_url, result.batch_id) == 1


async def test_async_waiting_rides_out_an_outage(invokeai_url: str, proxy: FaultProxy) -> None:
    def rule(method: str, path: str) -> Fault | None:
        if method == "POST" and path == ENQUEUE:
            threading.Timer(0.05, proxy.outage, (6.0,)).start()
        return None

    proxy.rule = rule
    async with AsyncInvokeAIClient(proxy.url, timeout=5) as client:
        result = await client.run(blur_chain(), {0: 33, 1: 7}, timeout=60)
    assert result.status == "completed" and result.images[0].width == 33


def test_one_slow_item_poll_is_ridden_out(proxy: FaultProxy) -> None:
    proxy.rule = once(Fault(delay=3.0), "GET", "/api/v1/queue/default/i/")  # type: ignore[assignment]
    with InvokeAIClient(proxy.url, timeout=1.0, events="off") as client:
        result = client.run(blur_chain(), {0: 35, 1: 7}, timeout=60)
    assert result.status == "completed" and result.images[0].width == 35


def test_503s_that_last_are_ridden_out(proxy: FaultProxy) -> None:
    until = time.monotonic() + 4.0

    def rule(method: str, path: str) -> Fault | None:
        if path.startswith("/api/v1/queue/default/i/") and time.monotonic() < until:
            return Fault(status=503)
        return None

    proxy.rule = rule
    with InvokeAIClient(proxy.url, timeout=5, events="off") as client:
        result = client.run(blur_chain(), {0: 37, 1: 7}, timeout=60)
    assert result.status == "completed" and result.images[0].width == 37
    assert time.monotonic() >= until


def test_an_outage_past_the_timeout_names_the_runs_and_they_can_be_waited_for_again(
    proxy: FaultProxy,
) -> None:
    def rule(method: str, path: str) -> Fault | None:
        if method == "POST" and path == ENQUEUE:
            threading.Timer(0.05, proxy.outage, (6.0,)).start()
        return None

    proxy.rule = rule
    with InvokeAIClient(proxy.url, timeout=5, events="off") as client:
        with pytest.raises((ServerUnreachable, RunTimeout)) as info:
            client.run(blur_chain(), {0: 39, 1: 7}, timeout=3)
        error = info.value
        assert error.item_ids and error.batch_ids
        assert f"client.wait({list(error.item_ids)})" in str(error)
        (result,) = client.wait(error.item_ids, timeout=60)  # after the outage
    assert result.status == "completed" and result.images[0].width == 39
