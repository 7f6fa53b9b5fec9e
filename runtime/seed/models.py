"""invokeai-py-client's data models (``invokeai_py_client.models``): the enums, ``IvkImage``
(the board side's, ``seed.images``), ``IvkJob`` (a queue item as a job), ``IvkDnnModel`` and
``SessionEvent``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, field_validator

from ..api.queue_types import QueueItemInfo, parse_item
from .images import ImageCategory, IvkImage

__all__ = [
    "BaseModelEnum",
    "ImageCategory",
    "IvkDnnModel",
    "IvkImage",
    "IvkJob",
    "JobStatus",
    "SessionEvent",
]


class JobStatus(str, Enum):
    """A job's state. The server's names differ: in_progress (and waiting) are RUNNING,
    canceled is CANCELLED; UNKNOWN is a status newer than this client (or none), the
    server's word kept in ``IvkJob.metadata["queue_status"]``."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"

    @classmethod
    def from_queue_status(cls, status: str) -> JobStatus:
        return _FROM_QUEUE.get(status, cls.UNKNOWN)

    def queue_statuses(self) -> tuple[str, ...]:
        """The queue item statuses this job status stands for."""
        return tuple(s for s, j in _FROM_QUEUE.items() if j is self)


_FROM_QUEUE = {
    "pending": JobStatus.PENDING,
    "in_progress": JobStatus.RUNNING,
    "waiting": JobStatus.RUNNING,
    "completed": JobStatus.COMPLETED,
    "failed": JobStatus.FAILED,
    "canceled": JobStatus.CANCELLED,
}


class BaseModelEnum(str, Enum):
    """Model architectures: 1.1.1's members first, then the other bases InvokeAI 6 names
    (so a model of any base reads as an ``IvkDnnModel``)."""

    SD1 = "sd-1"
    SD2 = "sd-2"
    SDXL = "sdxl"
    SDXL_REFINER = "sdxl-refiner"
    FLUX = "flux"
    FLUX_SCHNELL = "flux-schnell"
    ANY = "any"
    SD3 = "sd-3"
    FLUX2 = "flux2"
    COGVIEW4 = "cogview4"
    Z_IMAGE = "z-image"
    ERNIE_IMAGE = "ernie-image"
    IDEOGRAM_4 = "ideogram-4"
    EXTERNAL = "external"
    QWEN_IMAGE = "qwen-image"
    ANIMA = "anima"
    KREA_2 = "krea-2"
    WAN = "wan"
    UNKNOWN = "unknown"


class IvkJob(BaseModel):
    """A queued or executed workflow run: a queue item seen as a job (``id`` is its item id,
    as text)."""

    id: str = Field(..., description="Unique job identifier")
    workflow_id: str | None = Field(None, description="Associated workflow ID")
    status: JobStatus = Field(JobStatus.PENDING, description="Current job status")
    progress: float = Field(0.0, ge=0.0, le=1.0, description="Completion progress (0.0 to 1.0)")
    created_at: datetime | None = Field(None, description="Job creation timestamp")
    started_at: datetime | None = Field(None, description="Execution start timestamp")
    completed_at: datetime | None = Field(None, description="Completion timestamp")
    error: str | None = Field(None, description="Error message if failed")
    outputs: dict[str, Any] = Field(default_factory=dict, description="Job output data")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Additional job metadata")

    @field_validator("status", mode="before")
    @classmethod
    def _queue_names(cls, value: Any) -> Any:
        """The queue's names too ("in_progress", "waiting", "canceled")."""
        return _FROM_QUEUE.get(value, value) if isinstance(value, str) else value

    @classmethod
    def from_api_response(cls, data: dict[str, Any]) -> IvkJob:
        """From a job dict, or from the server's queue item (told by its ``item_id``)."""
        if "item_id" in data and "id" not in data:
            return cls.from_queue_item(parse_item(data))
        return cls(**data)

    @classmethod
    def from_queue_item(cls, item: QueueItemInfo | Mapping[str, Any]) -> IvkJob:
        info = item if isinstance(item, QueueItemInfo) else parse_item(item)
        status = JobStatus.from_queue_status(info.status)
        workflow = info.raw.get("workflow")
        session = info.session or {}
        results = session.get("results")
        return cls(
            id=str(info.item_id),
            workflow_id=workflow.get("id") if isinstance(workflow, Mapping) else None,
            status=status,
            progress=1.0 if status is JobStatus.COMPLETED else 0.0,
            created_at=info.created_at,
            started_at=info.started_at,
            completed_at=info.completed_at,
            error=info.error,
            outputs=dict(results) if isinstance(results, Mapping) else {},
            metadata={
                "item_id": info.item_id,
                "queue_id": info.queue_id,
                "batch_id": info.batch_id,
                "session_id": info.session_id,
                "queue_status": info.status,
                "origin": info.origin,
                "destination": info.destination,
                "priority": info.priority,
                "error_type": info.error_type,
                "error_message": info.error_message,
                "error_traceback": info.error_traceback,
            },
        )

    def is_complete(self) -> bool:
        return self.status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

    def is_successful(self) -> bool:
        return self.status == JobStatus.COMPLETED

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class IvkDnnModel(BaseModel):
    """An installed model (main, vae, lora, ...), from the model manager's record."""

    key: str = Field(..., description="Unique model identifier")
    name: str = Field(..., description="Model display name")
    base: BaseModelEnum = Field(..., description="Base architecture type")
    type: str = Field(..., description="Model type (main, vae, lora, etc.)")
    hash: str | None = Field(None, description="Model file hash")
    path: str | None = Field(None, description="Model file path")
    description: str | None = Field(None, description="Model description")
    format: str | None = Field(None, description="Model format (diffusers, checkpoint, etc.)")
    variant: str | None = Field(None, description="Model variant (fp16, fp32, etc.)")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Additional model metadata")

    @classmethod
    def from_api_response(cls, data: dict[str, Any]) -> IvkDnnModel:
        """From the server's model record; the fields not named here go to ``metadata``."""
        known = set(cls.model_fields)
        record = {k: v for k, v in data.items() if k in known}
        extra = {k: v for k, v in data.items() if k not in known}
        if record.get("base") not in {b.value for b in BaseModelEnum}:
            # a base newer than this client: the listing still reads, the server's word kept
            extra["server_base"] = record.get("base")
            record["base"] = BaseModelEnum.UNKNOWN
        if extra:
            record["metadata"] = {**extra, **dict(record.get("metadata") or {})}
        return cls(**record)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class SessionEvent(BaseModel):
    """One of the server's socket.io events (``event_type`` its name, ``data`` its payload)."""

    event_type: str = Field(..., description="Event type identifier")
    session_id: str | None = Field(None, description="Associated session ID")
    timestamp: datetime | None = Field(None, description="Event timestamp")
    data: dict[str, Any] = Field(default_factory=dict, description="Event payload data")

    @classmethod
    def from_websocket_message(cls, message: dict[str, Any]) -> SessionEvent:
        return cls(**message)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
