"""What the model manager answers, typed: installed models, install jobs, scanned files, the
Hugging Face token's status and the model cache's statistics (pure, no I/O).

Bases, types and formats stay ``str``: each InvokeAI release adds some (6.14 knows "flux2" and
"qwen3_encoder"; 4.2 did not), and a listing must not fail on a model newer than this client.
Whatever a model record holds beyond the common fields (``variant``, ``trigger_phrases``,
``default_settings``...) is kept as an extra attribute.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "TERMINAL_INSTALL_STATUSES",
    "CacheStats",
    "FoundModel",
    "HFTokenStatus",
    "InstallJob",
    "InstallStatus",
    "ModelInfo",
]

# "unknown": a status newer than this client (``InstallJob.server_status`` is the server's word)
InstallStatus = Literal[
    "waiting", "downloading", "downloads_done", "running", "paused", "completed", "error", "cancelled",
    "unknown",
]
TERMINAL_INSTALL_STATUSES: frozenset[str] = frozenset({"completed", "error", "cancelled"})
HFTokenStatus = Literal["valid", "invalid", "unknown"]


class ModelInfo(BaseModel):
    """One installed model (a model config record of ``GET /api/v2/models/``)."""

    model_config = ConfigDict(frozen=True, extra="allow")
    key: str
    name: str
    base: str
    type: str
    hash: str = ""
    format: str = ""
    path: str = ""
    file_size: int | None = None
    description: str = ""
    source: str = ""
    source_type: str | None = None

    @field_validator("description", "source", "hash", "format", "path", mode="before")
    @classmethod
    def _null_is_empty(cls, value: Any) -> Any:
        return "" if value is None else value  # the server sends null for "no description"

    def identifier(self) -> dict[str, str]:
        """The ModelIdentifierField JSON a node's model input takes (see ``ModelRef``)."""
        return {"key": self.key, "hash": self.hash, "name": self.name, "base": self.base, "type": self.type}

    def data(self) -> dict[str, Any]:
        """The record as the server sent it (every field, extras included)."""
        return self.model_dump()


class InstallJob(BaseModel):
    """A model install job (``/api/v2/models/install``), as last seen.

    ``source`` is the path, URL or Hugging Face repo id installed from; ``model`` the installed
    model once ``status`` is "completed". On "error", ``error_reason`` is the exception's class
    as the server names it (``DuplicateModelException``...) and ``error`` its message."""

    model_config = ConfigDict(frozen=True)
    id: int
    status: InstallStatus = "waiting"
    source: str = ""
    source_type: str = ""  # "local", "url", "hf"
    inplace: bool = False
    local_path: str | None = None
    bytes: int = 0
    total_bytes: int = 0
    error: str | None = None
    error_reason: str | None = None
    error_traceback: str | None = None
    model: ModelInfo | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)  # the server's JSON, whole

    @property
    def done(self) -> bool:
        return self.status in TERMINAL_INSTALL_STATUSES

    @property
    def failed(self) -> bool:
        return self.status in ("error", "cancelled")

    @property
    def server_status(self) -> str:
        """The status as the server wrote it (differs from ``status`` when that is "unknown")."""
        raw = self.raw.get("status")
        return raw if isinstance(raw, str) and raw else self.status

    @property
    def already_installed(self) -> bool:
        """The server refused it as a duplicate: a model with that path or source is there."""
        return self.status == "error" and self.error_reason == "DuplicateModelException"

    @property
    def model_key(self) -> str | None:
        return self.model.key if self.model is not None else None

    @property
    def progress(self) -> float | None:
        """Bytes done as a fraction of the total, or None while the total is unknown."""
        return self.bytes / self.total_bytes if self.total_bytes > 0 else None


class FoundModel(BaseModel):
    """A model file or folder that a folder scan found."""

    model_config = ConfigDict(frozen=True, extra="allow")
    path: str
    is_installed: bool


class CacheStats(BaseModel):
    """The model cache's statistics (``GET /api/v2/models/stats``); sizes in bytes."""

    model_config = ConfigDict(frozen=True, extra="allow")
    hits: int = 0
    misses: int = 0
    high_watermark: int = 0
    in_cache: int = 0
    cleared: int = 0
    cache_size: int = 0
    loaded_model_sizes: dict[str, int] = Field(default_factory=dict)
