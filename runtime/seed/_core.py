"""The core client's area behind whatever client the seed's objects were given: the core
``InvokeAIClient`` itself, or an object holding it as ``.core`` or ``._core``. One rule for
the board, queue and model handles alike."""

from __future__ import annotations

from typing import Any

__all__ = ["core_holder"]


def core_holder(client: Any, area: str, sync_type: type, async_type: type, users: str) -> Any:
    """The first of ``client``, ``client.core``, ``client._core`` whose ``area`` is the
    synchronous core area ``sync_type``. TypeError for an async client (``users`` block, as
    1.1.1's did) or for something that is not a client."""
    for holder in (client, getattr(client, "core", None), getattr(client, "_core", None)):
        found = getattr(holder, area, None)
        if isinstance(found, async_type):
            raise TypeError(
                f"{users} block: give them the synchronous InvokeAIClient "
                f"(with AsyncInvokeAIClient use 'await client.{area}...' directly)"
            )
        if isinstance(found, sync_type):
            return holder
    raise TypeError(f"{users} need an InvokeAIClient (its client.{area}), not {type(client).__name__}")
