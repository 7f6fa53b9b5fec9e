"""Socket.IO v5 over Engine.IO v4, as a pure state machine (no I/O).

The session: handshake (``0``), namespace connect (``40``, with the token), ``subscribe_queue``
with an ack (so we know when it holds), pings answered. Over a websocket each message is one
Engine.IO packet: ``feed()`` digests packets, ``take_outbox()`` gives the packets to send. Over
long-polling ``next_exchange()`` says which HTTP request to make and ``receive()`` digests its
answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SOCKET_PATH",
    "Exchange",
    "SocketEvent",
    "SocketProtocol",
    "StreamLost",
    "StreamUnavailable",
]

SOCKET_PATH = "/ws/socket.io/"
_RS = "\x1e"  # Engine.IO v4 packet separator in a polling payload


@dataclass(frozen=True)
class SocketEvent:
    name: str
    data: dict[str, Any]


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
    """One Socket.IO session over Engine.IO v4 long-polling."""

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

    def feed(self, packets: Iterable[str]) -> list[SocketEvent]:
        """Engine.IO packets in (a websocket's text messages); the events they carried."""
        events: list[SocketEvent] = []
        for packet in packets:
            if packet:
                events.extend(self._engine_packet(packet))
        return events

    def take_outbox(self) -> list[str]:
        """The packets to send now (none before the handshake has named the session)."""
        if self.sid is None:
            return []
        out, self._outbox = self._outbox, []
        return out

    def next_exchange(self) -> Exchange:
        if self.sid is None:
            return Exchange("GET", {"EIO": "4", "transport": "polling"})
        params = {"EIO": "4", "transport": "polling", "sid": self.sid}
        if self._outbox:
            return Exchange("POST", params, _RS.join(self.take_outbox()))
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
        return self.feed(text.split(_RS))

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
