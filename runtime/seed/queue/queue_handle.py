"""``QueueHandle``: one queue (by id), as invokeai-py-client's ``queue.queue_handle``.

Every call goes through the core's ``client.queue``; core errors arrive as this package's
``exceptions`` too (``translated``), with the server's reason. Waiting rides on the server's
events (no polling at ``poll_interval``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ...api.queue_types import QueueItemInfo, parse_item
from ...client.queue_sync import Queue
from ...errors import QueueItemNotFound, RunTimeout
from ..exceptions import translated
from .core import core_queue
from .queue_models import (
    CancelAllExceptCurrentResult,
    ClearResult,
    ProcessorStatus,
    PruneResult,
    QueueAndProcessorStatus,
    QueueItem,
    QueueItemStatus,
    QueueStatus,
)

if TYPE_CHECKING:
    from .job_handle import JobHandle

__all__ = ["QueueHandle"]


class QueueHandle:
    """A handle on one queue; make it with ``QueueHandle.from_client_and_id(client, queue_id)``
    (or ``client.queue_repo.get_queue()``)."""

    def __init__(self, client: Any = None, queue_id: Optional[str] = None) -> None:
        self.m_client: Any = client
        self.m_queue_id: Optional[str] = queue_id

    @classmethod
    def from_client_and_id(cls, client: Any, queue_id: str) -> QueueHandle:
        return cls(client, queue_id)

    @property
    def queue_id(self) -> str:
        if self.m_queue_id is None:
            raise RuntimeError("QueueHandle not initialized")
        return self.m_queue_id

    # --- status ---

    def get_status(self) -> QueueAndProcessorStatus:
        with translated():
            return QueueAndProcessorStatus.from_core(self._queue().status())

    def is_busy(self) -> bool:
        """Something runs, or waits to run (pending, in progress, or waiting)."""
        with translated():
            return self._queue().status().busy

    def count_running(self) -> int:
        return self.get_status().queue.in_progress

    # --- listings ---

    def list_all(self, destination: str | None = None) -> list[QueueItem]:
        """Every item (oldest first, as the server lists them), optionally of one destination."""
        with translated():
            items = self._queue().items(destination=destination, limit=None, newest_first=False)
        return [QueueItem.from_core(i) for i in items]

    def list_running(self) -> list[QueueItem]:
        return self._listed(QueueItemStatus.IN_PROGRESS)

    def list_pending(self) -> list[QueueItem]:
        return self._listed(QueueItemStatus.PENDING)

    def _listed(self, status: QueueItemStatus) -> list[QueueItem]:
        with translated():  # only those items are fetched whole
            items = self._queue().items(status.value, limit=None, newest_first=False)
        return [QueueItem.from_core(i) for i in items]

    def get_current(self) -> Optional[JobHandle]:
        """The item running now as a JobHandle; None when the queue is idle."""
        with translated():
            info = self._queue().current()
        return None if info is None else self._job(info)

    def get_item(self, item_id: int) -> Optional[JobHandle]:
        """A JobHandle for the item, or None when the queue has no such item."""
        try:
            with translated():
                info = self._queue().get(item_id)
        except QueueItemNotFound:
            return None
        return self._job(info)

    def get_items_by_ids(self, item_ids: list[int]) -> list[JobHandle]:
        """JobHandles for the items that exist, in the order asked for."""
        if not item_ids:
            return []
        with translated():
            items = self._queue().get_many(item_ids)
        return [self._job(i) for i in items]

    # --- actions ---

    def cancel_all_except_current(self) -> CancelAllExceptCurrentResult:
        with translated():
            return CancelAllExceptCurrentResult(canceled=self._queue().cancel_all_except_current())

    def clear(self) -> ClearResult:
        """Delete every item, canceling the one running."""
        with translated():
            return ClearResult(deleted=self._queue().clear())

    def prune(self) -> PruneResult:
        """Delete the finished items (completed, failed, canceled)."""
        with translated():
            return PruneResult(deleted=self._queue().prune())

    # --- utilities ---

    def wait_until_idle(self, timeout: float = 300.0, poll_interval: float = 1.0) -> bool:
        """True once nothing runs or waits to run, False after ``timeout`` seconds. Waits on
        the items' events (``poll_interval`` is accepted for 1.1.1's signature). A paused
        queue with pending items raises ``QueuePaused`` at once: it cannot become idle."""
        try:
            with translated():
                self._queue().wait_idle(timeout=timeout)
        except RunTimeout:
            return False
        return True

    # --- helpers ---

    def _client(self) -> Any:
        if self.m_client is None:
            raise RuntimeError("QueueHandle not initialized")
        return self.m_client

    def _queue(self) -> Queue:
        return core_queue(self._client()).on_queue(self.queue_id)

    def _job(self, info: QueueItemInfo) -> JobHandle:
        from .job_handle import JobHandle

        handle = JobHandle.from_client_ids(self._client(), self.queue_id, info.item_id)
        handle.set_item(QueueItem.from_core(info))
        return handle

    @staticmethod
    def _parse_queue_status(data: dict[str, Any]) -> QueueStatus:
        from ...api.queue_types import parse_queue_status

        return QueueAndProcessorStatus.from_core(parse_queue_status({"queue": data})).queue

    @staticmethod
    def _parse_processor_status(data: dict[str, Any]) -> ProcessorStatus:
        from ...api.queue_types import parse_processor

        return ProcessorStatus.from_core(parse_processor(data), data)

    @staticmethod
    def _parse_queue_item(data: dict[str, Any]) -> QueueItem:
        return QueueItem.from_core(parse_item(data))

    def __repr__(self) -> str:
        return f"QueueHandle(queue_id={self.m_queue_id!r})"
