"""``QueueRepository``: where the queues are found (``client.queue_repo``), as
invokeai-py-client's ``queue.queue_repo``; also what ``client.list_jobs``/``get_job``/
``cancel_job`` use."""

from __future__ import annotations

from typing import Any, Optional

from ..exceptions import translated
from ..models import IvkJob, JobStatus
from .core import core_queue
from .queue_handle import QueueHandle

__all__ = ["QueueRepository"]


class QueueRepository:
    """``QueueRepository(client)`` or ``QueueRepository.from_client(client)``."""

    def __init__(self, client: Any = None) -> None:
        self.m_client: Any = client

    @classmethod
    def from_client(cls, client: Any) -> QueueRepository:
        return cls(client)

    def list_queues(self) -> list[str]:
        """The queue ids: InvokeAI has no listing, and always has "default"."""
        with translated():
            return core_queue(self._client()).list_queues()

    def get_queue(self, queue_id: str = "default") -> QueueHandle:
        return QueueHandle.from_client_and_id(self._client(), queue_id)

    # --- jobs (the client's list_jobs, get_job, cancel_job) ---

    def list_jobs(self, status: Optional[str] = None, limit: int = 100) -> list[IvkJob]:
        """The default queue's items as jobs, newest first; ``status`` in the job's names
        ("pending", "running", "completed", "failed", "cancelled") or the queue's."""
        statuses = _queue_statuses(status)
        with translated():
            items = core_queue(self._client()).items(statuses, limit=max(0, limit))
        return [IvkJob.from_queue_item(i) for i in items]

    def get_job(self, job_id: str) -> IvkJob:
        """One job; ValueError (also ResourceNotFoundError) when the queue has no such item."""
        with translated(ValueError):
            return IvkJob.from_queue_item(core_queue(self._client()).get(_item_id(job_id)))

    def cancel_job(self, job_id: str) -> bool:
        """True once the job is canceled; ValueError when it cannot be (no such job, or it
        finished already: the reason says which)."""
        area = core_queue(self._client())
        with translated(ValueError):
            item = area.cancel(_item_id(job_id))
        if item.status != "canceled":
            raise ValueError(f"job {job_id} cannot be cancelled: it is {item.status} already")
        return True

    def _client(self) -> Any:
        if self.m_client is None:
            raise RuntimeError("QueueRepository not initialized")
        return self.m_client

    def __repr__(self) -> str:
        return f"QueueRepository(client={self.m_client!r})"


def _item_id(job_id: str | int) -> int:
    try:
        return int(job_id)
    except (TypeError, ValueError):
        raise ValueError(f"Job not found: {job_id!r} (a job id is a queue item id)") from None


def _queue_statuses(status: Optional[str]) -> tuple[str, ...] | None:
    if status is None:
        return None
    try:
        return JobStatus(status).queue_statuses()
    except ValueError:
        pass
    if status in ("canceled", "in_progress", "waiting"):
        return (status,)
    names = ", ".join(s.value for s in JobStatus)
    raise ValueError(f"unknown job status {status!r} (known: {names})")
