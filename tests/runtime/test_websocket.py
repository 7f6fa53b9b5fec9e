"""The websocket transport of the event stream: the RFC 6455 codec, the Engine.IO packets over
it, and, against a real websocket on 127.0.0.1, runs driven by its events, framing oddities,
a refused upgrade and a dropped connection (REST answers come from httpx.MockTransport)."""

from __future__ import annotations

import json
import pathlib
import struct
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ivk_runtime import _core
from ivk_runtime._streams import SyncEventStream, resolve_transport
from ivk_runtime._ws import (
    BINARY,
    CLOSE,
    PING,
    PONG,
    TEXT,
    FrameDecoder,
    Message,
    WebSocketError,
    accept_key,
    encode_frame,
    opening_request,
    read_opening_response,
)
from ivk_runtime._wsio import websocket_target
from ivk_runtime.async_client import AsyncInvokeAIClient
from ivk_runtime.client import InvokeAIClient
from ivk_runtime.events import SocketEvent, SocketProtocol

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fake_ws import FakeWebSocketServer, server_frame  # noqa: E402
from test_faults import FakeServer  # noqa: E402
from wfbuild import blur_chain  # noqa: E402


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_core, "RETRY_DELAYS", (0.0, 0.0, 0.0))


# --- the codec ---


def test_accept_key_is_rfc_6455s_example() -> None:
    assert accept_key("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="


def test_opening_request_carries_headers_and_refuses_line_breaks() -> None:
    request, key = opening_request("h:1", "/ws/?EIO=4", {"Authorization": "Bearer T"}, key="K")
    lines = request.decode().split("\r\n")
    assert lines[0] == "GET /ws/?EIO=4 HTTP/1.1" and "Host: h:1" in lines
    assert "Sec-WebSocket-Key: K" in lines and "Authorization: Bearer T" in lines
    assert key == "K" and request.endswith(b"\r\n\r\n")
    with pytest.raises(ValueError):
        opening_request("h", "/", {"X": "a\r\nInjected: 1"})


def test_opening_response_checks_status_upgrade_and_accept() -> None:
    good = (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept_key('K')}\r\n\r\n"
    ).encode()
    assert read_opening_response(good[:-2], "K") is None  # head not complete yet
    assert read_opening_response(good + b"\x81\x01x", "K") == len(good)
    with pytest.raises(WebSocketError, match="did not upgrade"):
        read_opening_response(b"HTTP/1.1 400 Bad Request\r\n\r\n", "K")
    with pytest.raises(WebSocketError, match="Accept"):
        read_opening_response(good.replace(accept_key("K").encode(), b"wrong"), "K")
    with pytest.raises(WebSocketError, match="too long"):
        read_opening_response(b"x" * 70_000, "K")


@pytest.mark.parametrize("size", [0, 5, 125, 126, 65535, 65536])
def test_frames_round_trip_masked_at_every_length_boundary(size: int) -> None:
    payload = bytes(i % 251 for i in range(size))
    frame = encode_frame(TEXT, payload, mask=b"\x01\x02\x03\x04")
    assert frame[0] == 0x81 and frame[1] & 0x80  # final, text, masked as a client must
    if size:
        assert payload not in frame
    assert FrameDecoder().feed(frame) == [Message(TEXT, payload)]


def test_decoder_joins_fragments_passes_control_frames_and_waits_for_bytes() -> None:
    stream = (
        server_frame(TEXT, b"hel", fin=False)
        + server_frame(PING, b"p")  # control frames may come between fragments
        + server_frame(0x0, b"lo")
        + server_frame(BINARY, b"\x00\x01")
        + server_frame(CLOSE, struct.pack("!H", 1000))
    )
    decoder = FrameDecoder()
    out: list[Message] = []
    for i in range(len(stream)):  # one byte at a time
        out += decoder.feed(stream[i : i + 1])
    assert out == [
        Message(PING, b"p"),
        Message(TEXT, b"hello"),
        Message(BINARY, b"\x00\x01"),
        Message(CLOSE, b"\x03\xe8"),
    ]


@pytest.mark.parametrize(
    "stream, problem",
    [
        (bytes([0xC1, 0x00]), "reserved bits"),
        (bytes([0x83, 0x00]), "unknown opcode"),
        (server_frame(0x0, b"x"), "continuation"),
        (server_frame(TEXT, b"a", fin=False) + server_frame(TEXT, b"b"), "new message began"),
        (server_frame(PING, b"x" * 126), "control frame"),
        (bytes([0x81, 127]) + (1 << 40).to_bytes(8, "big"), "exceeds the limit"),
    ],
)
def test_decoder_refuses_broken_frames(stream: bytes, problem: str) -> None:
    with pytest.raises(WebSocketError, match=problem):
        FrameDecoder().feed(stream)


def test_decoder_bounds_a_fragmented_message() -> None:
    decoder = FrameDecoder(max_message=10)
    decoder.feed(server_frame(TEXT, b"x" * 8, fin=False))
    with pytest.raises(WebSocketError, match="limit"):
        decoder.feed(server_frame(0x0, b"x" * 8, fin=False))


def test_websocket_target_follows_the_url_and_steps_aside_for_proxies(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    t = websocket_target("https://invoke.example/prefix/ws/socket.io/", {"A": "b"})
    assert t is not None and (t.host, t.port, t.secure) == ("invoke.example", 443, True)
    assert t.host_header == "invoke.example"
    assert t.target == "/prefix/ws/socket.io/?EIO=4&transport=websocket"
    t6 = websocket_target("http://[::1]:9090/ws/socket.io/", {})
    assert t6 is not None and (t6.host, t6.host_header) == ("::1", "[::1]:9090")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "localhost")
    assert websocket_target("http://invoke.example/ws/socket.io/", {}) is None
    assert websocket_target("http://localhost:9090/ws/socket.io/", {}) is not None


def test_event_transport_choice() -> None:
    assert resolve_transport("auto", injected_http=False) == "auto"
    assert resolve_transport("auto", injected_http=True) == "polling"
    assert resolve_transport("websocket", injected_http=True) == "websocket"
    with pytest.raises(ValueError, match="events must be"):
        resolve_transport("sse", injected_http=False)  # type: ignore[arg-type]


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


def push_on_enqueue(rest: FakeServer, push: Any) -> httpx.MockTransport:
    """REST through the fake; once the enqueue is answered, ``push()`` the run's events."""

    def handler(request: httpx.Request) -> httpx.Response:
        response = rest(request)
        if request.url.path.endswith("/enqueue_batch"):
            push()
        return response

    return httpx.MockTransport(handler)


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
        ws_server.url, token="SECRET", transport=httpx.MockTransport(rest), events="websocket"
    ) as client:
        assert client._listen() is not None
    assert "Authorization: Bearer SECRET" in ws_server.requests[0]
    assert ws_server.received[0] == '40{"token": "SECRET"}'


@pytest.mark.parametrize("mode", ["refuse", "drop"])
def test_websocket_failure_falls_back_to_polling_the_item(mode: str) -> None:
    ws_server = FakeWebSocketServer(mode)
    rest = FakeServer(["pending", "in_progress", "completed"])
    seen: list[str | None] = []
    try:
        with InvokeAIClient(
            ws_server.url, transport=httpx.MockTransport(rest), events="websocket"
        ) as client:
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
    http = httpx.Client(transport=httpx.MockTransport(rest))
    stream = SyncEventStream(http, ws_server.url, {}, "default", None, 5.0, transport="auto")
    try:
        assert stream.ensure(time.monotonic()) == 1
        assert stream.transport == "polling" and ws_server.connections == 1
        stream.close()
        assert stream.ensure(time.monotonic()) == 2
        assert ws_server.connections == 1  # refused once: not asked again
    finally:
        stream.close()
        http.close()
        ws_server.close()


def test_an_idle_session_is_replaced(ws_server: FakeWebSocketServer) -> None:
    http = httpx.Client(transport=httpx.MockTransport(FakeServer(["completed"])))
    stream = SyncEventStream(http, ws_server.url, {}, "default", None, 5.0, transport="websocket")
    try:
        assert stream.ensure(time.monotonic()) == 1 and stream.transport == "websocket"
        stream.state.last_io -= 60  # unread past the ping interval: the server gave up on it
        assert stream.ensure(time.monotonic()) == 2 and ws_server.connections == 2
    finally:
        stream.close()
        http.close()


async def test_async_run_driven_by_websocket_events(ws_server: FakeWebSocketServer) -> None:
    rest = FakeServer(["in_progress"], outputs=True)
    transport = push_on_enqueue(rest, lambda: ws_server.send_events(completion_events(rest)))
    async with AsyncInvokeAIClient(
        ws_server.url, transport=_async(transport), events="websocket"
    ) as client:
        result = await client.run(blur_chain(), {0: 10}, timeout=10)
        assert client._events.transport == "websocket"
    assert result.status == "completed" and result.images
    assert rest.calls["GET /api/v1/queue/default/i/1"] == 0


async def test_async_dropped_websocket_falls_back_to_polling() -> None:
    ws_server = FakeWebSocketServer("drop")
    rest = FakeServer(["pending", "completed"])
    try:
        async with AsyncInvokeAIClient(
            ws_server.url, transport=httpx.MockTransport(rest), events="websocket"
        ) as client:
            result = await client.run(blur_chain(), {0: 10}, timeout=10)
    finally:
        ws_server.close()
    assert result.status == "completed" and rest.calls["GET /api/v1/queue/default/i/1"] == 2


def _async(transport: httpx.MockTransport) -> httpx.MockTransport:
    return transport  # MockTransport serves both clients
