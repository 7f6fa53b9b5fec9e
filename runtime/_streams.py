"""The event session's I/O: one driver for the sync client, one for the async client.

Both keep the same ``_StreamState`` (protocol, hub, transport, reconnect pacing, byte counts);
framing is decided in ``_sio`` and ``_ws``, buffering in ``_hub``. The session runs over a
websocket (``_wsio``) where it can, else over long-polling through the client's httpx client.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Mapping
from typing import Any, Literal

import httpx

from ._hub import EventHub
from ._sio import SOCKET_PATH, Exchange, SocketProtocol, StreamLost, StreamUnavailable
from ._ws import WebSocketError
from ._wsio import AsyncWebSocket, SyncWebSocket, WebSocketTarget, websocket_target

__all__ = ["AsyncEventStream", "EventTransport", "SyncEventStream", "resolve_transport"]

# "auto": a websocket where the client owns its httpx client and no proxy is set, falling back
# to long-polling if the server refuses the upgrade; "off": no events, the wait polls the item.
EventTransport = Literal["auto", "websocket", "polling", "off"]


def resolve_transport(events: EventTransport, injected_http: bool) -> EventTransport:
    """A given httpx client or transport may carry proxies, certificates or mocks that only
    httpx applies: "auto" then means long-polling through it."""
    if events not in ("auto", "websocket", "polling", "off"):
        raise ValueError(f"events must be 'auto', 'websocket', 'polling' or 'off', not {events!r}")
    return "polling" if events == "auto" and injected_http else events

_LOST_PAUSE = (0.2, 1.0, 5.0, 30.0)  # after a lost session, wait this long before reconnecting
_UNAVAILABLE_PAUSE = 60.0  # after a refused handshake, poll this long before trying again


class _StreamState:
    """What both drivers keep: the protocol, the hub, reconnect pacing, and byte counts."""

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str],
        queue_id: str,
        token: str | None,
        connect_timeout: float,
        transport: EventTransport,
    ) -> None:
        self.url = base_url.rstrip("/") + SOCKET_PATH
        self.headers = dict(headers)
        self.ws_target: WebSocketTarget | None = None
        if transport in ("auto", "websocket"):
            self.ws_target = websocket_target(self.url, self.headers)
            if self.ws_target is None and transport == "websocket":
                raise ValueError(f"no websocket to {self.url} (not http(s), or behind a proxy)")
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
        self.last_io = 0.0  # when the session last talked to the server

    @property
    def ready(self) -> bool:
        return self.proto is not None and self.proto.ready

    def check_idle(self, now: float) -> None:
        """Unread past a ping interval, the server has (or soon will have) dropped the session
        for a missed pong: start a new one now rather than find out after enqueueing."""
        if self.proto is not None and now - self.last_io > self.proto.ping_interval:
            self.proto = None

    def may_connect(self, now: float) -> bool:
        return self.enabled and now >= self.retry_at

    def new_session(self) -> SocketProtocol:
        self.proto = SocketProtocol(self.queue_id, self.token)
        return self.proto

    def connected(self) -> None:
        self.generation += 1
        self.failures = 0

    def ws_refused(self, exc: BaseException) -> bool:
        """A refused upgrade (not a dead server): long-polling from now on, if allowed."""
        if isinstance(exc, WebSocketError) and self.ws_fallback and self.ws_target is not None:
            self.ws_target = None
            return True
        return False

    def lost(self, exc: BaseException, now: float) -> None:
        self.proto = None
        if isinstance(exc, StreamUnavailable):
            self.retry_at = now + _UNAVAILABLE_PAUSE
        else:
            self.retry_at = now + _LOST_PAUSE[min(self.failures, len(_LOST_PAUSE) - 1)]
        self.failures += 1

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


class _Session:
    """What both drivers do alike with their session's websocket, if it has one."""

    state: _StreamState
    _ws: SyncWebSocket | AsyncWebSocket | None

    def _lost(self, exc: BaseException, now: float) -> None:
        self.state.lost(exc, now)
        self._drop_ws()

    def _drop_ws(self) -> None:
        if self._ws is not None:
            self._ws.close()
            self._ws = None

    @property
    def transport(self) -> str | None:
        """"websocket" or "polling" while a session is ready, else None."""
        if not self.state.ready:
            return None
        return "websocket" if self._ws is not None else "polling"


class SyncEventStream(_Session):
    """The event session of a sync client. One thread reads at a time (``acquire``); others
    poll. Events go to the hub, so a read on behalf of one wait never loses another's."""

    def __init__(
        self,
        http: httpx.Client,
        base_url: str,
        headers: Mapping[str, str],
        queue_id: str,
        token: str | None,
        connect_timeout: float = 10.0,
        transport: EventTransport = "polling",
    ) -> None:
        self._http = http
        self.state = _StreamState(base_url, headers, queue_id, token, connect_timeout, transport)
        self._lock = threading.Lock()
        self._ws: SyncWebSocket | None = None

    def acquire(self) -> bool:
        return self._lock.acquire(blocking=False)

    def release(self) -> None:
        self._lock.release()

    def ensure(self, now: float) -> int | None:
        """The ready session's generation, connecting first if allowed; None: poll instead."""
        st = self.state
        st.check_idle(now)
        if st.ready:
            return st.generation
        self._drop_ws()
        if not st.may_connect(now):
            return None
        proto = st.new_session()
        try:
            if st.ws_target is None or not self._open_ws(proto, st.ws_target):
                while not proto.ready:
                    self._exchange(proto, st.connect_timeout)
        except Exception as exc:  # any failure of the stream means: poll instead
            self._lost(exc, time.monotonic())
            return None
        st.connected()
        return st.generation

    def _open_ws(self, proto: SocketProtocol, target: WebSocketTarget) -> bool:
        """Connect and subscribe over a websocket; False if the server refused the upgrade
        and long-polling should be tried instead."""
        st = self.state
        try:
            self._ws = SyncWebSocket(target, st.connect_timeout)
        except WebSocketError as exc:
            if st.ws_refused(exc):
                return False
            raise
        deadline = time.monotonic() + st.connect_timeout
        while not proto.ready:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StreamLost("no subscription over the websocket in time")
            self._ws_round(proto, remaining)
        return True

    def read(self, timeout: float | None) -> None:
        """One read (a long-poll, or what the websocket brings within ``timeout``), pongs
        sent before and after; events land in the hub."""
        st = self.state
        proto = st.proto
        if proto is None:
            return
        try:
            if self._ws is not None:
                self._ws_round(proto, _poll_limit(proto, timeout))
                return
            while proto.has_outbox:
                self._exchange(proto, st.connect_timeout)
            self._exchange(proto, _poll_limit(proto, timeout))
            while proto.has_outbox:  # a ping came in: answer now, not at the next read
                self._exchange(proto, st.connect_timeout)
        except httpx.TimeoutException as exc:
            # We gave up on a poll (deadline): it may swallow packets, so start a fresh
            # session next time; the new generation makes waiters re-check their items.
            self._lost(exc, 0.0)
        except Exception as exc:  # StreamLost, network errors, a garbled packet: poll instead
            self._lost(exc, time.monotonic())
        except BaseException as exc:  # interrupted mid-read: that session can't be trusted
            self._lost(exc, 0.0)
            raise

    def _ws_round(self, proto: SocketProtocol, timeout: float) -> None:
        ws = self._ws
        assert ws is not None
        ws.send(proto.take_outbox())
        before = ws.bytes_read
        packets = ws.receive(timeout)
        self.state.bytes_read += ws.bytes_read - before
        if ws.bytes_read != before:
            self.state.last_io = time.monotonic()
        self.state.hub.feed(proto.feed(packets))
        ws.send(proto.take_outbox())  # a ping came in: answer now, not at the next read

    def _exchange(self, proto: SocketProtocol, timeout: float) -> None:
        exchange = proto.next_exchange()
        response = self._http.request(**self.state.request(exchange, timeout))
        self.state.bytes_read += len(response.content)
        self.state.last_io = time.monotonic()
        self.state.hub.feed(proto.receive(exchange, response.status_code, response.text))

    def close(self) -> None:
        self.state.proto = None
        self._drop_ws()


def _poll_limit(proto: SocketProtocol, timeout: float | None) -> float:
    if timeout is None:
        return proto.poll_timeout
    return min(max(timeout, 0.001), proto.poll_timeout)


class AsyncEventStream(_Session):
    """The event session of an async client: one background reader task while anyone waits,
    feeding the hub and waking the waiters (concurrent waits share it)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        headers: Mapping[str, str],
        queue_id: str,
        token: str | None,
        connect_timeout: float = 10.0,
        transport: EventTransport = "polling",
    ) -> None:
        self._http = http
        self.state = _StreamState(base_url, headers, queue_id, token, connect_timeout, transport)
        self._connect_lock: asyncio.Lock | None = None
        self._reader: asyncio.Task[None] | None = None
        self._ws: AsyncWebSocket | None = None
        self._users = 0
        # ``tick`` counts reader rounds; a waiter remembers the tick it last looked at, so a
        # wake-up that came while it was busy is never missed.
        self.tick = 0
        self._wake: asyncio.Future[None] | None = None

    def _advance(self) -> None:
        self.tick += 1
        wake, self._wake = self._wake, None
        if wake is not None and not wake.done():
            wake.set_result(None)

    def acquire(self) -> bool:
        self._users += 1
        return True

    def release(self) -> None:
        self._users -= 1

    async def ensure(self, now: float) -> int | None:
        st = self.state
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
        async with self._connect_lock:
            if self._reader is None or self._reader.done():
                st.check_idle(now)  # nobody has been reading: the session may be stale
            if not st.ready:
                await self._stop_reader()
                self._drop_ws()
                if not st.may_connect(now):
                    return None
                proto = st.new_session()
                try:
                    if st.ws_target is None or not await self._open_ws(proto, st.ws_target):
                        while not proto.ready:
                            await self._exchange(proto, st.connect_timeout)
                except Exception as exc:  # any failure of the stream means: poll instead
                    self._lost(exc, time.monotonic())
                    return None
                st.connected()
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read_loop(st.proto, self._ws))
            return st.generation

    async def _open_ws(self, proto: SocketProtocol, target: WebSocketTarget) -> bool:
        st = self.state
        try:
            ws = await AsyncWebSocket.connect(target, st.connect_timeout)
        except WebSocketError as exc:
            if st.ws_refused(exc):
                return False
            raise
        self._ws = ws

        async def subscribe() -> None:
            while not proto.ready:
                await self._ws_round(proto, ws)

        try:
            await asyncio.wait_for(subscribe(), st.connect_timeout)
        except asyncio.TimeoutError:
            raise StreamLost("no subscription over the websocket in time") from None
        return True

    async def read(self, timeout: float | None, since: int) -> None:
        """Until the reader has brought something after tick ``since`` (or the timeout)."""
        if self.tick != since:
            return
        if self._wake is None:
            self._wake = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(asyncio.shield(self._wake), timeout)
        except asyncio.TimeoutError:
            pass

    async def _read_loop(self, proto: SocketProtocol | None, ws: AsyncWebSocket | None) -> None:
        st = self.state
        try:
            while proto is not None and st.proto is proto and self._users > 0:
                if ws is not None:
                    await self._ws_round(proto, ws)
                else:
                    while proto.has_outbox:
                        await self._exchange(proto, st.connect_timeout)
                    await self._exchange(proto, proto.poll_timeout)
                self._advance()
                await asyncio.sleep(0)  # let the waiters run even if polls answer at once
        except Exception as exc:  # a dead reader must not leave waiters hanging
            if st.proto is proto:
                self._lost(exc, time.monotonic())
            self._advance()

    async def _ws_round(self, proto: SocketProtocol, ws: AsyncWebSocket) -> None:
        await ws.send(proto.take_outbox())
        before = ws.bytes_read
        packets = await ws.receive()
        self.state.bytes_read += ws.bytes_read - before
        self.state.last_io = time.monotonic()
        self.state.hub.feed(proto.feed(packets))
        await ws.send(proto.take_outbox())  # a ping came in: answer now

    async def _exchange(self, proto: SocketProtocol, timeout: float) -> None:
        exchange = proto.next_exchange()
        response = await self._http.request(**self.state.request(exchange, timeout))
        self.state.bytes_read += len(response.content)
        self.state.last_io = time.monotonic()
        self.state.hub.feed(proto.receive(exchange, response.status_code, response.text))

    async def _stop_reader(self) -> None:
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self._reader = None

    async def aclose(self) -> None:
        self.state.proto = None
        await self._stop_reader()
        self._drop_ws()
