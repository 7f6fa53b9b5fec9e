"""invokeai-py-client's queue models (``queue.queue_models``), built from the core's typed
answers. Unknown keys of the server's JSON go to ``extra``, as 1.1.1 kept them."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Optional

from pydantic import BaseModel, Field

from ...api.queue_types import ProcessorStatus as CoreProcessor
from ...api.queue_types import TERMINAL_STATUSES, QueueItemInfo
from ...api.queue_types import QueueStatus as CoreStatus

__all__ = [
    "CancelAllExceptCurrentResult",
    "ClearResult",
    "ImageFieldRef",
    "NodeFieldValue",
    "ProcessorStatus",
    "PruneResult",
    "QueueAndProcessorStatus",
    "QueueItem",
    "QueueItemStatus",
    "QueueStatus",
]


class ProcessorStatus(BaseModel):
    is_started: bool = Field(..., description="Whether the session processor is started")
    is_processing: bool = Field(..., description="Whether a session is being processed")
    extra: dict[str, Any] = Field(default_factory=dict, description="Unknown fields")

    @classmethod
    def from_core(cls, status: CoreProcessor, raw: dict[str, Any] | None = None) -> ProcessorStatus:
        known = {"is_started", "is_processing"}
        extra = {k: v for k, v in (raw or {}).items() if k not in known}
        return cls(is_started=status.is_started, is_processing=status.is_processing, extra=extra)


_STATUS_KEYS = (
    "queue_id", "item_id", "batch_id", "session_id",
    "pending", "in_progress", "completed", "failed", "canceled", "total",
)  # fmt: skip


class QueueStatus(BaseModel):
    """A queue's counts; newer counts (``waiting``, 6.14) are in ``extra``, as in 1.1.1."""

    queue_id: str
    item_id: Optional[int] = None
    batch_id: Optional[str] = None
    session_id: Optional[str] = None
    pending: int
    in_progress: int
    completed: int
    failed: int
    canceled: int
    total: int
    extra: dict[str, Any] = Field(default_factory=dict, description="Unknown fields")


class QueueAndProcessorStatus(BaseModel):
    queue: QueueStatus
    processor: ProcessorStatus
    extra: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_core(cls, status: CoreStatus) -> QueueAndProcessorStatus:
        raw = dict(status.raw)
        queue_raw = raw.get("queue") if isinstance(raw.get("queue"), dict) else {}
        c = status.counts
        queue = QueueStatus(
            queue_id=status.queue_id, item_id=status.item_id, batch_id=status.batch_id,
            session_id=status.session_id, pending=c.pending, in_progress=c.in_progress,
            completed=c.completed, failed=c.failed, canceled=c.canceled, total=c.total,
            extra={k: v for k, v in (queue_raw or {}).items() if k not in _STATUS_KEYS},
        )  # fmt: skip
        processor_raw = raw.get("processor") if isinstance(raw.get("processor"), dict) else {}
        return cls(
            queue=queue,
            processor=ProcessorStatus.from_core(status.processor, processor_raw),
            extra={k: v for k, v in raw.items() if k not in ("queue", "processor")},
        )


class ImageFieldRef(BaseModel):
    image_name: str
    extra: dict[str, Any] = Field(default_factory=dict)


class QueueItemStatus(str, Enum):
    """1.1.1's statuses, and WAITING (InvokeAI 6.14: an item waiting on a workflow it called)."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELED = "canceled"
    WAITING = "waiting"


TERMINAL = frozenset(QueueItemStatus(s) for s in TERMINAL_STATUSES)  # the core's, as members


class NodeFieldValue(BaseModel):
    node_path: str
    field_name: str
    value: str | int | float | ImageFieldRef
    extra: dict[str, Any] = Field(default_factory=dict)


ITEM_KEYS = frozenset({
    "item_id", "status", "priority", "batch_id", "queue_id", "origin", "destination",
    "session_id", "error_type", "error_message", "error_traceback", "created_at", "updated_at",
    "started_at", "completed_at", "field_values", "published_workflow_id", "credits",
    "session", "workflow",
})  # fmt: skip


class QueueItem(BaseModel):
    """A queue item (SessionQueueItem); ``error_type``/``error_message`` say why one failed."""

    item_id: int
    status: QueueItemStatus
    priority: int = 0
    batch_id: str
    queue_id: str
    origin: Optional[str] = None
    destination: Optional[str] = None
    session_id: str

    error_type: Optional[str] = None
    error_message: Optional[str] = None
    error_traceback: Optional[str] = None

    created_at: datetime
    updated_at: datetime
    started_at: Optional[datetime] = None
    completed_at: Optional[datetime] = None

    field_values: Optional[list[NodeFieldValue]] = None
    published_workflow_id: Optional[str] = None
    credits: Optional[float] = None

    session: Optional[dict[str, Any]] = None
    workflow: Optional[dict[str, Any]] = None

    extra: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> QueueItem:
        """From the server's JSON: known keys parsed, the others kept in ``extra``."""
        extra = {k: v for k, v in data.items() if k not in ITEM_KEYS}
        return cls(**{k: v for k, v in data.items() if k in ITEM_KEYS}, extra=extra)

    @classmethod
    def from_core(cls, info: QueueItemInfo) -> QueueItem:
        return cls.from_api(dict(info.raw))


class CancelAllExceptCurrentResult(BaseModel):
    canceled: int
    extra: dict[str, Any] = Field(default_factory=dict)


class ClearResult(BaseModel):
    deleted: int
    extra: dict[str, Any] = Field(default_factory=dict)


class PruneResult(BaseModel):
    deleted: int
    extra: dict[str, Any] = Field(default_factory=dict)
