"""The event session's websocket, opened with httpx-ws through the client's own httpx client:
its transport, proxies, certificates and ``verify=`` apply to events as to REST calls.

Each flavour carries Engine.IO packets as text messages, one at a time. The async session reads
in httpx-ws's background task; the sync one is read by the waiting thread (``InlineSession``),
which answers the websocket's pings as it reads. A transport that cannot upgrade (``httpx.MockTransport``,
an HTTP/2 connection, a proxy that refuses it) or a server that answers anything but 101 raises
``UpgradeRefused``, and the stream may take long-polling instead.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import time

import httpcore
import httpx
import wsproto.events
from httpx_ws import AsyncWebSocketSession, WebSocketDisconnect, WebSocketNetworkError
from httpx_ws import WebSocketSession, WebSocketUpgradeError, aconnect_ws, connect_ws

__all__ = ["AsyncWebSocket", "InlineSession", "UpgradeRefused", "WebSocket", "async_open_websocket", "open_websocket"]

MAX_MESSAGE = 16 * 1024 * 1024  # an event larger than this ends the session


class UpgradeRefused(Exception):
    """The websocket upgrade was refused, or the transport cannot make one."""


def frame_size(text: str) -> int:
    """Bytes of a server's (unmasked, uncompressed) text frame carrying ``text``."""
    n = len(text.encode())
    return n + (2 if n < 126 else 4 if n < 1 << 16 else 10)


def _refused(exc: Exception) -> Exception:
    """UpgradeRefused when the answer says this server or transport does not upgrade; a 5xx
    (a proxy while InvokeAI restarts) is a lost session instead, tried again later."""
    if isinstance(exc, WebSocketUpgradeError):
        status = exc.response.status_code
        if status >= 500:
            return ConnectionError(f"the websocket upgrade was answered {status}")
        return UpgradeRefused(f"the server answered the upgrade with {status}")
    return UpgradeRefused(f"the transport cannot upgrade to a websocket ({type(exc).__name__})")


class InlineSession(WebSocketSession):
    """httpx-ws's sync session, read by the waiting thread itself. Its own background threads
    would keep the interpreter from exiting while a client is left open (a read blocked in
    an executor's worker is joined at exit), and each message would cross two threads."""

    def __enter__(self) -> InlineSession:
        self.texts: collections.deque[str] = collections.deque()
        self.partial: list[str] = []
        self.bytes_read = 0
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_text(self, timeout: float) -> str | None:
        """The next text message, or None if none came within ``timeout``."""
        deadline = time.monotonic() + timeout
        while not self.texts:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            try:
                data = self.stream.read(65536, timeout=remaining)
            except httpcore.ReadTimeout:
                return None
            except (httpcore.ReadError, OSError) as exc:
                raise WebSocketNetworkError() from exc
            if not data:
                raise WebSocketNetworkError()
            self.bytes_read += len(data)
            self.connection.receive_data(data)
            for event in self.connection.events():
                self._digest(event)
        return self.texts.popleft()

    def _digest(self, event: wsproto.events.Event) -> None:
        if isinstance(event, wsproto.events.Ping):
            self.send(event.response())
        elif isinstance(event, wsproto.events.TextMessage):
            self.partial.append(event.data)
            if sum(map(len, self.partial)) > MAX_MESSAGE:
                raise WebSocketNetworkError()
            if event.message_finished:
                self.texts.append("".join(self.partial))
                self.partial.clear()
        elif isinstance(event, wsproto.events.CloseConnection):
            raise WebSocketDisconnect(event.code, event.reason)


class WebSocket:
    def __init__(self, stack: contextlib.ExitStack, session: InlineSession) -> None:
        self._stack = stack
        self._session = session
        self._done = False

    @property
    def bytes_read(self) -> int:
        return self._session.bytes_read

    def send(self, packets: list[str]) -> None:
        for packet in packets:
            self._session.send_text(packet)

    def receive(self, timeout: float) -> str | None:
        """The next message, or None if none came within ``timeout``."""
        return self._session.read_text(timeout)

    @property
    def done(self) -> bool:
        return self._done

    def close(self) -> None:
        self._done = True
        with contextlib.suppress(Exception):  # the connection may be gone already
            self._stack.close()


def open_websocket(
    http: httpx.Client, url: str, headers: dict[str, str], timeout: float
) -> WebSocket:
    stack = contextlib.ExitStack()
    try:
        session = stack.enter_context(
            connect_ws(url, http, headers=dict(headers), timeout=timeout, session_class=InlineSession,
                       keepalive_ping_interval_seconds=None)
        )  # fmt: skip
    except (WebSocketUpgradeError, KeyError) as exc:  # KeyError: no network stream to take over
        raise _refused(exc) from exc
    return WebSocket(stack, session)


class AsyncWebSocket:
    """(httpx-ws adds its upgrade headers to the dict it is given: each open gets a copy.)

    The session lives in a task of its own: httpx-ws's task group must be left by the task
    that entered it, and waits, reads and ``close`` come from any task."""

    def __init__(self, session: AsyncWebSocketSession, owner: asyncio.Task[None], stop: asyncio.Event) -> None:
        self._session = session
        self._owner = owner
        self._stop = stop
        self.bytes_read = 0

    async def send(self, packets: list[str]) -> None:
        for packet in packets:
            await self._session.send_text(packet)

    async def receive(self, timeout: float) -> str | None:
        try:
            text = await self._session.receive_text(timeout)
        except TimeoutError:
            return None
        self.bytes_read += frame_size(text)
        return text

    @property
    def done(self) -> bool:
        return self._owner.done()

    def close(self) -> None:
        """Ask the owner task to end the session (it does so on its own)."""
        self._stop.set()

    async def aclose(self) -> None:
        self._stop.set()
        with contextlib.suppress(Exception):
            await self._owner


async def async_open_websocket(
    http: httpx.AsyncClient, url: str, headers: dict[str, str], timeout: float
) -> AsyncWebSocket:
    loop = asyncio.get_running_loop()
    opened: asyncio.Future[AsyncWebSocketSession] = loop.create_future()
    stop = asyncio.Event()

    async def own() -> None:
        session: AsyncWebSocketSession
        try:
            async with aconnect_ws(
                url, http, headers=dict(headers), timeout=timeout, max_message_size_bytes=MAX_MESSAGE,
                keepalive_ping_interval_seconds=None,
            ) as session:  # fmt: skip
                if opened.done():  # the opener was cancelled meanwhile
                    return
                opened.set_result(session)
                await stop.wait()
        except BaseException as exc:  # before the session: the opener hears of it
            if not opened.done():
                opened.set_exception(exc)
            elif not isinstance(exc, Exception):
                raise

    owner = asyncio.create_task(own())
    try:
        session: AsyncWebSocketSession = await opened
    except (WebSocketUpgradeError, KeyError) as exc:
        raise _refused(exc) from exc
    except BaseException:
        owner.cancel()
        raise
    return AsyncWebSocket(session, owner, stop)
