"""Engine.IO over a websocket: one connection over a socket, one over asyncio streams.

Each carries text messages (one Engine.IO packet each) and answers websocket pings itself;
framing is decided in ``_ws``. Why not long-polling only: every event then costs an HTTP
round trip, and the last events of a run queue behind each other. From a run's end to the
client knowing took about 5 ms that way on a fresh server here, and about 3 ms over a
websocket.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from ._ws import CLOSE, PING, PONG, TEXT, FrameDecoder, WebSocketError, encode_frame
from ._ws import opening_request, read_opening_response

__all__ = ["AsyncWebSocket", "SyncWebSocket", "WebSocketTarget", "websocket_target"]

_READ = 65536


@dataclass(frozen=True)
class WebSocketTarget:
    host: str
    port: int
    secure: bool
    host_header: str
    target: str  # path and query of the upgrade request
    headers: Mapping[str, str]

    def ssl_context(self) -> ssl.SSLContext | None:
        # httpx's own default context, so both transports trust the same certificates.
        return httpx.create_ssl_context() if self.secure else None


def websocket_target(url: str, headers: Mapping[str, str]) -> WebSocketTarget | None:
    """Where the socket.io endpoint ``url`` (http or https) is reached as a websocket; None
    if the environment names a proxy for it (only httpx, on long-polling, honours proxies)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if _proxied(parts.scheme, parts.hostname):
        return None
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    default_port = port == (443 if secure else 80)
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if default_port else f"{shown}:{port}"
    query = urllib.parse.urlencode({"EIO": "4", "transport": "websocket"})
    return WebSocketTarget(
        host, port, secure, host_header, f"{parts.path or '/'}?{query}", dict(headers)
    )


def _proxied(scheme: str, host: str) -> bool:
    proxies = urllib.request.getproxies()
    if not (proxies.get(scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(host)


class _Frames:
    """What both connections share: the decoder, and turning messages into packets (pongs
    queued for sending, a close turned into an error)."""

    def __init__(self) -> None:
        self.decoder = FrameDecoder()
        self.replies: list[bytes] = []
        self.bytes_read = 0

    def packets(self, data: bytes) -> list[str]:
        self.bytes_read += len(data)
        packets = []
        for message in self.decoder.feed(data):
            if message.opcode == TEXT:
                packets.append(message.payload.decode("utf-8"))
            elif message.opcode == PING:
                self.replies.append(encode_frame(PONG, message.payload))
            elif message.opcode == CLOSE:
                raise WebSocketError("the server closed the websocket")
        return packets

    def take_replies(self) -> bytes:
        """The pongs owed, to send now."""
        out, self.replies = b"".join(self.replies), []
        return out


class SyncWebSocket:
    def __init__(self, target: WebSocketTarget, timeout: float) -> None:
        self._frames = _Frames()
        sock = socket.create_connection((target.host, target.port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            context = target.ssl_context()
            if context is not None:
                sock = context.wrap_socket(sock, server_hostname=target.host)
            request, key = opening_request(target.host_header, target.target, target.headers)
            sock.sendall(request)
            head = b""
            while (start := read_opening_response(head, key)) is None:
                chunk = sock.recv(_READ)
                if not chunk:
                    raise WebSocketError("the server closed the connection during the upgrade")
                head += chunk
        except BaseException:
            sock.close()
            raise
        self._sock = sock
        self._early = head[start:]  # frames that came with the upgrade answer

    @property
    def bytes_read(self) -> int:
        return self._frames.bytes_read

    def send(self, packets: list[str]) -> None:
        data = b"".join(encode_frame(TEXT, p.encode("utf-8")) for p in packets)
        if data:
            self._sock.sendall(data)

    def receive(self, timeout: float) -> list[str]:
        """The packets of what arrives within ``timeout`` ([] if nothing did)."""
        if self._early:
            data, self._early = self._early, b""
        else:
            self._sock.settimeout(max(timeout, 0.001))
            try:
                data = self._sock.recv(_READ)
            except (socket.timeout, ssl.SSLWantReadError):
                return []
            if not data:
                raise WebSocketError("the server closed the connection")
        packets = self._frames.packets(data)
        if replies := self._frames.take_replies():
            self._sock.sendall(replies)
        return packets

    def close(self) -> None:
        try:
            self._sock.settimeout(0.5)
            self._sock.sendall(encode_frame(CLOSE, b"\x03\xe8"))
        except OSError:
            pass
        finally:
            self._sock.close()


class AsyncWebSocket:
    def __init__(self) -> None:
        self._frames = _Frames()
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._early = b""  # frames that came with the upgrade answer

    @classmethod
    async def connect(cls, target: WebSocketTarget, timeout: float) -> AsyncWebSocket:
        self = cls()
        context = target.ssl_context()
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                target.host,
                target.port,
                ssl=context,
                server_hostname=target.host if context is not None else None,
            ),
            timeout,
        )
        try:
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            request, key = opening_request(target.host_header, target.target, target.headers)
            writer.write(request)
            head = b""
            while (start := read_opening_response(head, key)) is None:
                chunk = await asyncio.wait_for(reader.read(_READ), timeout)
                if not chunk:
                    raise WebSocketError("the server closed the connection during the upgrade")
                head += chunk
        except BaseException:
            writer.close()
            raise
        self._reader, self._writer = reader, writer
        self._early = bytes(head[start:])
        return self

    @property
    def bytes_read(self) -> int:
        return self._frames.bytes_read

    async def send(self, packets: list[str]) -> None:
        assert self._writer is not None
        data = b"".join(encode_frame(TEXT, p.encode("utf-8")) for p in packets)
        if data:
            self._writer.write(data)
            await self._writer.drain()

    async def receive(self) -> list[str]:
        """The packets of the next bytes that arrive (waits as long as it takes)."""
        assert self._reader is not None and self._writer is not None
        if self._early:
            data, self._early = self._early, b""
        else:
            data = await self._reader.read(_READ)
            if not data:
                raise WebSocketError("the server closed the connection")
        packets = self._frames.packets(data)
        if replies := self._frames.take_replies():
            self._writer.write(replies)
        return packets

    def close(self) -> None:
        if self._writer is not None:
            try:
                self._writer.write(encode_frame(CLOSE, b"\x03\xe8"))
            except (OSError, RuntimeError):
                pass
            self._writer.close()
            self._writer = None
