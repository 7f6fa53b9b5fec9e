"""A socket.io endpoint over a real websocket on 127.0.0.1, for fault tests: it upgrades (or
refuses), opens the Engine.IO session, acks the subscription, then sends what a test pushes,
in whatever framing the test asks for, and can drop the connection."""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

from ivk_runtime._ws import CLOSE, PING, PONG, TEXT, FrameDecoder, accept_key


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


class FakeWebSocketServer:
    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode  # "ok", "refuse" (answers 400 to the upgrade), "drop" (closes after the ack)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.requests: list[str] = []  # the upgrade requests' heads
        self.received: list[str] = []  # Engine.IO packets from the client
        self.control: list[tuple[int, bytes]] = []  # control frames from the client
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
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                conn.close()
                return
            head += chunk
        text = head.decode("latin-1")
        self.requests.append(text)
        if self.mode == "refuse":
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            conn.close()
            return
        key = next(
            line.split(":", 1)[1].strip()
            for line in text.split("\r\n")
            if line.lower().startswith("sec-websocket-key:")
        )
        opening = '0{"sid":"S","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'
        conn.sendall(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n".encode()
            # the open packet rides in the same segment as the answer's head
            + server_frame(TEXT, opening.encode())
        )
        with self._lock:
            self._conn = conn
        decoder = FrameDecoder()
        while True:
            try:
                data = conn.recv(4096)
            except OSError:
                return
            if not data:
                return
            for message in decoder.feed(data):
                if message.opcode != TEXT:
                    self.control.append((message.opcode, message.payload))
                    continue
                packet = message.payload.decode()
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
            conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    def close(self) -> None:
        self.drop()
        self.listener.close()


__all__ = ["CLOSE", "PING", "PONG", "FakeWebSocketServer", "server_frame"]
