"""The websocket transport of the event stream: the Engine.IO packets over it and, against a
real websocket on 127.0.0.1 (httpx-ws through the client's own transport), runs driven by its
events, framing oddities, a refused upgrade, a transport that cannot upgrade and a dropped
connection (REST answers come from httpx.MockTransport)."""

from __future__ import annotations

import asyncio
import json
import pathlib
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ivk_runtime.api import call
from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.concurrency import AsyncGate, Gate
from ivk_runtime.events import EventStream, SocketEvent, SocketProtocol, check_transport
from ivk_runtime.events.websocket import frame_size

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fake_ws import PING, PONG, TEXT, FakeWebSocketServer, routed, server_frame  # noqa: E402
from test_faults import FakeServer, item  # noqa: E402
from wfbuild import blur_chain  # noqa: E402


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(call, "RETRY_DELAYS", (0.0, 0.0, 0.0))


def test_event_transport_choice() -> None:
    for name in ("auto", "websocket", "polling", "off"):
        assert check_transport(name) == name
    with pytest.raises(ValueError, match="events must be"):
        check_transport("sse")


def test_frame_size_counts_the_server_frame_head() -> None:
    assert frame_size("3") == 3
    assert frame_size("x" * 126) == 130
    assert frame_size("x" * 70000) == 70010
    assert frame_size("é") == 4  # bytes, not characters


def test_protocol_packets_without_polling() -> None:
    p = SocketProtocol("q", token="T")
    assert p.take_outbox() == []  # nothing before the handshake names the session
    assert p.feed(['0{"sid":"S","pingInterval":1000,"pingTimeout":1000}']) == []
    assert p.take_outbox() == ['40{"token": "T"}'] and p.take_outbox() == []
    p.feed(['40{"sid":"N"}'])
    assert p.take_outbox() == ['421["subscribe_queue", {"queue_id": "q"}]']
    p.feed(["431[]"])
    assert p.ready
    events = p.feed(["2", '42["queue_item_status_changed",{"item_id":3}]', ""])
    assert events == [SocketEvent("queue_item_status_changed", {"item_id": 3})]
    assert p.take_outbox() == ["3"]  # the ping answered


# --- against a websocket on 127.0.0.1 ---


@pytest.fixture
def ws_server() -> Iterator[FakeWebSocketServer]:
    server = FakeWebSocketServer()
    yield server
    server.close()


def completion_events(rest: FakeServer) -> list[tuple[str, dict[str, Any]]]:
    events = [tuple(json.loads(p)) for p in rest._completions()]
    status = {"queue_id": "default", "item_id": 1, "status": "completed"}
    return [*events, ("queue_item_status_changed", status)]


def push_on_enqueue(rest: FakeServer, push: Any) -> Any:
    """REST through the fake; once the enqueue is answered, ``push()`` the run's events."""

    def handler(request: httpx.Request) -> httpx.Response:
        response = rest(request)
        if request.url.path.endswith("/enqueue_batch"):
            push()
        return response

    return routed(handler)


@pytest.mark.parametrize("split", [False, True])
def test_a_run_driven_by_websocket_events(ws_server: FakeWebSocketServer, split: bool) -> None:
    rest = FakeServer(["in_progress"], outputs=True)  # GETs never say completed: events must
    transport = push_on_enqueue(
        rest, lambda: ws_server.send_events(completion_events(rest), split=split)
    )
    with InvokeAIClient(ws_server.url, transport=transport, events="websocket") as client:
        result = client.run(blur_chain(), {0: 10}, timeout=10)
        assert client._events.transport == "websocket"
    assert result.status == "completed" and [i.node_id for i in result.images] == ["save"]
    assert rest.calls["GET /api/v1/queue/default/i/1"] == 0  # everything came as events
    assert rest.calls["GET /ws/socket.io/"] == 0  # and none of it over long-polling
    assert ws_server.received[:2] == ["40", '421["subscribe_queue", {"queue_id": "default"}]']


def test_auto_takes_the_websocket_through_an_injected_client(ws_server: FakeWebSocketServer) -> None:
    """An httpx client of the user's: events ride it as REST does (no more long-polling)."""
    rest = FakeServer(["in_progress"], outputs=True)
    transport = push_on_enqueue(rest, lambda: ws_server.send_events(completion_events(rest)))
    with httpx.Client(transport=transport) as http, InvokeAIClient(ws_server.url, http_client=http) as client:
        result = client.run(blur_chain(), {0: 10}, timeout=10)
        assert client._events.transport == "websocket"
    assert result.status == "completed" and rest.calls["GET /ws/socket.io/"] == 0
    assert ws_server.connections == 1


def test_a_transport_that_cannot_upgrade_takes_long_polling() -> None:
    rest = FakeServer(["completed"])
    http = httpx.Client(transport=httpx.MockTransport(rest))  # no network stream to take over
    stream = EventStream(http, "http://invoke.test", {}, "default", None, 5.0, transport="auto")
    try:
        assert stream.ensure(time.monotonic()) == 1 and stream.transport == "polling"
    finally:
        stream.close()
        http.close()


def test_pings_are_answered_on_both_layers(ws_server: FakeWebSocketServer) -> None:
    rest = FakeServer(["in_progress"], outputs=True)

    def push() -> None:
        events = completion_events(rest)
        first = f"42{json.dumps(list(events[0]))}".encode()
        ws_server.send_raw(
            server_frame(TEXT, b"2")  # an Engine.IO ping
            + server_frame(TEXT, first[:5], fin=False)
            + server_frame(PING, b"hb")  # a websocket ping inside a fragmented message
            + server_frame(0x0, first[5:])
        )
        ws_server.send_events(events[1:])

    with InvokeAIClient(
        ws_server.url, transport=push_on_enqueue(rest, push), events="websocket"
    ) as client:
        result = client.run(blur_chain(), {0: 10}, timeout=10)
        # httpx-ws answers websocket pings in the background; our reads answer Engine.IO's
        assert result.status == "completed" and result.images

        def answered() -> bool:  # the fake reads in its own thread
            return (PONG, b"hb") in ws_server.control and "3" in ws_server.received

        deadline = time.monotonic() + 5
        while not answered() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert answered(), (ws_server.control, ws_server.received)


def test_token_goes_with_the_upgrade_and_the_connect(ws_server: FakeWebSocketServer) -> None:
    rest = FakeServer(["completed"])
    with InvokeAIClient(
        ws_server.url, token="SECRET", transport=routed(rest), events="websocket"
    ) as client:
        assert client._listen() is not None
    assert ws_server.requests[0]["authorization"] == "Bearer SECRET"
    assert ws_server.received[0] == '40{"token": "SECRET"}'


@pytest.mark.parametrize("mode", ["refuse", "drop"])
def test_websocket_failure_falls_back_to_polling_the_item(mode: str) -> None:
    ws_server = FakeWebSocketServer(mode)
    rest = FakeServer(["pending", "in_progress", "completed"])
    seen: list[str | None] = []
    try:
        with InvokeAIClient(ws_server.url, transport=routed(rest), events="websocket") as client:
            result = client.run(
                blur_chain(), {0: 10}, timeout=10, progress=lambda e: seen.append(e.status)
            )
    finally:
        ws_server.close()
    assert result.status == "completed"
    assert seen == ["pending", "in_progress", "completed"]
    assert rest.calls["GET /api/v1/queue/default/i/1"] == 3


def test_auto_takes_long_polling_when_the_upgrade_is_refused() -> None:
    ws_server = FakeWebSocketServer("refuse")
    rest = FakeServer(["completed"])
    http = httpx.Client(transport=routed(rest))
    stream = EventStream(http, ws_server.url, {}, "default", None, 5.0, transport="auto")
    try:
        assert stream.ensure(time.monotonic()) == 1
        assert stream.transport == "polling" and ws_server.connections == 1
        stream.state.proto = None  # the session is gone: the next one is made afresh
        assert stream.ensure(time.monotonic()) == 2
        assert ws_server.connections == 1  # refused once: not asked again
    finally:
        stream.close()
        http.close()
        ws_server.close()


def test_an_idle_session_is_replaced(ws_server: FakeWebSocketServer) -> None:
    http = httpx.Client(transport=routed(FakeServer(["completed"])))
    stream = EventStream(http, ws_server.url, {}, "default", None, 5.0, transport="websocket")
    try:
        assert stream.ensure(time.monotonic()) == 1 and stream.transport == "websocket"
        stream.state.last_io -= 60  # unread past ping interval + timeout: the server gave up
        assert stream.ensure(time.monotonic()) == 2 and ws_server.connections == 2
    finally:
        stream.close()
        http.close()


async def test_async_run_driven_by_websocket_events(ws_server: FakeWebSocketServer) -> None:
    rest = FakeServer(["in_progress"], outputs=True)
    transport = push_on_enqueue(rest, lambda: ws_server.send_events(completion_events(rest)))
    async with AsyncInvokeAIClient(ws_server.url, transport=transport, events="websocket") as client:
        result = await client.run(blur_chain(), {0: 10}, timeout=10)
        assert client._events.transport == "websocket"
    assert result.status == "completed" and result.images
    assert rest.calls["GET /api/v1/queue/default/i/1"] == 0


async def test_async_dropped_websocket_falls_back_to_polling() -> None:
    ws_server = FakeWebSocketServer("drop")
    rest = FakeServer(["pending", "completed"])
    try:
        async with AsyncInvokeAIClient(ws_server.url, transport=routed(rest), events="websocket") as client:
            result = await client.run(blur_chain(), {0: 10}, timeout=10)
    finally:
        ws_server.close()
    assert result.status == "completed" and rest.calls["GET /api/v1/queue/default/i/1"] == 2


def test_concurrent_sync_waits_share_one_session(ws_server: FakeWebSocketServer) -> None:
    """Threads waiting on one client for items 1-3: one reads each round, all see the hub."""
    done: set[int] = set()

    def handler(request: httpx.Request) -> httpx.Response:
        prefix = "/api/v1/queue/default/i/"
        if request.url.path.startswith(prefix):
            item_id = int(request.url.path[len(prefix) :])
            return httpx.Response(200, json=item("completed" if item_id in done else "in_progress", item_id))
        return FakeServer(["completed"])(request)

    with InvokeAIClient(ws_server.url, transport=routed(handler), events="websocket") as client:
        assert client._listen() == 1
        results: dict[int, Any] = {}

        def wait(item_id: int) -> None:
            results[item_id] = client.wait(item_id, timeout=10)

        threads = [threading.Thread(target=wait, args=(i,)) for i in (1, 2, 3)]
        for t in threads:
            t.start()
        time.sleep(0.2)
        done.update((1, 2, 3))
        sent = time.monotonic()
        ws_server.send_events(
            [("queue_item_status_changed", {"queue_id": "default", "item_id": i, "status": "completed"}) for i in (1, 2, 3)]
        )
        for t in threads:
            t.join(10)
        woke = time.monotonic() - sent
    assert {i: r.status for i, r in results.items()} == {1: "completed", 2: "completed", 3: "completed"}
    # the status events woke every wait: none of them sat out the 10 s safety poll
    assert woke < 5 and ws_server.connections == 1


def test_the_gate_lets_one_in_and_wakes_the_others() -> None:
    gate = Gate()
    assert gate.try_enter() and not gate.try_enter()
    since = gate.rounds
    woke: list[float] = []
    t = threading.Thread(target=lambda: (gate.wait(since, 5), woke.append(time.monotonic())))
    t.start()
    time.sleep(0.05)
    left = time.monotonic()
    gate.leave()
    t.join(5)
    assert woke and woke[0] >= left and gate.rounds == since + 1
    t0 = time.monotonic()
    gate.wait(since, 5)  # a round ended after ``since``: no wait at all
    assert time.monotonic() - t0 < 0.5


async def test_the_async_gate_lets_one_in_and_wakes_the_others() -> None:
    gate = AsyncGate()
    assert await gate.try_enter() and not await gate.try_enter()
    since = gate.rounds
    waiter = asyncio.create_task(gate.wait(since, 5))
    await asyncio.sleep(0.01)
    assert not waiter.done()
    await gate.leave()
    await asyncio.wait_for(waiter, 1)
    t0 = time.monotonic()
    await gate.wait(since, 0.5)  # nobody is reading: returns at once
    assert time.monotonic() - t0 < 0.3


@pytest.mark.parametrize("use_async", [False, True])
async def test_a_silent_websocket_still_notices_the_end_at_the_safety_poll(
    ws_server: FakeWebSocketServer, monkeypatch: pytest.MonkeyPatch, use_async: bool
) -> None:
    """Connected, subscribed, and no event ever: the item is looked at every safety poll, not
    after a read has blocked for the socket.io poll bound (50 s)."""
    from ivk_runtime.events import waiter

    monkeypatch.setattr(waiter, "SAFETY_POLL", 0.5)
    rest = FakeServer(["in_progress", "in_progress", "completed"])
    t0 = time.monotonic()
    if use_async:
        async with AsyncInvokeAIClient(ws_server.url, transport=routed(rest), events="websocket") as aclient:
            result = await aclient.run(blur_chain(), {0: 10}, timeout=30)
    else:
        with InvokeAIClient(ws_server.url, transport=routed(rest), events="websocket") as client:
            result = client.run(blur_chain(), {0: 10}, timeout=30)
    assert result.status == "completed" and time.monotonic() - t0 < 5


def test_a_5xx_to_the_upgrade_is_a_lost_session_not_a_refusal() -> None:
    """A proxy's 502 while InvokeAI restarts must not turn websockets off for good."""
    calls = {"upgrades": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("upgrade", "").lower() == "websocket":
            calls["upgrades"] += 1
            return httpx.Response(502, text="bad gateway")
        return FakeServer(["completed"])(request)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    stream = EventStream(http, "http://invoke.test", {}, "default", None, 5.0, transport="auto")
    try:
        assert stream.ensure(time.monotonic()) is None  # lost: poll the item for now
        assert stream.state.use_ws  # and try the websocket again later
        assert calls["upgrades"] == 1
    finally:
        stream.close()
        http.close()


def test_a_closed_stream_does_not_connect_again(ws_server: FakeWebSocketServer) -> None:
    """A wait still running as its client closes polls instead of opening a new session."""
    http = httpx.Client(transport=routed(FakeServer(["completed"])))
    stream = EventStream(http, ws_server.url, {}, "default", None, 5.0, transport="websocket")
    try:
        assert stream.ensure(time.monotonic()) == 1
        stream.close()
        assert stream.ensure(time.monotonic()) is None and ws_server.connections == 1
    finally:
        http.close()
