# Generated from images_async.py by scripts/unasync.py: edit that file, then run the script.
"""The server's images as typed API: ``client.images`` (requests and answers live in
``api.images``; this area sends them through the client's connection)."""

from __future__ import annotations

from ..api.connection_sync import Connection

__all__ = ["Images"]


class Images:
    def __init__(self, conn: Connection, queue_id: str = "default") -> None:
        self._conn = conn
        self.queue_id = queue_id
