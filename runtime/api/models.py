"""Models: the installed models and the model manager's install jobs (requests and answers, pure).

The v2 model manager (``/api/v2/models/...``): list and fetch model records, install from a
local path, a URL or a Hugging Face repo id (a background job, polled by id), scan a folder,
delete, convert, the model cache, and the server's Hugging Face token.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, get_args

from ..errors import (
    HTTPStatusError,
    ModelAlreadyInstalled,
    ModelInstallFailed,
    ModelInstallStatusUnknown,
    UnexpectedAnswer,
)
from .call import Call, segment
from .model_types import CacheStats, FoundModel, HFTokenStatus, InstallJob, InstallStatus, ModelInfo

__all__ = [
    "cancel_install_call",
    "convert_model_call",
    "delete_model_call",
    "empty_cache_call",
    "hf_login_call",
    "hf_logout_call",
    "hf_status_call",
    "install_call",
    "install_failure",
    "install_job_call",
    "install_jobs_call",
    "list_models_call",
    "model_by_attrs_call",
    "model_call",
    "parse_found",
    "parse_hf_status",
    "parse_job",
    "parse_jobs",
    "parse_model",
    "parse_model_infos",
    "parse_models",
    "parse_stats",
    "prune_install_jobs_call",
    "scan_folder_call",
    "server_reason",
    "stats_call",
]

_V2 = "/api/v2/models"
_STATUSES = frozenset(get_args(InstallStatus))
_HF_STATUSES = frozenset(get_args(HFTokenStatus))


# --- model records ---


def list_models_call(
    base: str | Sequence[str] | None = None,
    type: str | None = None,  # noqa: A002 - the server's name for it
    name: str | None = None,
    format: str | None = None,  # noqa: A002
) -> Call:
    params: dict[str, Any] = {}
    if base is not None:
        params["base_models"] = [base] if isinstance(base, str) else list(base)  # repeated
    if type is not None:
        params["model_type"] = type
    if name is not None:
        params["model_name"] = name
    if format is not None:
        params["model_format"] = format
    return Call("GET", f"{_V2}/", params=params or None, idempotent=True)


def _records(endpoint: str, what: str, data: Any) -> list[dict[str, Any]]:
    """Every entry of a listing, each a mapping: anything else is ``UnexpectedAnswer``."""
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise UnexpectedAnswer(endpoint, f"a list of {what}", data)
    return [dict(d) for d in data]


def parse_models(data: Any) -> list[dict[str, Any]]:
    models = data.get("models") if isinstance(data, dict) else data
    return _records("GET /api/v2/models/", "model records", models)


def parse_model_infos(data: Any) -> list[ModelInfo]:
    return [ModelInfo.model_validate(m) for m in parse_models(data)]


def parse_model(data: Any) -> ModelInfo:
    return ModelInfo.model_validate(data)


def model_call(key: str) -> Call:
    return Call("GET", f"{_V2}/i/{segment(key)}", idempotent=True)


def model_by_attrs_call(name: str, type: str, base: str) -> Call:  # noqa: A002
    return Call(
        "GET", f"{_V2}/get_by_attrs", params={"name": name, "type": type, "base": base}, idempotent=True
    )


def delete_model_call(key: str) -> Call:
    # Weights inside the InvokeAI models directory are deleted too; in-place files stay.
    return Call("DELETE", f"{_V2}/i/{segment(key)}")


def convert_model_call(key: str) -> Call:
    # A checkpoint to diffusers: minutes for a large model, so a long timeout of its own.
    return Call("PUT", f"{_V2}/convert/{segment(key)}", timeout=600.0)


# --- install jobs ---


def install_call(
    source: str,
    *,
    inplace: bool | None = None,
    access_token: str | None = None,
    config: Mapping[str, Any] | None = None,
) -> Call:
    params: dict[str, Any] = {"source": source}
    if inplace is not None:
        params["inplace"] = "true" if inplace else "false"
    if access_token is not None:
        params["access_token"] = access_token
    # The body overrides what the server probes (name, base, type...); {} accepts its guesses.
    return Call("POST", f"{_V2}/install", params=params, json_body=dict(config or {}))


def install_jobs_call() -> Call:
    return Call("GET", f"{_V2}/install", idempotent=True)


def install_job_call(job_id: int) -> Call:
    return Call("GET", f"{_V2}/install/{int(job_id)}", idempotent=True)


def cancel_install_call(job_id: int) -> Call:
    return Call("DELETE", f"{_V2}/install/{int(job_id)}")


def prune_install_jobs_call() -> Call:
    """Drop finished jobs (completed, errored, cancelled) from the server's list."""
    return Call("DELETE", f"{_V2}/install")


def parse_job(data: Any) -> InstallJob:
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise UnexpectedAnswer("an install job request", "an install job", data)
    source, source_type = _source_of(data.get("source"))
    config_out = data.get("config_out")
    status = data.get("status") or "waiting"
    return InstallJob(
        id=int(data["id"]),
        # A status newer than this client: "unknown" (``server_status`` has the server's word).
        status=status if status in _STATUSES else "unknown",
        source=source,
        source_type=source_type,
        inplace=bool(data.get("inplace")),
        local_path=data.get("local_path"),
        bytes=int(data.get("bytes") or 0),
        total_bytes=int(data.get("total_bytes") or 0),
        error=data.get("error"),
        error_reason=data.get("error_reason"),
        error_traceback=data.get("error_traceback"),
        model=ModelInfo.model_validate(config_out) if isinstance(config_out, dict) else None,
        raw=dict(data),
    )


def parse_jobs(data: Any) -> list[InstallJob]:
    return [parse_job(j) for j in _records("GET /api/v2/models/install", "install jobs", data)]


def _source_of(source: Any) -> tuple[str, str]:
    if isinstance(source, dict):
        kind = str(source.get("type") or "")
        for key in ("path", "url", "repo_id"):
            if source.get(key):
                return str(source[key]), kind
        return "", kind
    return ("" if source is None else str(source)), ""


# --- folders, cache, Hugging Face ---


def scan_folder_call(path: str | None) -> Call:
    return Call(
        "GET", f"{_V2}/scan_folder", params={"scan_path": path} if path is not None else None,
        idempotent=True,
    )  # fmt: skip


def parse_found(data: Any) -> list[FoundModel]:
    return [FoundModel.model_validate(f) for f in _records("scan_folder", "found models", data)]


def stats_call() -> Call:
    return Call("GET", f"{_V2}/stats", idempotent=True)


def parse_stats(data: Any) -> CacheStats | None:
    return CacheStats.model_validate(data) if isinstance(data, dict) else None  # null: no loads yet


def empty_cache_call() -> Call:
    return Call("POST", f"{_V2}/empty_model_cache")


def hf_status_call() -> Call:
    return Call("GET", f"{_V2}/hf_login", idempotent=True)


def hf_login_call(token: str) -> Call:
    return Call("POST", f"{_V2}/hf_login", json_body={"token": token})


def hf_logout_call() -> Call:
    return Call("DELETE", f"{_V2}/hf_login")


def parse_hf_status(data: Any) -> HFTokenStatus:
    text = str(data)
    return text if text in _HF_STATUSES else "unknown"  # type: ignore[return-value]


def server_reason(error: HTTPStatusError) -> str:
    """What the server said went wrong: its ``detail``, else the body's start."""
    try:
        data = json.loads(error.body)
    except ValueError:
        return error.body[:300] or f"HTTP {error.status}"
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, list):  # a 422: one line a problem
        return "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    return str(detail) if detail is not None else error.body[:300]


def install_failure(job: InstallJob) -> ModelInstallFailed | None:
    """The error a finished job ended with, or None when it completed (or is not done); a
    status this client does not know is ``ModelInstallStatusUnknown`` (waiting stops there)."""
    if job.status == "unknown":  # not known to be running: stop, and say what it is
        return ModelInstallStatusUnknown(
            job.id, job.source, job.server_status, job.error, job.error_reason, job.error_traceback, job
        )
    if not job.failed:
        return None
    kind = ModelAlreadyInstalled if job.already_installed else ModelInstallFailed
    return kind(job.id, job.source, job.status, job.error, job.error_reason, job.error_traceback, job)
