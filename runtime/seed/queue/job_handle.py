"""``JobHandle``: one queue item, as invokeai-py-client's ``queue.job_handle``. Waiting is the
core client's ``wait`` (the server's events), not a refresh every ``poll_interval``."""

from __future__ import annotations

from typing import Any, Optional

from ...client.queue_sync import Job
from ...client.results import RunResult
from ...errors import RunCanceled, RunFailed, RunTimeout
from ..exceptions import translated
from .core import core_queue
from .queue_models import TERMINAL, QueueItem, QueueItemStatus

__all__ = ["JobHandle"]


class JobHandle:
    """A handle on one job (queue item); make it with ``JobHandle.from_client_ids(client,
    queue_id, item_id)`` or from a QueueHandle."""

    def __init__(
        self, client: Any = None, queue_id: Optional[str] = None, item_id: Optional[int] = None
    ) -> None:
        self.m_client: Any = client
        self.m_queue_id: Optional[str] = queue_id
        self.m_item_id: Optional[int] = item_id
        self.m_item: Optional[QueueItem] = None

    @classmethod
    def from_client_ids(cls, client: Any, queue_id: str, item_id: int) -> JobHandle:
        return cls(client, queue_id, item_id)

    @property
    def queue_id(self) -> str:
        if self.m_queue_id is None:
            raise RuntimeError("JobHandle not initialized")
        return self.m_queue_id

    @property
    def item_id(self) -> int:
        if self.m_item_id is None:
            raise RuntimeError("JobHandle not initialized")
        return self.m_item_id

    @property
    def item(self) -> Optional[QueueItem]:
        """The item as last fetched (None before any fetch)."""
        return self.m_item

    def set_item(self, item: QueueItem) -> None:
        self.m_item = item

    def refresh(self) -> QueueItem:
        """Fetch the item again (ResourceNotFoundError / QueueItemNotFound once it is gone)."""
        with translated():
            self.m_item = QueueItem.from_core(self._job().info())
        return self.m_item

    def status(self) -> QueueItemStatus:
        """The status as last fetched (fetched first when nothing is yet)."""
        item = self.m_item if self.m_item is not None else self.refresh()
        return item.status

    def is_pending(self) -> bool:
        return self.status() == QueueItemStatus.PENDING

    def is_running(self) -> bool:
        return self.status() == QueueItemStatus.IN_PROGRESS

    def is_complete(self) -> bool:
        return self.status() in TERMINAL

    def is_successful(self) -> bool:
        return self.status() == QueueItemStatus.COMPLETED

    def is_failed(self) -> bool:
        return self.status() == QueueItemStatus.FAILED

    def is_canceled(self) -> bool:
        return self.status() == QueueItemStatus.CANCELED

    def cancel(self) -> bool:
        """Cancel the job: True once the server took the cancel (a finished job keeps its
        status); raises ResourceNotFoundError / QueueItemNotFound for a job the queue lacks."""
        with translated():
            self.m_item = QueueItem.from_core(self._job().cancel())
        return True

    def wait_for_completion(self, timeout: float = 300.0, poll_interval: float = 1.0) -> QueueItem:
        """The item once completed, failed or canceled (its ``error_type``/``error_message``
        say why it failed); after ``timeout`` seconds, the item as it is then. Waits on the
        server's events (``poll_interval`` is accepted for 1.1.1's signature)."""
        try:
            with translated():
                result = self._job().wait(timeout=timeout)
        except (RunFailed, RunCanceled) as ended:  # a finished job: its item, with the reason
            if not isinstance(ended.result, RunResult):
                return self.refresh()
            result = ended.result
        except RunTimeout:
            return self.refresh()
        with translated():
            self.m_item = QueueItem.from_api(result.queue_item)
        return self.m_item

    def _client(self) -> Any:
        if self.m_client is None:
            raise RuntimeError("JobHandle not initialized")
        return self.m_client

    def _job(self) -> Job:
        return core_queue(self._client()).on_queue(self.queue_id).job(self.item_id)

    def __repr__(self) -> str:
        return f"JobHandle(queue_id={self.m_queue_id!r}, item_id={self.m_item_id!r})"
