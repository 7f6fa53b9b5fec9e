"""The client side of RFC 6455 websockets, as pure functions and a decoder (no I/O).

Only what an event stream needs: the opening handshake, masked text frames out, frames in
(fragments joined, pings answered, close noticed), with a bound on message size. No
extensions are asked for, so the server sends plain frames.
"""

from __future__ import annotations

import base64
import hashlib
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "CLOSE",
    "PING",
    "PONG",
    "TEXT",
    "FrameDecoder",
    "Message",
    "WebSocketError",
    "accept_key",
    "encode_frame",
    "opening_request",
    "read_opening_response",
]

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_MESSAGE = 16 * 1024 * 1024  # far above any InvokeAI event; a hostile peer can't exhaust memory
MAX_HEAD = 64 * 1024


class WebSocketError(Exception):
    """The peer broke the protocol, refused the upgrade, or closed the connection."""


@dataclass(frozen=True)
class Message:
    opcode: int  # TEXT, BINARY, CLOSE, PING or PONG
    payload: bytes


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1(key.encode() + _GUID).digest()).decode()


def opening_request(
    host: str, target: str, headers: Mapping[str, str], key: str | None = None
) -> tuple[bytes, str]:
    """The upgrade request for ``target`` (path and query) on ``host``, and its key."""
    key = key or base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {target} HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
    ]
    skip = {"host", "upgrade", "connection", "sec-websocket-key", "sec-websocket-version"}
    for name, value in headers.items():
        if name.lower() not in skip:
            if any(c in name + value for c in "\r\n"):
                raise ValueError(f"header {name!r} holds a line break")
            lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"), key


def read_opening_response(data: bytes, key: str) -> int | None:
    """None while the head of the answer is incomplete; else where the frames start.
    Raises WebSocketError unless it is a 101 that accepts ``key``."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        if len(data) > MAX_HEAD:
            raise WebSocketError("the upgrade answer's head is too long")
        return None
    status_line, *header_lines = data[:end].decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    if len(parts) < 2 or parts[1] != "101":
        raise WebSocketError(f"the server did not upgrade: {status_line[:100]!r}")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("upgrade", "").lower() != "websocket":
        raise WebSocketError("the upgrade answer lacks 'Upgrade: websocket'")
    if headers.get("sec-websocket-accept") != accept_key(key):
        raise WebSocketError("the upgrade answer has a wrong Sec-WebSocket-Accept")
    return end + 4


def encode_frame(opcode: int, payload: bytes, mask: bytes | None = None) -> bytes:
    """One final frame, masked as a client must (``mask``: 4 bytes, random if None)."""
    mask = mask if mask is not None else os.urandom(4)
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    return head + mask + _xor(payload, mask)


def _xor(payload: bytes, mask: bytes) -> bytes:
    if not payload:
        return b""
    n = len(payload)
    repeated = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")


class FrameDecoder:
    """Bytes in, whole messages out: data messages with their fragments joined, and control
    frames (PING, PONG, CLOSE) as they come."""

    def __init__(self, max_message: int = MAX_MESSAGE) -> None:
        self._buf = bytearray()
        self._fragments: list[bytes] = []
        self._fragment_opcode: int | None = None
        self._fragment_size = 0
        self._max = max_message

    def feed(self, data: bytes) -> list[Message]:
        self._buf += data
        out: list[Message] = []
        while True:
            frame = self._next_frame()
            if frame is None:
                return out
            fin, opcode, payload = frame
            message = self._message(fin, opcode, payload)
            if message is not None:
                out.append(message)

    def _next_frame(self) -> tuple[bool, int, bytes] | None:
        buf = self._buf
        if len(buf) < 2:
            return None
        b0, b1 = buf[0], buf[1]
        if b0 & 0x70:
            raise WebSocketError("a frame uses reserved bits (no extension was agreed)")
        n, pos = b1 & 0x7F, 2
        if n == 126:
            if len(buf) < 4:
                return None
            (n,), pos = struct.unpack_from("!H", buf, 2), 4
        elif n == 127:
            if len(buf) < 10:
                return None
            (n,), pos = struct.unpack_from("!Q", buf, 2), 10
        if n > self._max:
            raise WebSocketError(f"a frame of {n} bytes exceeds the limit of {self._max}")
        mask = None
        if b1 & 0x80:  # servers must not mask; tolerate it
            if len(buf) < pos + 4:
                return None
            mask, pos = bytes(buf[pos : pos + 4]), pos + 4
        if len(buf) < pos + n:
            return None
        payload = bytes(buf[pos : pos + n])
        del buf[: pos + n]
        if mask is not None:
            payload = _xor(payload, mask)
        return bool(b0 & 0x80), b0 & 0x0F, payload

    def _message(self, fin: bool, opcode: int, payload: bytes) -> Message | None:
        if opcode in (CLOSE, PING, PONG):
            if not fin or len(payload) > 125:
                raise WebSocketError("a control frame is fragmented or too long")
            return Message(opcode, payload)
        if opcode == CONTINUATION:
            if self._fragment_opcode is None:
                raise WebSocketError("a continuation frame without a message to continue")
            opcode = self._fragment_opcode
        elif opcode in (TEXT, BINARY):
            if self._fragment_opcode is not None:
                raise WebSocketError("a new message began inside a fragmented one")
        else:
            raise WebSocketError(f"unknown opcode {opcode:#x}")
        self._fragment_size += len(payload)
        if self._fragment_size > self._max:
            raise WebSocketError(f"a message exceeds the limit of {self._max} bytes")
        if not fin:
            self._fragment_opcode = opcode
            self._fragments.append(payload)
            return None
        whole = b"".join([*self._fragments, payload])
        self._fragments, self._fragment_opcode, self._fragment_size = [], None, 0
        return Message(opcode, whole)
