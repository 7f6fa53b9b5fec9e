"""Where a run is awaited: the wait loop. The ``Waiter`` decides, the event stream and the
caller's ``fetch`` do the I/O."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..concurrency import async_sleep
from ..errors import HTTPStatusError, RequestTimeout, RunTimeout, ServerUnreachable
from .stream_async import AsyncEventStream
from .waiter import AsyncFetchFn, Done, Expired, Fetch, ProgressFn, Read, Sleep, Waiter, emit, take_events

__all__ = ["wait_async"]


async def wait_async(
    waiter: Waiter,
    stream: AsyncEventStream | None,
    fetch: AsyncFetchFn,
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[int, dict[str, Any]]:
    """Wait until every item of ``waiter`` is finished; their final queue items by id."""
    while True:
        generation = await stream.ensure(clock()) if stream is not None else None
        tick = stream.tick if stream is not None else 0
        if generation is not None and stream is not None:
            take_events(waiter, stream.hub, progress)
        resets = stream.hub.resets if stream is not None else 0
        action = waiter.step(clock(), generation, resets)
        if isinstance(action, Done):
            return waiter.finals()
        if isinstance(action, Expired):
            raise RunTimeout(action.item_id, waiter.timeout or 0.0, action.last_status)
        if isinstance(action, Fetch):
            try:
                item = await fetch(action.item_id)
            except (ServerUnreachable, RequestTimeout) as exc:  # ride it out, within the time
                await async_sleep(waiter.on_outage(exc, clock()))
                continue
            except HTTPStatusError as exc:
                if exc.status < 500:
                    raise
                await async_sleep(waiter.on_outage(exc, clock()))
                continue
            emit(progress, waiter.on_item(item, clock()))
        elif isinstance(action, Read) and stream is not None:
            await stream.read(action.timeout, tick)
        elif isinstance(action, Sleep):
            await async_sleep(action.seconds)
