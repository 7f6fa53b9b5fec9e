"""The queue's answers, typed: its status, a batch's status, one queue item (pure parsing).

Every type keeps the server's JSON as ``raw``: fields a newer InvokeAI adds are not lost, and
``raw`` is what a caller that wants the server's own shape reads.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import UnexpectedAnswer

__all__ = [
    "TERMINAL_STATUSES",
    "BatchStatus",
    "ProcessorStatus",
    "QueueCounts",
    "QueueItemInfo",
    "QueueStatus",
    "parse_batch_status",
    "parse_item",
    "parse_processor",
    "parse_queue_status",
]

# pending -> in_progress -> completed | failed | canceled; "waiting" (6.14): on a called workflow
STATUSES = ("pending", "in_progress", "waiting", "completed", "failed", "canceled")
TERMINAL_STATUSES = frozenset({"completed", "failed", "canceled"})


def _int(data: Mapping[str, Any], key: str) -> int:
    value = data.get(key)
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _opt_int(value: Any) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _opt_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def timestamp(value: Any) -> datetime.datetime | None:
    """InvokeAI's timestamps ("2026-11-21 16:10:17.101", server local time, no zone)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class QueueCounts:
    """How many items of a queue (or a batch) are in each status."""

    pending: int = 0
    in_progress: int = 0
    waiting: int = 0
    completed: int = 0
    failed: int = 0
    canceled: int = 0
    total: int = 0

    @property
    def unfinished(self) -> int:
        return self.pending + self.in_progress + self.waiting


def _counts(data: Mapping[str, Any]) -> QueueCounts:
    return QueueCounts(
        pending=_int(data, "pending"),
        in_progress=_int(data, "in_progress"),
        waiting=_int(data, "waiting"),
        completed=_int(data, "completed"),
        failed=_int(data, "failed"),
        canceled=_int(data, "canceled"),
        total=_int(data, "total"),
    )


@dataclass(frozen=True)
class ProcessorStatus:
    """The server's session processor: started (not paused) and running a session now."""

    is_started: bool
    is_processing: bool


def parse_processor(data: Any) -> ProcessorStatus:
    d = data if isinstance(data, Mapping) else {}
    return ProcessorStatus(bool(d.get("is_started")), bool(d.get("is_processing")))


@dataclass(frozen=True)
class QueueStatus:
    """GET /queue/{id}/status: the counts, the item running now (if any), the processor."""

    queue_id: str
    counts: QueueCounts
    processor: ProcessorStatus
    item_id: int | None = None  # the item in progress
    batch_id: str | None = None
    session_id: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def busy(self) -> bool:
        """Something is running or waits to run."""
        return self.processor.is_processing or self.counts.unfinished > 0


def parse_queue_status(data: Any) -> QueueStatus:
    d = data if isinstance(data, Mapping) else {}
    found = d.get("queue")
    q: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    return QueueStatus(
        queue_id=str(q.get("queue_id", "default")),
        counts=_counts(q),
        processor=parse_processor(d.get("processor")),
        item_id=_opt_int(q.get("item_id")),
        batch_id=_opt_str(q.get("batch_id")),
        session_id=_opt_str(q.get("session_id")),
        raw=dict(d),
    )


@dataclass(frozen=True)
class BatchStatus:
    """GET /queue/{id}/b/{batch_id}/status."""

    queue_id: str
    batch_id: str
    counts: QueueCounts
    origin: str | None = None
    destination: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)


def parse_batch_status(data: Any) -> BatchStatus:
    d = data if isinstance(data, Mapping) else {}
    return BatchStatus(
        queue_id=str(d.get("queue_id", "default")),
        batch_id=str(d.get("batch_id", "")),
        counts=_counts(d),
        origin=_opt_str(d.get("origin")),
        destination=_opt_str(d.get("destination")),
        raw=dict(d),
    )


@dataclass(frozen=True)
class QueueItemInfo:
    """One queue item (SessionQueueItem). ``raw`` is the server's item, with its ``session``
    (graph and results) when the server sent it; a summary has none."""

    item_id: int
    status: str
    batch_id: str
    queue_id: str
    session_id: str | None
    priority: int
    origin: str | None
    destination: str | None
    error_type: str | None
    error_message: str | None
    error_traceback: str | None
    created_at: datetime.datetime | None
    updated_at: datetime.datetime | None
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    field_values: tuple[Mapping[str, Any], ...] = ()
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def error(self) -> str | None:
        """Why the item failed, in one line ("ZeroDivisionError: division by zero")."""
        parts = [p for p in (self.error_type, self.error_message) if p]
        return ": ".join(parts) if parts else None

    @property
    def session(self) -> Mapping[str, Any] | None:
        s = self.raw.get("session")
        return s if isinstance(s, Mapping) else None


def parse_item(data: Any, endpoint: str = "a queue item request") -> QueueItemInfo:
    """A queue item; an answer that is no item (no mapping, no id) is ``UnexpectedAnswer``."""
    if not isinstance(data, Mapping) or _opt_int(data.get("item_id")) is None:
        raise UnexpectedAnswer(endpoint, "a queue item", data)
    d = data
    values = d.get("field_values")
    return QueueItemInfo(
        item_id=_int(d, "item_id"),
        status=str(d.get("status", "")),
        batch_id=str(d.get("batch_id", "")),
        queue_id=str(d.get("queue_id", "default")),
        session_id=_opt_str(d.get("session_id")),
        priority=_int(d, "priority"),
        origin=_opt_str(d.get("origin")),
        destination=_opt_str(d.get("destination")),
        error_type=_opt_str(d.get("error_type")),
        error_message=_opt_str(d.get("error_message")),
        error_traceback=_opt_str(d.get("error_traceback")),
        created_at=timestamp(d.get("created_at")),
        updated_at=timestamp(d.get("updated_at")),
        started_at=timestamp(d.get("started_at")),
        completed_at=timestamp(d.get("completed_at")),
        field_values=tuple(v for v in values or [] if isinstance(v, Mapping)),
        raw=dict(d),
    )
