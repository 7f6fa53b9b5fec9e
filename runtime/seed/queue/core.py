"""The core client's ``queue`` area behind whatever client the seed was given (the core
``InvokeAIClient``, or the seed's client built on it)."""

from __future__ import annotations

from typing import Any

from ...client.queue_async import AsyncQueue
from ...client.queue_sync import Queue
from .._core import core_holder

__all__ = ["core_queue"]


def core_queue(client: Any) -> Queue:
    """``client.queue``, the synchronous core area; TypeError for an async client (these
    handles block, as 1.1.1's did) or for something that is not a client."""
    area: Queue = core_holder(client, "queue", Queue, AsyncQueue, "queue handles").queue
    return area
