"""The server's queue as typed API: ``client.queue`` (requests and answers live in
``api.queue``; this area sends them through the client's connection)."""

from __future__ import annotations

from ..api.connection_async import AsyncConnection

__all__ = ["AsyncQueue"]


class AsyncQueue:
    def __init__(self, conn: AsyncConnection, queue_id: str = "default") -> None:
        self._conn = conn
        self.queue_id = queue_id
