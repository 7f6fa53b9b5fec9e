"""The core client's ``queue`` area behind whatever client the seed was given (the core
``InvokeAIClient``, or the seed's client built on it)."""

from __future__ import annotations

from typing import Any

from ...client.queue_async import AsyncQueue
from ...client.queue_sync import Queue

__all__ = ["core_queue"]


def core_queue(client: Any) -> Queue:
    """``client.queue``, the synchronous core area; TypeError for an async client (these
    handles block, as 1.1.1's did) or for something that is not a client."""
    for holder in (client, getattr(client, "core", None), getattr(client, "_core", None)):
        area = getattr(holder, "queue", None)
        if isinstance(area, AsyncQueue):
            raise TypeError(
                "queue handles block: give them the synchronous InvokeAIClient "
                "(or use the async client's client.queue directly)"
            )
        if isinstance(area, Queue):
            return area
    raise TypeError(f"the queue handles need an InvokeAIClient, not {type(client).__name__}")
