"""The event session: Socket.IO (``sio``) over a websocket (``websocket``, through the client's
own httpx client) or over long-polling, its events fed to the hub.

Concurrent waits share one session: whoever waits and finds nobody reading reads one round
(the ``Gate``); the others wait for that round to end, then look at the hub.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import httpx

from ..concurrency import AsyncGate
from .hub import EventHub
from .session import EventTransport, StreamState
from .sio import SocketProtocol
from .websocket import AsyncWebSocket, UpgradeRefused, async_open_websocket

__all__ = ["AsyncEventStream"]


class AsyncEventStream:
    """The event session of one client, shared by its concurrent waits."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        headers: Mapping[str, str],
        queue_id: str,
        token: str | None,
        connect_timeout: float = 10.0,
        transport: EventTransport = "auto",
    ) -> None:
        self._http = http
        self.state = StreamState(base_url, headers, queue_id, token, connect_timeout, transport)
        self._gate = AsyncGate()
        self._ws: AsyncWebSocket | None = None
        self._closing: list[AsyncWebSocket] = []  # dropped, maybe not yet shut: ``aclose`` waits
        self.closed = False

    @property
    def hub(self) -> EventHub:
        return self.state.hub

    @property
    def tick(self) -> int:
        """Read rounds ended so far: a wait that looked at tick ``t`` passes it to ``read``."""
        return self._gate.rounds

    @property
    def transport(self) -> str | None:
        """"websocket" or "polling" while a session is ready, else None."""
        if not self.state.ready:
            return None
        return "websocket" if self._ws is not None else "polling"

    async def ensure(self, now: float) -> int | None:
        """The ready session's generation, connecting first if allowed; None: poll instead."""
        st = self.state
        if st.ready and not st.idle(now):
            return st.generation
        since = self._gate.rounds
        if not await self._gate.try_enter():  # another wait reads or connects: let it finish
            await self._gate.wait(since, st.connect_timeout)
            return st.generation if st.ready else None
        try:
            return await self._connect(now)
        finally:
            await self._gate.leave()

    async def _connect(self, now: float) -> int | None:
        st = self.state
        if self.closed:  # a wait still running as its client closes: it polls from now on
            return None
        if st.ready and not st.idle(now):
            return st.generation
        self._drop_ws()
        st.proto = None
        if not st.may_connect(now):
            return None
        proto = st.new_session()
        try:
            if not (st.use_ws and await self._open_ws(proto)):
                while not proto.ready:
                    await self._exchange(proto, st.connect_timeout)
        except Exception as exc:  # any failure of the stream means: poll instead
            self._lost(exc, time.monotonic())
            return None
        st.connected()
        return st.generation

    async def _open_ws(self, proto: SocketProtocol) -> bool:
        """Connect and subscribe over a websocket; False if the upgrade was refused and
        long-polling may be tried instead."""
        st = self.state
        try:
            ws = await async_open_websocket(self._http, st.ws_url, st.headers, st.connect_timeout)
        except UpgradeRefused:
            if st.refused():
                return False
            raise
        self._ws = ws
        deadline = time.monotonic() + st.connect_timeout
        while not proto.ready:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no socket.io subscription over the websocket in time")
            await self._ws_round(proto, ws, remaining)
        return True

    async def read(self, timeout: float | None, since: int) -> None:
        """Return once a read round has ended after tick ``since``: read it here if nobody
        else is reading, else wait for theirs (at most ``timeout``)."""
        if self._gate.rounds != since:
            return
        if not await self._gate.try_enter():
            await self._gate.wait(since, timeout)
            return
        try:
            await self._read_round(timeout)
        finally:
            await self._gate.leave()

    async def _read_round(self, timeout: float | None) -> None:
        st = self.state
        proto = st.proto
        if proto is None:
            return
        limit = st.read_limit(timeout)
        try:
            if self._ws is not None:
                await self._ws_round(proto, self._ws, limit)
                return
            while proto.has_outbox:
                await self._exchange(proto, st.connect_timeout)
            await self._exchange(proto, limit)
            while proto.has_outbox:  # a ping came in: answer now, not at the next read
                await self._exchange(proto, st.connect_timeout)
        except httpx.TimeoutException as exc:
            # We gave up on a poll (deadline): it may swallow packets, so start a fresh
            # session next time; the new generation makes waiters re-check their items.
            self._lost(exc, 0.0)
        except Exception as exc:  # lost sessions, network errors, a garbled packet: poll instead
            self._lost(exc, time.monotonic())
        except BaseException as exc:  # interrupted mid-read: that session can't be trusted
            self._lost(exc, 0.0)
            raise

    async def _ws_round(self, proto: SocketProtocol, ws: AsyncWebSocket, timeout: float) -> None:
        await ws.send(proto.take_outbox())
        before = ws.bytes_read
        packet = await ws.receive(timeout)
        if packet is None:
            return
        self.state.got(ws.bytes_read - before)
        self.state.hub.feed(proto.feed([packet]))
        await ws.send(proto.take_outbox())  # a ping came in: answer now, not at the next read

    async def _exchange(self, proto: SocketProtocol, timeout: float) -> None:
        exchange = proto.next_exchange()
        response = await self._http.request(**self.state.request(exchange, timeout))
        self.state.got(len(response.content))
        self.state.hub.feed(proto.receive(exchange, response.status_code, response.text))

    def _lost(self, exc: BaseException, now: float) -> None:
        self.state.lost(exc, now)
        self._drop_ws()

    def _drop_ws(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            ws.close()
            self._closing = [w for w in self._closing if not w.done] + [ws]

    async def aclose(self) -> None:
        self.closed = True
        self.state.proto = None
        self._drop_ws()
        closing, self._closing = self._closing, []
        for ws in closing:
            await ws.aclose()
