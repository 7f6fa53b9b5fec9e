"""Calling one thing on each server at once, in both flavours (hand-written twins, as in
``runtime/concurrency.py``: ``scripts/unasync.py`` renames ``async_each`` -> ``each`` and
``AsyncThunk`` -> ``Thunk``, ``AsyncStarted`` -> ``Started``). A server that hangs then delays
the others by at most the request's own timeout, not by one timeout per server; a call the
caller must not wait for at all (an enqueue, which may take several timeouts) is ``Started``
on its own and looked at each round.

Each call's answer or exception comes back in its place: the caller decides what a failure
means for that server."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar, Union

__all__ = ["AsyncStarted", "AsyncThunk", "Started", "Thunk", "async_each", "each"]

T = TypeVar("T")
AsyncThunk = Callable[[], Awaitable[T]]
Thunk = Callable[[], T]


async def async_each(calls: Sequence[AsyncThunk[T]]) -> list[Union[T, Exception]]:
    if not calls:
        return []
    if len(calls) == 1:  # no task for the common case of one server with work
        return [await _caught_async(calls[0])]
    return list(await asyncio.gather(*(_caught_async(c) for c in calls)))


async def _caught_async(call: AsyncThunk[T]) -> Union[T, Exception]:
    try:
        return await call()
    except Exception as exc:  # handed back to the caller, which names the server
        return exc


class AsyncStarted(Generic[T]):
    """One call running on its own (a task); its answer or exception once ``done``."""

    def __init__(self, call: AsyncThunk[T]) -> None:
        self._task = asyncio.ensure_future(_caught_async(call))

    def done(self) -> bool:
        return self._task.done()

    def result(self) -> Union[T, Exception]:
        return self._task.result()

    def stop(self) -> None:
        self._task.cancel()


class Started(Generic[T]):
    """One call running on its own (a thread); its answer or exception once ``done``."""

    def __init__(self, call: Thunk[T]) -> None:
        self._future: concurrent.futures.Future[Union[T, Exception]] = concurrent.futures.Future()
        thread = threading.Thread(target=self._run, args=(call,), name="ivk-pool", daemon=True)
        thread.start()

    def _run(self, call: Thunk[T]) -> None:
        self._future.set_result(_caught(call))

    def done(self) -> bool:
        return self._future.done()

    def result(self) -> Union[T, Exception]:
        return self._future.result()

    def stop(self) -> None:
        """A thread cannot be stopped: it ends with its own requests' timeouts."""


def each(calls: Sequence[Thunk[T]]) -> list[Union[T, Exception]]:
    if not calls:
        return []
    if len(calls) == 1:
        return [_caught(calls[0])]
    with concurrent.futures.ThreadPoolExecutor(len(calls), thread_name_prefix="ivk-pool") as ex:
        futures = [ex.submit(_caught, c) for c in calls]
        return [f.result() for f in futures]


def _caught(call: Thunk[T]) -> Union[T, Exception]:
    try:
        return call()
    except Exception as exc:
        return exc
