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
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import RunTimeout
from ...events import ProgressEvent
from .._dispatch import acall, is_async_client
from .results import TERMINAL_STATUSES, QueueItem
from .run_wait import await_item, wait_item

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
_log = logging.getLogger(__name__)
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
        self.callback_errors: list[BaseException] = []  # raised by callbacks, not yet reported
        self._pending: set[asyncio.Future[Any]] = set()  # async callbacks still running
        self.task: asyncio.Task[QueueItem] = self._loop.create_task(self._run())
        self.task.add_done_callback(self._ended)

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
            self._call(callback, data)
        if self.sink is not None and event.kind != "status":
            self.sink(data)  # the final status goes last, once the item is known (_run)

    def _call(self, callback: EventCallback, data: dict[str, Any]) -> None:
        """A callback's error stops neither the watch nor the loop: it is kept, and the next
        wait raises it (``raise_errors``)."""
        try:
            outcome = callback(data)
        except Exception as exc:
            self.callback_errors.append(exc)
            return
        if inspect.isawaitable(outcome):  # an async callback is run, not dropped
            future = asyncio.ensure_future(outcome)
            self._pending.add(future)
            future.add_done_callback(self._callback_done)

    def _callback_done(self, future: asyncio.Future[Any]) -> None:
        self._pending.discard(future)
        if not future.cancelled() and future.exception() is not None:
            self.callback_errors.append(future.exception())  # type: ignore[arg-type]

    def _ended(self, task: asyncio.Task[QueueItem]) -> None:
        """Looks at the watch's end, so a run submitted and never waited for still says why
        its watch failed (the next wait raises it too)."""
        if not task.cancelled() and task.exception() is not None:
            _log.warning("watching queue item %s failed: %s", self.item_id, task.exception())

    async def settle(self, timeout: float | None = None) -> None:
        """Let the async callbacks still running finish, then ``raise_errors``."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout)
        self.raise_errors()

    def raise_errors(self) -> None:
        """Raise the first error a callback raised (once); the others are logged."""
        if not self.callback_errors:
            return
        first, *others = self.callback_errors
        self.callback_errors = []
        for other in others:
            _log.warning("an event callback of queue item %s also raised: %r", self.item_id, other)
        raise first

    def _from_thread(self, event: ProgressEvent) -> None:
        self._loop.call_soon_threadsafe(self._dispatch, event)

    async def _run(self) -> QueueItem:
        """The item once it ended; the wait's error (a lost connection...) ends the task, and
        whoever reads the events (``next_event``) raises it."""
        try:
            if is_async_client(self.client):
                result = await await_item(self.client, self.item_id, progress=self._dispatch)
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

    def _wait_blocking(self) -> Any:
        while not self._stop.is_set():
            try:
                return wait_item(self.client, self.item_id, timeout=_CHUNK, progress=self._from_thread)
            except RunTimeout:
                continue
        return self.client.get_queue_item(self.item_id)

    async def next_event(self, events: asyncio.Queue[dict[str, Any]]) -> dict[str, Any]:
        """The next event of the sink ``events``, waiting on the queue and the watch together:
        a watch that ended without its final event raises its error here, never hangs."""
        while True:
            if not events.empty():
                return events.get_nowait()
            if self.task.done():
                self.task.result()  # its error, or CancelledError when stopped
                raise RuntimeError(f"the watch of queue item {self.item_id} ended without its final event")
            getter = asyncio.ensure_future(events.get())
            try:
                await asyncio.wait({getter, self.task}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not getter.done():
                    getter.cancel()
            if getter.done() and not getter.cancelled():
                return getter.result()

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
