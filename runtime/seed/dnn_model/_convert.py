"""From the core's typed answers and errors to the seed's records and exceptions (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from ...api.model_types import CacheStats, InstallJob, ModelInfo
from ...errors import HTTPStatusError, IvkError
from .dnn_model_exceptions import APIRequestError
from .dnn_model_models import InstallJobStatus, ModelInstJobInfo, ModelManagerStats

__all__ = ["api_error", "config_differences", "installed_from", "job_info", "stats_of"]

_KNOWN = {"id", "status", "error", "error_reason", "error_traceback", "bytes", "total_bytes", "config_out"}
_MIB = float(1 << 20)


def api_error(exc: IvkError) -> APIRequestError:
    """The seed's error for a failed request: the status and the answer's JSON (or text)."""
    if isinstance(exc, HTTPStatusError):
        try:
            payload: Any = json.loads(exc.body)
        except ValueError:
            payload = exc.body
        return APIRequestError(str(exc), status_code=exc.status, payload=payload)
    return APIRequestError(str(exc))  # unreachable, timed out: no status


def installed_from(infos: Iterable[ModelInfo], *sources: str | None) -> ModelInfo | None:
    """The model installed from one of ``sources`` (its ``source`` or its ``path``), if any.
    Empty values match nothing: a model whose source is "" is no duplicate of anything."""
    wanted = {s for s in sources if s}
    return next((m for m in infos if wanted & ({m.source, m.path} - {""})), None)


def config_differences(asked: Mapping[str, Any] | None, model: ModelInfo) -> dict[str, Any]:
    """What an install asked for (name, type...) that the model already there has otherwise:
    ``{field: {"asked": ..., "installed": ...}}`` (empty when it fits)."""
    record = model.data()
    return {
        k: {"asked": v, "installed": record.get(k)}
        for k, v in (asked or {}).items()
        if v is not None and record.get(k) != getattr(v, "value", v)
    }


def job_info(job: InstallJob, existing_key: str | None = None) -> ModelInstJobInfo:
    """The seed's record of a job. A job refused as a duplicate reads as the seed documents
    it: COMPLETED, ``extra["reason"] == "already_installed"``, the installed model's key
    (``existing_key``) and the server's words in ``extra["server_error"]``."""
    extra = {k: v for k, v in job.raw.items() if k not in _KNOWN}
    if job.already_installed:
        extra.update(reason="already_installed", server_error=job.error)
        return ModelInstJobInfo(
            id=job.id, status=InstallJobStatus.COMPLETED, bytes=job.bytes,
            total_bytes=job.total_bytes, model_key=existing_key, extra=extra,
        )  # fmt: skip
    if job.status == "unknown":  # a status newer than this client: the server's word kept
        extra["server_status"] = job.server_status
    return ModelInstJobInfo(
        id=job.id,
        status=InstallJobStatus(job.status),
        error=job.error,
        error_reason=job.error_reason,
        error_traceback=job.error_traceback,
        bytes=job.bytes,
        total_bytes=job.total_bytes,
        model_key=job.model_key,
        extra=extra,
    )


def stats_of(stats: CacheStats) -> ModelManagerStats:
    loads = stats.hits + stats.misses
    used = sum(stats.loaded_model_sizes.values())
    return ModelManagerStats(
        hit_rate=stats.hits / loads if loads else None,
        miss_rate=stats.misses / loads if loads else None,
        ram_used_mb=used / _MIB,
        ram_capacity_mb=stats.cache_size / _MIB if stats.cache_size else None,
        loads=stats.misses,
        evictions=stats.cleared,
        extra=stats.model_dump(),
    )
