"""A submitted run watched in the background: the seed's socket event callbacks
(``on_invocation_started`` ...) and ``submit_sync_monitor_async``'s event stream, fed from the
core's wait (its ``progress`` events), not from a socket of their own.

The seed registered handlers on a socket.io client after enqueueing, so a short run could end
before anyone listened. Here the client listens before the enqueue (``listen``), and the
monitor's wait reads every event of the item from there on.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import RunCanceled, RunFailed, RunTimeout
from ...events import ProgressEvent
from .._dispatch import acall, is_async_client
from .results import TERMINAL_STATUSES, QueueItem

__all__ = ["Callbacks", "EventCallback", "Monitor", "event_dict", "listen"]

EventCallback = Callable[[dict[str, Any]], Any]

# The core's progress kinds, by the socket event the seed's callbacks were named for.
EVENT_NAMES = {
    "started": "invocation_started",
    "progress": "invocation_progress",
    "complete": "invocation_complete",
    "error": "invocation_error",
    "status": "queue_item_status_changed",
}
_CHUNK = 2.0  # a synchronous client's wait runs in a thread, in slices, so it can be stopped


@dataclass(frozen=True)
class Callbacks:
    started: EventCallback | None = None
    progress: EventCallback | None = None
    complete: EventCallback | None = None
    error: EventCallback | None = None

    def any(self) -> bool:
        return any((self.started, self.progress, self.complete, self.error))

    def for_kind(self, kind: str) -> EventCallback | None:
        found: EventCallback | None = getattr(self, kind, None) if kind != "status" else None
        return found


def event_dict(event: ProgressEvent) -> dict[str, Any]:
    """The server's event payload, as the seed handed it on, with the keys its docs promise:
    ``event_type``, ``node_id`` (the workflow's node), ``node_type``, ``progress`` (0..1),
    ``message``, ``outputs`` (a completed node's result), ``error``."""
    data = dict(event.data)
    data.setdefault("event_type", EVENT_NAMES.get(event.kind, event.kind))
    data.setdefault("item_id", event.item_id)
    data.setdefault("node_id", event.node_id)
    data.setdefault("node_type", event.node_type)
    if event.kind == "status":
        data["status"] = event.status
    if event.kind == "progress":
        data.setdefault("progress", event.percentage)
    if event.message is not None:
        data.setdefault("message", event.message)
    if event.kind == "complete":
        data.setdefault("outputs", data.get("result"))
    if event.kind == "error":
        reason = ": ".join(str(p) for p in (data.get("error_type"), data.get("error_message")) if p)
        data.setdefault("error", reason or None)
    return data


async def listen(client: Any) -> None:
    """Subscribe the client's event stream before an enqueue, so no event of it is missed."""
    await acall(client, "_listen")


class Monitor:
    """One queue item watched by a task of the running event loop; ``sink`` gets each event
    (as ``event_dict``), ``callbacks`` the invocation events, ``status`` each status change."""

    def __init__(
        self,
        client: Any,
        item_id: int,
        callbacks: Callbacks = Callbacks(),
        sink: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        self.client = client
        self.item_id = item_id
        self.callbacks = callbacks
        self.sink = sink
        self.status: Callable[[ProgressEvent], None] | None = None
        self._last_status: str | None = None
        self._failed_nodes: set[str | None] = set()  # whose invocation_error was handed on
        self._stop = threading.Event()
        self._loop = asyncio.get_running_loop()
        self.task: asyncio.Task[QueueItem] = self._loop.create_task(self._run())

    @property
    def last_status(self) -> str | None:
        return self._last_status

    def _dispatch(self, event: ProgressEvent) -> None:
        """On the event loop's thread, whichever thread the wait runs in."""
        if event.kind == "status":
            if event.status == self._last_status:
                return  # a re-check of the item repeats the status it had
            self._last_status = event.status
            if self.status is not None:
                self.status(event)
        data = event_dict(event)
        if event.kind == "error":
            self._failed_nodes.add(event.node_id)
        callback = self.callbacks.for_kind(event.kind)
        if callback is not None:
            outcome = callback(data)
            if inspect.isawaitable(outcome):  # an async callback is run, not dropped
                asyncio.ensure_future(outcome)
        if self.sink is not None and event.kind != "status":
            self.sink(data)  # the final status goes last, once the item is known (_run)

    def _from_thread(self, event: ProgressEvent) -> None:
        self._loop.call_soon_threadsafe(self._dispatch, event)

    async def _run(self) -> QueueItem:
        try:
            if is_async_client(self.client):
                result = await self._wait_async()
            else:
                result = await asyncio.to_thread(self._wait_blocking)
        finally:
            self._stop.set()  # a canceled task stops its thread at the next slice
        item = QueueItem.of(result)
        # InvokeAI fails the item before it sends invocation_error, so the wait is over by
        # then: the failed nodes are in the item's session, and reported from there.
        for event in node_errors(item):
            if event.node_id not in self._failed_nodes:
                self._dispatch(event)
        if item.status in TERMINAL_STATUSES and item.status != self._last_status:
            self._dispatch(ProgressEvent(self.item_id, "status", item.status, data=dict(item)))
        if self.sink is not None:
            final = {k: v for k, v in item.items() if k != "session"}  # the event's size
            self.sink(event_dict(ProgressEvent(self.item_id, "status", item.status, data=final)))
        return item

    async def _wait_async(self) -> Any:
        try:
            return await self.client.wait(self.item_id, progress=self._dispatch)
        except (RunFailed, RunCanceled) as exc:
            return exc.result if exc.result is not None else await self.client.get_queue_item(self.item_id)

    def _wait_blocking(self) -> Any:
        while not self._stop.is_set():
            try:
                return self.client.wait(self.item_id, timeout=_CHUNK, progress=self._from_thread)
            except RunTimeout:
                continue
            except (RunFailed, RunCanceled) as exc:
                return exc.result if exc.result is not None else self.client.get_queue_item(self.item_id)
        return self.client.get_queue_item(self.item_id)

    def stop(self) -> None:
        self._stop.set()
        self.task.cancel()


def node_errors(item: QueueItem) -> list[ProgressEvent]:
    """An ``error`` event for each node the item's session says failed."""
    session = item.get("session") or {}
    errors = session.get("errors") or {}
    sources = session.get("prepared_source_mapping") or {}
    nodes = (session.get("execution_graph") or {}).get("nodes") or {}
    out: list[ProgressEvent] = []
    for prepared, text in errors.items():
        invocation = nodes.get(prepared) or {}
        source = sources.get(prepared, prepared)
        data = {
            k: item.get(k) for k in ("item_id", "queue_id", "batch_id", "session_id", "origin", "destination")
        }
        data.update(
            invocation=invocation,
            invocation_source_id=source,
            error_type=item.error_type,
            error_message=item.error_message,
            error_traceback=item.error_traceback,
        )
        node_type = invocation.get("type")
        out.append(
            ProgressEvent(
                item.item_id or 0,
                "error",
                item.status,
                node_id=source,
                node_type=node_type if isinstance(node_type, str) else None,
                message=str(text),
                data=data,
            )
        )
    return out


def is_terminal(event: Mapping[str, Any]) -> bool:
    return event.get("event_type") == EVENT_NAMES["status"] and event.get("status") in TERMINAL_STATUSES
