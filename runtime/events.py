"""Waiting for queue items on InvokeAI's socket.io events, with polling as the fallback.

The parts, one job each:
  * ``_sio``: Engine.IO v4 + Socket.IO v5 framing as a pure state machine (handshake,
    connect, ``subscribe_queue`` with an ack, ping/pong, events), for either transport.
  * ``_ws`` / ``_wsio``: a websocket client (RFC 6455) as a pure codec, and its two
    connections (a socket, asyncio streams).
  * ``_hub``: events buffered per queue item, so whoever reads the stream, no waiter misses
    an event that arrived before it looked.
  * ``_waiter``: for a set of items, what to do next (fetch, read, sleep, done), and the
    results of completed items rebuilt from their ``invocation_complete`` events.
  * ``_streams``: the sessions, ``SyncEventStream`` (read by the waiting thread) and
    ``AsyncEventStream`` (one background reader shared by concurrent waits), each over a
    websocket or over long-polling through the client's httpx client.
  * ``_wait``: ``wait_sync`` / ``wait_async``, the same loop without and with ``await``.

Why our own websocket client: no new dependency, and it is small; it halves the time from a
run's end to the client knowing. Long-polling over httpx stays for proxies and injected
clients. InvokeAI answers polling with 500 when the client accepts gzip, so the clients send
identity.
This module keeps the public names importable from one place.
"""

from __future__ import annotations

from ._streams import AsyncEventStream, EventTransport, SyncEventStream, resolve_transport
from ._wait import wait_async, wait_sync
from ._hub import EventHub
from ._sio import (
    SOCKET_PATH,
    Exchange,
    SocketEvent,
    SocketProtocol,
    StreamLost,
    StreamUnavailable,
)
from ._waiter import (
    TERMINAL,
    Action,
    Done,
    Expired,
    Fetch,
    ProgressEvent,
    Read,
    Sleep,
    Waiter,
    event_nodes,
)

__all__ = [
    "SOCKET_PATH",
    "TERMINAL",
    "Action",
    "AsyncEventStream",
    "Done",
    "EventHub",
    "EventTransport",
    "Exchange",
    "Expired",
    "Fetch",
    "ProgressEvent",
    "Read",
    "Sleep",
    "SocketEvent",
    "SocketProtocol",
    "StreamLost",
    "StreamUnavailable",
    "SyncEventStream",
    "Waiter",
    "event_nodes",
    "resolve_transport",
    "wait_async",
    "wait_sync",
]
