"""The wait loop, once without and once with ``await``: the ``Waiter`` decides, the stream
driver and the caller's ``fetch`` do the I/O."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ._hub import EventHub
from ._streams import AsyncEventStream, SyncEventStream
from ._waiter import Done, Expired, Fetch, ProgressEvent, Read, Sleep, Waiter
from .errors import RunTimeout

__all__ = ["wait_async", "wait_sync"]

ProgressFn = Callable[[ProgressEvent], None]


def wait_sync(
    waiter: Waiter,
    stream: SyncEventStream | None,
    fetch: Callable[[int], dict[str, Any]],
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[int, dict[str, Any]]:
    """Wait until every item of ``waiter`` is finished; their final queue items by id."""
    owns = stream is not None and stream.acquire()
    try:
        while True:
            generation = stream.ensure(clock()) if owns and stream is not None else None
            if generation is not None and stream is not None:
                _take(waiter, stream.state.hub, progress)
            resets = stream.state.hub.resets if stream is not None else 0
            action = waiter.step(clock(), generation, resets)
            if isinstance(action, Done):
                return waiter.finals()
            if isinstance(action, Expired):
                raise RunTimeout(action.item_id, waiter.timeout or 0.0, action.last_status)
            if isinstance(action, Fetch):
                _emit(progress, waiter.on_item(fetch(action.item_id), clock()))
            elif isinstance(action, Read) and stream is not None:
                stream.read(action.timeout)
            elif isinstance(action, Sleep):
                sleep(action.seconds)
    finally:
        if owns and stream is not None:
            stream.release()


async def wait_async(
    waiter: Waiter,
    stream: AsyncEventStream | None,
    fetch: Callable[[int], Awaitable[dict[str, Any]]],
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> dict[int, dict[str, Any]]:
    owns = stream is not None and stream.acquire()
    try:
        while True:
            generation = await stream.ensure(clock()) if owns and stream is not None else None
            tick = stream.tick if stream is not None else 0
            if generation is not None and stream is not None:
                _take(waiter, stream.state.hub, progress)
            resets = stream.state.hub.resets if stream is not None else 0
            action = waiter.step(clock(), generation, resets)
            if isinstance(action, Done):
                return waiter.finals()
            if isinstance(action, Expired):
                raise RunTimeout(action.item_id, waiter.timeout or 0.0, action.last_status)
            if isinstance(action, Fetch):
                _emit(progress, waiter.on_item(await fetch(action.item_id), clock()))
            elif isinstance(action, Read) and stream is not None:
                await stream.read(action.timeout, tick)
            elif isinstance(action, Sleep):
                await asyncio.sleep(action.seconds)
    finally:
        if owns and stream is not None:
            stream.release()


def _take(waiter: Waiter, hub: EventHub, progress: ProgressFn | None) -> None:
    pending = waiter.unfinished
    waiter.on_lost(hub.take_lost(pending))
    _emit(progress, waiter.on_events(hub.take(pending)))


def _emit(progress: ProgressFn | None, events: list[ProgressEvent]) -> None:
    if progress is not None:
        for event in events:
            progress(event)
