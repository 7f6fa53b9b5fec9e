"""Waiting for queue items on InvokeAI's socket.io events, with polling as the fallback.

Three sans-I/O parts hold every decision:
  * ``SocketProtocol``: Engine.IO v4 long-polling + Socket.IO v5 framing (handshake, connect,
    ``subscribe_queue`` with an ack, ping/pong, events).
  * ``EventHub``: events buffered per queue item, so whoever reads the stream, no waiter
    misses an event that arrived before it looked.
  * ``Waiter``: for a set of items, what to do next: fetch an item, read events, sleep, done.
Two thin drivers run them: ``SyncEventStream`` (httpx.Client) and ``AsyncEventStream``
(httpx.AsyncClient, one background reader shared by concurrent waits), and ``wait_sync`` /
``wait_async`` are the same loop with and without ``await``.

Why long-polling over httpx: no new dependency, and one code path for sync and async. InvokeAI
answers polling with 500 when the client accepts gzip, so the clients send identity.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

import httpx

from .errors import RunTimeout

__all__ = [
    "AsyncEventStream",
    "EventHub",
    "ProgressEvent",
    "SocketEvent",
    "SocketProtocol",
    "SyncEventStream",
    "Waiter",
    "wait_async",
    "wait_sync",
]

TERMINAL = frozenset({"completed", "failed", "canceled"})
SOCKET_PATH = "/ws/socket.io/"
_RS = "\x1e"  # Engine.IO v4 packet separator in a polling payload


# --- what the caller sees ----------------------------------------------------------------------


@dataclass(frozen=True)
class SocketEvent:
    name: str
    data: dict[str, Any]


@dataclass(frozen=True)
class ProgressEvent:
    """A step of a run, for the ``progress`` callback."""

    item_id: int
    kind: str  # "status", "started", "progress", "complete" or "error"
    status: str | None  # the item's status as last known
    node_id: str | None = None  # the workflow node (invocation_source_id)
    node_type: str | None = None
    message: str | None = None
    percentage: float | None = None
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)


_INVOCATION_KINDS = {
    "invocation_started": "started",
    "invocation_progress": "progress",
    "invocation_complete": "complete",
    "invocation_error": "error",
}


# --- Engine.IO / Socket.IO framing -------------------------------------------------------------


class StreamLost(Exception):
    """The event session ended (closed, unknown sid, network): reconnect later."""


class StreamUnavailable(StreamLost):
    """The server refuses events here (no socket.io, auth): poll for a while."""


@dataclass(frozen=True)
class Exchange:
    method: str  # "GET" (poll) or "POST" (send packets)
    params: dict[str, str]
    body: str | None = None


class SocketProtocol:
    """One Socket.IO session over Engine.IO v4 long-polling, as a pure state machine:
    ``next_exchange()`` says what HTTP request to make, ``receive()`` digests its answer."""

    def __init__(self, queue_id: str, token: str | None = None) -> None:
        self.queue_id = queue_id
        self.token = token
        self.sid: str | None = None
        self.ping_interval = 25.0
        self.ping_timeout = 20.0
        self.connected = False
        self.subscribed = False
        self._outbox: list[str] = []
        self._subscribe_ack = 1

    @property
    def ready(self) -> bool:
        return self.subscribed

    @property
    def has_outbox(self) -> bool:
        return bool(self._outbox) and self.sid is not None

    @property
    def poll_timeout(self) -> float:
        """A poll is answered at least every ping interval (the server's ping)."""
        return self.ping_interval + self.ping_timeout + 5.0

    def next_exchange(self) -> Exchange:
        if self.sid is None:
            return Exchange("GET", {"EIO": "4", "transport": "polling"})
        params = {"EIO": "4", "transport": "polling", "sid": self.sid}
        if self._outbox:
            body = _RS.join(self._outbox)
            self._outbox.clear()
            return Exchange("POST", params, body)
        return Exchange("GET", params)

    def receive(self, exchange: Exchange, status: int, text: str) -> list[SocketEvent]:
        if status != 200:
            if self.sid is None:
                raise StreamUnavailable(f"socket.io handshake answered {status}")
            raise StreamLost(f"socket.io {exchange.method} answered {status}: {text[:100]}")
        if exchange.method == "POST":
            if text.strip().lower() != "ok":
                raise StreamLost(f"socket.io POST answered {text[:100]!r}")
            return []
        events: list[SocketEvent] = []
        for packet in text.split(_RS):
            if packet:
                events.extend(self._engine_packet(packet))
        return events

    def _engine_packet(self, packet: str) -> list[SocketEvent]:
        kind, rest = packet[0], packet[1:]
        if kind == "0":  # open
            info = json.loads(rest)
            self.sid = str(info["sid"])
            self.ping_interval = float(info.get("pingInterval", 25000)) / 1000
            self.ping_timeout = float(info.get("pingTimeout", 20000)) / 1000
            auth = json.dumps({"token": self.token}) if self.token else ""
            self._outbox.append("40" + auth)
            return []
        if kind == "1":
            raise StreamLost("socket.io session closed by the server")
        if kind == "2":  # ping: answer with the same payload
            self._outbox.append("3" + rest)
            return []
        if kind == "4":
            return self._socket_packet(rest)
        return []  # pong, upgrade, noop, binary: nothing to do

    def _socket_packet(self, packet: str) -> list[SocketEvent]:
        kind, rest = packet[:1], packet[1:]
        if rest.startswith("/"):
            namespace, _, rest = rest.partition(",")
            if namespace != "/":
                return []
        digits = len(rest) - len(rest.lstrip("0123456789"))
        ack_id, rest = (int(rest[:digits]) if digits else None), rest[digits:]
        if kind == "0":  # connected: subscribe, asking for an ack so we know when it holds
            self.connected = True
            payload = json.dumps(["subscribe_queue", {"queue_id": self.queue_id}])
            self._outbox.append(f"42{self._subscribe_ack}{payload}")
            return []
        if kind == "1":
            raise StreamLost("socket.io namespace disconnected")
        if kind == "3" and ack_id == self._subscribe_ack:
            self.subscribed = True
            return []
        if kind == "4":
            raise StreamUnavailable(f"socket.io refused the connection: {rest[:200]}")
        if kind == "2":
            data = json.loads(rest)
            if isinstance(data, list) and data and isinstance(data[0], str):
                body = data[1] if len(data) > 1 and isinstance(data[1], dict) else {}
                return [SocketEvent(data[0], body)]
        return []


# --- events buffered per item ------------------------------------------------------------------


class EventHub:
    """Recent events per queue item (bounded), and a counter of queue-wide resets."""

    def __init__(self, queue_id: str, max_items: int = 512, max_events: int = 256) -> None:
        self.queue_id = queue_id
        self.resets = 0  # bumps on queue_cleared: every waiter re-checks its items
        self._items: OrderedDict[int, list[SocketEvent]] = OrderedDict()
        self._max_items = max_items
        self._max_events = max_events

    def feed(self, events: Iterable[SocketEvent]) -> None:
        for event in events:
            if event.data.get("queue_id", self.queue_id) != self.queue_id:
                continue
            if event.name == "queue_cleared":
                self.resets += 1
                continue
            item_id = event.data.get("item_id")
            if not isinstance(item_id, int):
                continue
            bucket = self._items.setdefault(item_id, [])
            self._items.move_to_end(item_id)
            bucket.append(event)
            if len(bucket) > self._max_events:
                del bucket[: len(bucket) - self._max_events]
            while len(self._items) > self._max_items:
                self._items.popitem(last=False)

    def take(self, item_ids: Iterable[int]) -> list[SocketEvent]:
        out: list[SocketEvent] = []
        for item_id in item_ids:
            out.extend(self._items.pop(item_id, ()))
        return out


# --- what a wait does next ---------------------------------------------------------------------


@dataclass(frozen=True)
class Fetch:
    item_id: int


@dataclass(frozen=True)
class Read:
    timeout: float | None


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class Expired:
    item_id: int
    last_status: str | None


Action = Union[Fetch, Read, Sleep, Done, Expired]

SAFETY_POLL = 10.0  # with events flowing, still look at the item this often (belt and braces)
POLL_MIN, POLL_MAX, POLL_FRACTION = 0.02, 1.0, 0.1


@dataclass
class _Track:
    status: str | None = None
    final: dict[str, Any] | None = None
    needs_fetch: bool = False
    last_fetch: float = float("-inf")


class Waiter:
    """Decides, for a set of queue items, the next step of waiting (pure; time is passed in).

    ``generation`` is the event session the waiter's knowledge is current with: a new session
    (or none yet) means events may have been missed, so every unfinished item is fetched once
    after subscribing, which catches runs that finished before we listened.
    """

    def __init__(
        self,
        item_ids: Iterable[int],
        *,
        now: float,
        timeout: float | None,
        generation: int | None = None,
    ) -> None:
        self.tracks: dict[int, _Track] = {int(i): _Track() for i in item_ids}
        self.start = now
        self.timeout = timeout
        self.deadline = now + timeout if timeout is not None else None
        self.generation = generation
        self.resets: int | None = None

    @property
    def unfinished(self) -> list[int]:
        return sorted(i for i, t in self.tracks.items() if t.final is None)

    def finals(self) -> dict[int, dict[str, Any]]:
        return {i: t.final for i, t in self.tracks.items() if t.final is not None}

    def step(self, now: float, generation: int | None, resets: int = 0) -> Action:
        """``generation``: the ready event session's number, or None when polling."""
        if generation is not None and generation != self.generation:
            self.generation = generation
            self._recheck()
        if self.resets is not None and resets != self.resets:
            self._recheck()
        self.resets = resets
        pending = self.unfinished
        if not pending:
            return Done()
        if self.deadline is not None and now >= self.deadline:
            first = self.tracks[pending[0]]
            return Expired(pending[0], first.status)
        for item_id in pending:
            if self.tracks[item_id].needs_fetch:
                return Fetch(item_id)
        first_id = pending[0]
        first = self.tracks[first_id]
        remaining = self.deadline - now if self.deadline is not None else None
        if generation is not None:
            if now - max(first.last_fetch, self.start) >= SAFETY_POLL:
                return Fetch(first_id)
            return Read(remaining)
        # Polling: items run in queue order, so watching the first unfinished one is enough;
        # the interval grows with the wait (fast answers for short runs, little load for long).
        interval = min(max((now - self.start) * POLL_FRACTION, POLL_MIN), POLL_MAX)
        due = first.last_fetch + interval
        if due <= now:
            return Fetch(first_id)
        pause = due - now
        return Sleep(min(pause, remaining) if remaining is not None else pause)

    def _recheck(self) -> None:
        for track in self.tracks.values():
            if track.final is None:
                track.needs_fetch = True

    def on_item(self, item: Mapping[str, Any], now: float) -> list[ProgressEvent]:
        item_id = int(item.get("item_id", -1))
        track = self.tracks.get(item_id)
        if track is None:
            return []
        track.needs_fetch = False
        track.last_fetch = now
        status = str(item.get("status", ""))
        out = self._status(item_id, track, status, item)
        if status in TERMINAL:
            track.final = dict(item)
        return out

    def on_events(self, events: Iterable[SocketEvent]) -> list[ProgressEvent]:
        out: list[ProgressEvent] = []
        for event in events:
            item_id = event.data.get("item_id")
            track = self.tracks.get(item_id) if isinstance(item_id, int) else None
            if track is None or track.final is not None:
                continue
            if event.name == "queue_item_status_changed":
                status = str(event.data.get("status", ""))
                out += self._status(int(item_id), track, status, event.data)  # type: ignore[arg-type]
                if status in TERMINAL:
                    track.needs_fetch = True  # the results are only in the full item
            elif event.name in _INVOCATION_KINDS:
                invocation = event.data.get("invocation") or {}
                pct = event.data.get("percentage")
                out.append(
                    ProgressEvent(
                        item_id=int(item_id),  # type: ignore[arg-type]
                        kind=_INVOCATION_KINDS[event.name],
                        status=track.status,
                        node_id=event.data.get("invocation_source_id"),
                        node_type=invocation.get("type") if isinstance(invocation, dict) else None,
                        message=event.data.get("message") or event.data.get("error_message"),
                        percentage=float(pct) if isinstance(pct, (int, float)) else None,
                        data=event.data,
                    )
                )
        return out

    @staticmethod
    def _status(
        item_id: int, track: _Track, status: str, data: Mapping[str, Any]
    ) -> list[ProgressEvent]:
        if not status or status == track.status:
            return []
        track.status = status
        message = data.get("error_message") if status == "failed" else None
        return [ProgressEvent(item_id, "status", status, message=message, data=dict(data))]


# --- drivers -----------------------------------------------------------------------------------

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
    ) -> None:
        self.url = base_url.rstrip("/") + SOCKET_PATH
        self.headers = dict(headers)
        self.queue_id = queue_id
        self.token = token
        self.connect_timeout = connect_timeout
        self.hub = EventHub(queue_id)
        self.proto: SocketProtocol | None = None
        self.generation = 0
        self.bytes_read = 0
        self.failures = 0
        self.retry_at = 0.0
        self.enabled = True
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


class SyncEventStream:
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
    ) -> None:
        self._http = http
        self.state = _StreamState(base_url, headers, queue_id, token, connect_timeout)
        self._lock = threading.Lock()

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
        if not st.may_connect(now):
            return None
        proto = st.new_session()
        try:
            while not proto.ready:
                self._exchange(proto, st.connect_timeout)
        except Exception as exc:  # any failure of the stream means: poll instead
            st.lost(exc, time.monotonic())
            return None
        st.connected()
        return st.generation

    def read(self, timeout: float | None) -> None:
        """One long-poll (pongs sent first and after); events land in the hub."""
        st = self.state
        proto = st.proto
        if proto is None:
            return
        try:
            while proto.has_outbox:
                self._exchange(proto, st.connect_timeout)
            self._exchange(proto, _poll_limit(proto, timeout))
            while proto.has_outbox:  # a ping came in: answer now, not at the next read
                self._exchange(proto, st.connect_timeout)
        except httpx.TimeoutException as exc:
            # We gave up on a poll (deadline): it may swallow packets, so start a fresh
            # session next time; the new generation makes waiters re-check their items.
            st.lost(exc, 0.0)
        except Exception as exc:  # StreamLost, httpx errors, a garbled packet: poll instead
            st.lost(exc, time.monotonic())
        except BaseException as exc:  # interrupted mid-poll: that session can't be trusted
            st.lost(exc, 0.0)
            raise

    def _exchange(self, proto: SocketProtocol, timeout: float) -> None:
        exchange = proto.next_exchange()
        response = self._http.request(**self.state.request(exchange, timeout))
        self.state.bytes_read += len(response.content)
        self.state.last_io = time.monotonic()
        self.state.hub.feed(proto.receive(exchange, response.status_code, response.text))

    def close(self) -> None:
        self.state.proto = None


def _poll_limit(proto: SocketProtocol, timeout: float | None) -> float:
    if timeout is None:
        return proto.poll_timeout
    return min(max(timeout, 0.001), proto.poll_timeout)


class AsyncEventStream:
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
    ) -> None:
        self._http = http
        self.state = _StreamState(base_url, headers, queue_id, token, connect_timeout)
        self._connect_lock: asyncio.Lock | None = None
        self._reader: asyncio.Task[None] | None = None
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
                if not st.may_connect(now):
                    return None
                proto = st.new_session()
                try:
                    while not proto.ready:
                        await self._exchange(proto, st.connect_timeout)
                except Exception as exc:  # any failure of the stream means: poll instead
                    st.lost(exc, time.monotonic())
                    return None
                st.connected()
            if self._reader is None or self._reader.done():
                self._reader = asyncio.create_task(self._read_loop(st.proto))
            return st.generation

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

    async def _read_loop(self, proto: SocketProtocol | None) -> None:
        st = self.state
        try:
            while proto is not None and st.proto is proto and self._users > 0:
                while proto.has_outbox:
                    await self._exchange(proto, st.connect_timeout)
                await self._exchange(proto, proto.poll_timeout)
                self._advance()
                await asyncio.sleep(0)  # let the waiters run even if polls answer at once
        except Exception as exc:  # a dead reader must not leave waiters hanging
            st.lost(exc, time.monotonic())
            self._advance()

    async def _exchange(self, proto: SocketProtocol, timeout: float) -> None:
        exchange = proto.next_exchange()
        response = await self._http.request(**self.state.request(exchange, timeout))
        self.state.bytes_read += len(response.content)
        self.state.last_io = time.monotonic()
        self.state.hub.feed(proto.receive(exchange, response.status_code, response.text))

    async def aclose(self) -> None:
        self.state.proto = None
        if self._reader is not None and not self._reader.done():
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self._reader = None


# --- the wait loop, once with and once without await ---------------------------------------------

ProgressFn = Callable[[ProgressEvent], None]


def wait_sync(
    waiter: Waiter,
    stream: SyncEventStream | None,
    fetch: Callable[[int], dict[str, Any]],
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[int, dict[str, Any]]:
    """Wait until every item of ``waiter`` is finished; their final queue items by id."""
    owns = stream is not None and stream.acquire()
    try:
        while True:
            generation = stream.ensure(clock()) if owns and stream is not None else None
            if generation is not None and stream is not None:
                _emit(progress, waiter.on_events(stream.state.hub.take(waiter.unfinished)))
            resets = stream.state.hub.resets if stream is not None else 0
            action = waiter.step(clock(), generation, resets)
            if isinstance(action, Done):
                return waiter.finals()
            if isinstance(action, Expired):
                raise RunTimeout(action.item_id, waiter.timeout or 0.0, action.last_status)
            if isinstance(action, Fetch):
                _emit(progress, waiter.on_item(fetch(action.item_id), clock()))
            elif isinstance(action, Read) and stream is not None:
                stream.read(action.timeout)
            elif isinstance(action, Sleep):
                sleep(action.seconds)
    finally:
        if owns and stream is not None:
            stream.release()


async def wait_async(
    waiter: Waiter,
    stream: AsyncEventStream | None,
    fetch: Callable[[int], Awaitable[dict[str, Any]]],
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[int, dict[str, Any]]:
    owns = stream is not None and stream.acquire()
    try:
        while True:
            generation = await stream.ensure(clock()) if owns and stream is not None else None
            tick = stream.tick if stream is not None else 0
            if generation is not None and stream is not None:
                _emit(progress, waiter.on_events(stream.state.hub.take(waiter.unfinished)))
            resets = stream.state.hub.resets if stream is not None else 0
            action = waiter.step(clock(), generation, resets)
            if isinstance(action, Done):
                return waiter.finals()
            if isinstance(action, Expired):
                raise RunTimeout(action.item_id, waiter.timeout or 0.0, action.last_status)
            if isinstance(action, Fetch):
                _emit(progress, waiter.on_item(await fetch(action.item_id), clock()))
            elif isinstance(action, Read) and stream is not None:
                await stream.read(action.timeout, tick)
            elif isinstance(action, Sleep):
                await asyncio.sleep(action.seconds)
    finally:
        if owns and stream is not None:
            stream.release()


def _emit(progress: ProgressFn | None, events: list[ProgressEvent]) -> None:
    if progress is not None:
        for event in events:
            progress(event)
