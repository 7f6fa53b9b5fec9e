"""What an event session keeps, whichever flavour drives it (pure): the Socket.IO protocol, the
hub, whether to try a websocket, reconnect pacing, and the bytes read."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Literal

from .hub import EventHub
from .sio import SOCKET_PATH, Exchange, SocketProtocol, StreamUnavailable

__all__ = ["EventTransport", "StreamState", "check_transport"]

# "auto": a websocket, falling back to long-polling where the upgrade is refused (or the
# transport cannot make one); "off": no events, the wait polls the item.
EventTransport = Literal["auto", "websocket", "polling", "off"]

_LOST_PAUSE = (0.2, 1.0, 5.0, 30.0)  # after a lost session, wait this long before reconnecting
_UNAVAILABLE_PAUSE = 60.0  # after a refused handshake, poll this long before trying again


def check_transport(events: object) -> EventTransport:
    if events not in ("auto", "websocket", "polling", "off"):
        raise ValueError(f"events must be 'auto', 'websocket', 'polling' or 'off', not {events!r}")
    return events


class StreamState:
    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        queue_id: str,
        token: str | None,
        connect_timeout: float,
        transport: EventTransport,
    ) -> None:
        check_transport(transport)
        self.url = base_url.rstrip("/") + SOCKET_PATH
        self.ws_url = self.url + "?EIO=4&transport=websocket"
        self.headers = dict(headers)
        self.use_ws = transport in ("auto", "websocket")
        self.ws_fallback = transport == "auto"  # refused upgrade: long-polling from then on
        self.queue_id = queue_id
        self.token = token
        self.connect_timeout = connect_timeout
        self.hub = EventHub(queue_id)
        self.proto: SocketProtocol | None = None
        self.generation = 0
        self.bytes_read = 0
        self.failures = 0
        self.retry_at = 0.0
        self.enabled = transport != "off"
        self.last_io = 0.0  # when the session last heard from the server

    @property
    def ready(self) -> bool:
        return self.proto is not None and self.proto.ready

    def idle(self, now: float) -> bool:
        """Unread so long that the server has (or soon will have) dropped the session for a
        missed pong: better a new one now than finding out after enqueueing. (It pings every
        interval and waits ``ping_timeout`` for the answer.)"""
        proto = self.proto
        return proto is not None and now - self.last_io > proto.ping_interval + proto.ping_timeout / 2

    def may_connect(self, now: float) -> bool:
        return self.enabled and now >= self.retry_at

    def new_session(self) -> SocketProtocol:
        self.proto = SocketProtocol(self.queue_id, self.token)
        return self.proto

    def connected(self) -> None:
        self.generation += 1
        self.failures = 0

    def refused(self) -> bool:
        """The websocket upgrade was refused: long-polling from now on, if "auto" allows it."""
        if self.ws_fallback:
            self.use_ws = False
            return True
        return False

    def lost(self, exc: BaseException, now: float) -> None:
        self.proto = None
        if isinstance(exc, StreamUnavailable):
            self.retry_at = now + _UNAVAILABLE_PAUSE
        else:
            self.retry_at = now + _LOST_PAUSE[min(self.failures, len(_LOST_PAUSE) - 1)]
        self.failures += 1

    def got(self, nbytes: int) -> None:
        self.bytes_read += nbytes
        self.last_io = time.monotonic()

    def read_limit(self, timeout: float | None) -> float:
        """How long one read may block: the caller's timeout, within the poll bound."""
        assert self.proto is not None
        bound = self.proto.poll_timeout
        return bound if timeout is None else min(max(timeout, 0.001), bound)

    def request(self, exchange: Exchange, timeout: float) -> dict[str, Any]:
        headers = dict(self.headers)
        if exchange.body is not None:
            headers["Content-Type"] = "text/plain;charset=UTF-8"
        return {
            "method": exchange.method,
            "url": self.url,
            "params": exchange.params,
            "content": exchange.body.encode() if exchange.body is not None else None,
            "headers": headers,
            "timeout": timeout,
        }
