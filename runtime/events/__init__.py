"""The event wire: waiting for queue items on InvokeAI's socket.io events, with polling of the
item as the fallback. One job a module:

  * ``sio``: Engine.IO v4 + Socket.IO v5 as a pure state machine (handshake, connect,
    ``subscribe_queue`` with an ack, ping/pong, events), for either transport.
  * ``websocket``: the websocket itself, from httpx-ws over the client's own httpx client.
  * ``hub``: events buffered per queue item, so no waiter misses an event read by another.
  * ``session``: what a session keeps (protocol, hub, reconnect pacing, bytes read).
  * ``stream_async`` / ``stream_sync``: where an event is read; one session shared by a
    client's concurrent waits, over a websocket or long-polling.
  * ``waiter``: what waiting does next (fetch, read, sleep, done), and results rebuilt from
    ``invocation_complete`` events.
  * ``wait_async`` / ``wait_sync``: where a run is awaited, the loop that drives the waiter.

The ``_sync`` modules are generated from their ``_async`` sources (``scripts/unasync.py``).
InvokeAI answers long-polling with 500 when the client accepts gzip, so the clients send
identity.
"""

from __future__ import annotations

from .hub import EventHub
from .session import EventTransport, check_transport
from .sio import SOCKET_PATH, Exchange, SocketEvent, SocketProtocol, StreamLost, StreamUnavailable
from .stream_async import AsyncEventStream
from .stream_sync import EventStream
from .wait_async import wait_async
from .wait_sync import wait_sync
from .waiter import TERMINAL, Action, Done, Expired, Fetch, ProgressEvent, Read, Sleep, Waiter, event_nodes

__all__ = [
    "SOCKET_PATH",
    "TERMINAL",
    "Action",
    "AsyncEventStream",
    "Done",
    "EventHub",
    "EventStream",
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
    "Waiter",
    "check_transport",
    "event_nodes",
    "wait_async",
    "wait_sync",
]
