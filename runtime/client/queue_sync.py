# Generated from queue_async.py by scripts/unasync.py: edit that file, then run the script.
"""The server's queue as typed API: ``client.queue`` (requests and answers live in
``api.queue`` and ``api.queue_types``; this area sends them through the client's connection).

Waiting (``job.wait()``, ``wait_idle()``) is the client's own ``wait``: InvokeAI's events,
with the queue item fetched only where they leave a doubt; nothing polls on a fixed beat.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Protocol

from ..api import queue, queue_listing
from ..api.connection_sync import Connection
from ..api.queue_types import (
    BatchStatus,
    ProcessorStatus,
    QueueItemInfo,
    QueueStatus,
    parse_batch_status,
    parse_item,
    parse_processor,
    parse_queue_status,
)
from ..errors import HTTPStatusError, QueuePaused, RunCanceled, RunFailed, RunTimeout
from ..events import ProgressEvent
from .results import RunResult

__all__ = ["Job", "Queue", "WaitFn"]

Progress = Callable[[ProgressEvent], None]
UNFINISHED = ("pending", "in_progress", "waiting")


class WaitFn(Protocol):
    """The client's ``wait`` (for several items): their results, or RunFailed and friends."""

    def __call__(
        self, item_ids: Sequence[int], *, timeout: float | None = None, progress: Progress | None = None
    ) -> list[RunResult]: ...


class Queue:
    """One queue of the server (InvokeAI has one, "default"): its status and items, cancel,
    clear and prune, and a handle per item that waits for it (``job``)."""

    def __init__(
        self, conn: Connection, queue_id: str = "default", wait: WaitFn | None = None
    ) -> None:
        self._conn = conn
        self.queue_id = queue_id
        self._wait = wait

    # --- reading ---

    def list_queues(self) -> list[str]:
        """The queue ids known: the server has no listing; "default" always exists."""
        return sorted({"default", self.queue_id})

    def status(self) -> QueueStatus:
        return parse_queue_status(self._conn.json(queue.status_call(self.queue_id)))

    def batch_status(self, batch_id: str) -> BatchStatus:
        call = queue.batch_status_call(self.queue_id, batch_id)
        return parse_batch_status(self._conn.json(call))

    def items(
        self,
        status: str | Sequence[str] | None = None,
        *,
        destination: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[QueueItemInfo]:
        """A page of items (``limit`` None: all), newest first unless ``newest_first=False``;
        ``status``: one status or several ("pending", "in_progress", "completed", ...)."""
        wanted = status if status is None or isinstance(status, str) else tuple(status)
        steps = queue_listing.list_items(
            self.queue_id, status=wanted, destination=destination, limit=limit,
            offset=offset, newest_first=newest_first,
        )  # fmt: skip
        return self._conn.drive(steps)

    def get(self, item_id: int) -> QueueItemInfo:
        """The item, whole (raises QueueItemNotFound for an id the queue does not have)."""
        try:
            data = self._conn.json(queue.queue_item_call(self.queue_id, item_id))
        except HTTPStatusError as exc:
            raise queue.item_missing(exc, self.queue_id, item_id) from exc
        return parse_item(data)

    def current(self) -> QueueItemInfo | None:
        """The item running now, or None when the queue is idle."""
        data = self._conn.json(queue.current_call(self.queue_id))
        return parse_item(data) if isinstance(data, dict) else None

    def upcoming(self) -> QueueItemInfo | None:
        """The item that runs next, or None."""
        data = self._conn.json(queue.current_call(self.queue_id, upcoming=True))
        return parse_item(data) if isinstance(data, dict) else None

    def get_many(self, item_ids: Sequence[int]) -> list[QueueItemInfo]:
        """The items, whole, in the order asked for (ids the queue lacks are left out)."""
        steps = queue_listing.items_by_ids(self.queue_id, [int(i) for i in item_ids])
        return self._conn.drive(steps)

    def on_queue(self, queue_id: str) -> Queue:
        """This area for another queue id of the same server (waiting needs the client's own
        queue: the client's events are of that queue)."""
        if queue_id == self.queue_id:
            return self
        return Queue(self._conn, queue_id)

    def job(self, item_id: int) -> Job:
        """A handle on one item (nothing is asked of the server until it is used)."""
        return Job(self, int(item_id))

    # --- acting ---

    def cancel(self, item_id: int) -> QueueItemInfo:
        """Cancel one item; the item as the server left it (a finished one stays as it was)."""
        try:
            data = self._conn.json(queue.cancel_call(self.queue_id, item_id))
        except HTTPStatusError as exc:
            raise queue.item_missing(exc, self.queue_id, item_id) from exc
        return parse_item(data)

    def delete(self, item_id: int) -> None:
        """Remove one item from the queue (canceling it first if it runs)."""
        try:
            self._conn.json(queue.delete_item_call(self.queue_id, item_id))
        except HTTPStatusError as exc:
            raise queue.item_missing(exc, self.queue_id, item_id) from exc

    def cancel_batches(self, batch_ids: Sequence[str]) -> int:
        """Cancel every unfinished item of these batches; how many were canceled."""
        call = queue.cancel_batches_call(self.queue_id, list(batch_ids))
        return queue.parse_count("cancel_by_batch_ids", self._conn.json(call))

    def cancel_all_except_current(self) -> int:
        return self._action("cancel_all_except_current")

    def cancel_by_destination(self, destination: str) -> int:
        return self._action("cancel_by_destination", destination)

    def delete_all_except_current(self) -> int:
        return self._action("delete_all_except_current")

    def clear(self) -> int:
        """Delete every item, canceling the one running; how many were deleted."""
        return self._action("clear")

    def prune(self) -> int:
        """Delete the finished items (completed, failed, canceled); how many were deleted."""
        return self._action("prune")

    def retry(self, item_ids: Sequence[int]) -> dict[int, int]:
        """Enqueue failed or canceled items again: ``{old id: new id}`` of those the server
        retried (a completed or pending item is not retried: no key). ``RetryCopiesMissing``
        names a retried item whose copy is not on the queue."""
        return self._conn.drive(queue_listing.retry_items(self.queue_id, list(item_ids)))

    def pause(self) -> ProcessorStatus:
        """Stop starting items (the one running finishes): pending items stay pending."""
        return parse_processor(self._conn.json(queue.processor_call(self.queue_id, run=False)))

    def resume(self) -> ProcessorStatus:
        return parse_processor(self._conn.json(queue.processor_call(self.queue_id, run=True)))

    def _action(self, action: str, destination: str | None = None) -> int:
        call = queue.action_call(self.queue_id, action, destination=destination)
        return queue.parse_count(action, self._conn.json(call))

    # --- waiting ---

    def wait_idle(self, timeout: float | None = None) -> QueueStatus:
        """Wait until nothing runs or waits to run (on the items' events); the idle status.
        Raises RunTimeout (naming an unfinished item) after ``timeout`` seconds, and
        QueuePaused at once (or as soon as seen) when the processor is paused with items
        pending."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            status = self.status()
            if not status.busy:
                return status
            if not status.processor.is_started and status.counts.pending:
                raise QueuePaused(self.queue_id, status.counts.pending)  # they would never start
            ids = [i.item_id for i in self.items(UNFINISHED, limit=None, newest_first=False)]
            if not ids and status.item_id is not None:
                ids = [status.item_id]
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise RunTimeout(ids[0] if ids else None, timeout or 0.0, "in_progress")
            if ids:  # failures are the items' own business: idle is all that is waited for
                try:
                    self._waiter()(ids, timeout=left)
                except (RunFailed, RunCanceled):
                    pass

    def _waiter(self) -> WaitFn:
        if self._wait is None:
            raise RuntimeError("this queue was made without a client to wait with: use client.queue")
        return self._wait


class Job:
    """One queue item: read it, cancel it, wait for it (on events)."""

    def __init__(self, owner: Queue, item_id: int) -> None:
        self.queue = owner
        self.item_id = item_id

    @property
    def queue_id(self) -> str:
        return self.queue.queue_id

    def info(self) -> QueueItemInfo:
        """The item as it is now (raises QueueItemNotFound once it is deleted)."""
        return self.queue.get(self.item_id)

    def status(self) -> str:
        return (self.info()).status

    def cancel(self) -> QueueItemInfo:
        return self.queue.cancel(self.item_id)

    def wait(self, *, timeout: float | None = None, progress: Progress | None = None) -> RunResult:
        """Its result once finished; RunFailed (with the server's reason), RunCanceled or
        RunTimeout as ``client.wait`` raises them (each carries the result where there is one)."""
        return (self.queue._waiter()([self.item_id], timeout=timeout, progress=progress))[0]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(queue_id={self.queue_id!r}, item_id={self.item_id})"
