"""Calling one thing on each server at once, in both flavours (hand-written twins, as in
``runtime/concurrency.py``: ``scripts/unasync.py`` renames ``async_each`` -> ``each`` and
``AsyncThunk`` -> ``Thunk``). A server that hangs then delays the others by at most the
request's own timeout, not by one timeout per server.

Each call's answer or exception comes back in its place: the caller decides what a failure
means for that server."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar, Union

__all__ = ["AsyncThunk", "Thunk", "async_each", "each"]

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
