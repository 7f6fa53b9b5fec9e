"""A socket.io endpoint over a real websocket on 127.0.0.1, for fault tests: it upgrades (or
refuses), opens the Engine.IO session, acks the subscription, then sends what a test pushes,
in whatever framing the test asks for, and can drop the connection. The handshake and the
client's frames are read with wsproto; what the server sends is framed here, so that a test
can cut and interleave frames as no well-behaved library would.

REST calls of these tests are answered by ``httpx.MockTransport``; ``routed()`` makes the one
httpx transport the client gets, sending websocket upgrades to this server over the network.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from typing import Any

import httpx
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, BytesMessage, Ping, Pong, RejectConnection, Request, TextMessage

TEXT, PING, PONG = 0x1, 0x9, 0xA


def server_frame(opcode: int, payload: bytes, fin: bool = True) -> bytes:
    """An unmasked frame, as servers send them."""
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    if n < 126:
        head += bytes([n])
    elif n < 1 << 16:
        head += bytes([126]) + n.to_bytes(2, "big")
    else:
        head += bytes([127]) + n.to_bytes(8, "big")
    return head + payload


class Routed(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """REST to a mock, websocket upgrades to the real network: one transport, as users pass."""

    def __init__(self, mock: httpx.MockTransport) -> None:
        self.mock = mock
        self.net = httpx.HTTPTransport()
        self.anet = httpx.AsyncHTTPTransport()

    @staticmethod
    def _upgrade(request: httpx.Request) -> bool:
        return request.headers.get("upgrade", "").lower() == "websocket"

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return (self.net if self._upgrade(request) else self.mock).handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._upgrade(request):
            return await self.anet.handle_async_request(request)
        return await self.mock.handle_async_request(request)


def routed(handler: Any) -> Routed:
    return Routed(handler if isinstance(handler, httpx.MockTransport) else httpx.MockTransport(handler))


class FakeWebSocketServer:
    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode  # "ok", "refuse" (answers 400 to the upgrade), "drop" (closes after the ack)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.requests: list[dict[str, str]] = []  # the upgrade requests' headers
        self.received: list[str] = []  # Engine.IO packets from the client
        self.control: list[tuple[int, bytes]] = []  # pongs from the client
        self.subscribed = threading.Event()
        self._conn: socket.socket | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        self.connections += 1
        ws = WSConnection(ConnectionType.SERVER)
        while True:
            try:
                data = conn.recv(65536)
            except OSError:
                return
            if not data:  # the client closed: so do we
                with self._lock:
                    if self._conn is conn:
                        self._conn = None
                conn.close()
                return
            ws.receive_data(data)
            for event in ws.events():
                if isinstance(event, Request):
                    self.requests.append({k.decode().lower(): v.decode() for k, v in event.extra_headers})
                    if self.mode == "refuse":
                        conn.sendall(ws.send(RejectConnection(status_code=400)))
                        conn.close()
                        return
                    opening = '0{"sid":"S","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'
                    # the open packet rides in the same segment as the answer's head
                    conn.sendall(ws.send(AcceptConnection()) + server_frame(TEXT, opening.encode()))
                    with self._lock:
                        self._conn = conn
                elif isinstance(event, Pong):
                    self.control.append((PONG, bytes(event.payload)))
                elif isinstance(event, Ping):
                    conn.sendall(ws.send(event.response()))
                elif isinstance(event, (TextMessage, BytesMessage)):
                    packet = str(event.data)
                    self.received.append(packet)
                    if packet.startswith("40"):
                        self.send_packets(['40{"sid":"N"}'])
                    elif packet.startswith("421"):
                        self.send_packets(["431[]"])
                        if self.mode == "drop":
                            self.drop()
                            return
                        self.subscribed.set()

    def send_packets(self, packets: list[str], split: bool = False) -> None:
        self.send_raw(b"".join(server_frame(TEXT, p.encode()) for p in packets), split)

    def send_events(self, events: list[tuple[str, dict[str, Any]]], split: bool = False) -> None:
        self.send_packets([f"42{json.dumps([name, data])}" for name, data in events], split)

    def send_raw(self, data: bytes, split: bool = False) -> None:
        with self._lock:
            conn = self._conn
        assert conn is not None, "no client connected"
        if not split:
            conn.sendall(data)
            return
        for i in range(0, len(data), 7):  # dribbled: frames cut across reads
            conn.sendall(data[i : i + 7])
            time.sleep(0.001)

    def drop(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):  # the client may have closed it already
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close(self) -> None:
        self.drop()
        self.listener.close()


__all__ = ["PING", "PONG", "TEXT", "FakeWebSocketServer", "Routed", "routed", "server_frame"]
