"""Calling the core client from the seed layer, whichever client it is.

The seed's objects take either ``InvokeAIClient`` or ``AsyncInvokeAIClient`` (same method
names). Blocking methods need the synchronous one; awaitable methods take both, running a
synchronous client's call in a worker thread so the event loop is never blocked.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

__all__ = ["call", "acall", "is_async_client"]


def is_async_client(client: object) -> bool:
    return inspect.iscoroutinefunction(getattr(client, "enqueue", None))


def call(client: object, method: str, *args: Any, **kwargs: Any) -> Any:
    fn = getattr(client, method)
    if inspect.iscoroutinefunction(fn):
        raise TypeError(
            f"{type(client).__name__} is asynchronous; use the awaitable methods "
            f"(e.g. 'await handle.submit()') or the synchronous InvokeAIClient"
        )
    return fn(*args, **kwargs)


async def acall(client: object, method: str, *args: Any, **kwargs: Any) -> Any:
    fn = getattr(client, method)
    if inspect.iscoroutinefunction(fn):
        return await fn(*args, **kwargs)
    return await asyncio.to_thread(fn, *args, **kwargs)
