"""The model manager's records, with invokeai-py-client's names: install job info, cache
statistics, the Hugging Face token's status, scan results and install overrides. Fields the
server sends beyond these are kept in ``extra``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from .dnn_model_types import BaseDnnModelType, DnnModelType

__all__ = [
    "FoundModel",
    "HFLoginStatus",
    "InstallJobStatus",
    "ModelInstJobInfo",
    "ModelInstallConfig",
    "ModelManagerStats",
]


class InstallJobStatus(str, Enum):
    """An install job's status, as InvokeAI names it (``PAUSED`` is 6.x's; ``UNKNOWN`` a
    status newer than this client, the server's word in ``extra["server_status"]``)."""

    WAITING = "waiting"
    DOWNLOADING = "downloading"
    DOWNLOADS_DONE = "downloads_done"
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"
    ERROR = "error"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"


class ModelInstJobInfo(BaseModel):
    """An install job as last seen: status, error (``error`` the message, ``error_reason``
    the server's name for it), bytes, and the installed model's key once completed."""

    id: int
    status: InstallJobStatus
    error: str | None = None
    error_reason: str | None = None
    error_traceback: str | None = None
    bytes: int | None = None
    total_bytes: int | None = None
    model_key: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class ModelManagerStats(BaseModel):
    """The model cache's statistics: ``hit_rate``/``miss_rate`` of model loads, RAM in use
    by loaded models and the cache's capacity (MiB), loads from disk (``loads``, the misses)
    and models cleared out (``evictions``); the server's own figures in ``extra``."""

    hit_rate: float | None = None
    miss_rate: float | None = None
    ram_used_mb: float | None = None
    ram_capacity_mb: float | None = None
    loads: int | None = None
    evictions: int | None = None
    extra: dict[str, Any] = Field(default_factory=dict)


class HFLoginStatus(str, Enum):
    """Whether the server holds a working Hugging Face token (UNKNOWN: it could not ask)."""

    VALID = "valid"
    INVALID = "invalid"
    UNKNOWN = "unknown"


class FoundModel(BaseModel):
    """A model file or folder a folder scan found."""

    path: str
    is_installed: bool
    extra: dict[str, Any] = Field(default_factory=dict)


class ModelInstallConfig(BaseModel):
    """What an install should record instead of what the server probes (InvokeAI's
    ``ModelRecordChanges``); every field optional, ``extra`` for any other of its fields."""

    name: str | None = None
    description: str | None = None
    base: BaseDnnModelType | None = None
    type: DnnModelType | None = None
    path: str | None = None
    format: str | None = None
    prediction_type: str | None = None
    upcast_attention: bool | None = None
    trigger_phrases: list[str] | None = None
    default_settings: dict[str, Any] | None = None
    variant: str | None = None
    config_path: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)

    def to_record_changes(self) -> dict[str, Any]:
        body = self.model_dump(exclude_none=True, mode="json")
        extra = body.pop("extra", {})
        body.update(extra)
        return body


@dataclass
class _V2Endpoint:
    """The v2 endpoints, relative to ``/api/v2`` (the requests live in ``ivk_runtime.api.models``)."""

    INSTALL_BASE: str = "/models/install"
    INSTALL_BY_ID: str = "/models/install/{id}"
    INSTALL_HF: str = "/models/install/huggingface"
    CONVERT: str = "/models/convert/{key}"
    MODEL_BY_KEY: str = "/models/i/{key}"
    STATS: str = "/models/stats"
    EMPTY_CACHE: str = "/models/empty_model_cache"
    HF_LOGIN: str = "/models/hf_login"
    SCAN_FOLDER: str = "/models/scan_folder"
