# Generated from models_async.py by scripts/unasync.py: edit that file, then run the script.
"""The server's models as typed API: ``client.models`` (requests and answers live in
``api.models``; this area sends them through the client's connection).

    info = client.models.find("my-embedding", base="sd-1", type="embedding")
    install = client.models.install(pathlib.Path("emb.safetensors"), inplace=True)
    job = install.wait(timeout=60)          # ModelInstallFailed carries the server's reason
    client.models.delete(job.model_key)
"""

from __future__ import annotations

import builtins
import os
import pathlib
from collections.abc import Mapping, Sequence
from typing import Any

from ..api import models
from ..api.missing import as_not_found
from ..api.call import Call
from ..api.connection_sync import Connection
from ..api.model_types import CacheStats, FoundModel, HFTokenStatus, InstallJob, ModelInfo
from ..errors import AmbiguousModel, AuthError, HTTPStatusError, ModelInstallRefused
from .model_install_sync import ModelInstall

__all__ = ["Models"]


class Models:
    """Installed models (list, get, find, delete, convert), install jobs (install from a path,
    a URL or a Hugging Face repo id; list, get, cancel, prune), folder scans, the model cache
    and the server's Hugging Face token."""

    def __init__(self, conn: Connection, queue_id: str = "default") -> None:
        self._conn = conn
        self.queue_id = queue_id

    def _json(self, call: Call, missing: tuple[str, str] | None = None) -> Any:
        """The answer; a 404 is ``NotFound`` of ``missing`` (kind, name) when given."""
        try:
            return self._conn.json(call)
        except HTTPStatusError as exc:
            if missing is None:
                raise
            raise as_not_found(exc, *missing) from exc

    # --- installed models ---

    def list(
        self,
        *,
        base: str | Sequence[str] | None = None,
        type: str | None = None,  # noqa: A002 - the server's word
        name: str | None = None,
        format: str | None = None,  # noqa: A002
    ) -> builtins.list[ModelInfo]:
        """The installed models, ordered by name; filtered by the server on base (one or
        several, e.g. ``base=["sd-1", "any"]``), type ("main", "vae", "embedding"...), exact
        name and format. A base or type the server does not know is a 422 (HTTPStatusError)."""
        call = models.list_models_call(base, type, name, format)
        return models.parse_model_infos(self._json(call))

    def get(self, key: str) -> ModelInfo:
        """The model with this key (``NotFound`` if there is none)."""
        return models.parse_model(self._json(models.model_call(key), ("model", key)))

    def find(
        self,
        name: str,
        *,
        base: str | None = None,
        type: str | None = None,  # noqa: A002
    ) -> ModelInfo | None:
        """The one model with this exact name (and base and type, when given), or None.
        ``AmbiguousModel`` when several fit (the same name in two bases, say)."""
        found = self.list(base=base, type=type, name=name)
        if len(found) > 1:
            what = f"name {name!r}" + (f" base {base!r}" if base else "") + (f" type {type!r}" if type else "")
            raise AmbiguousModel(what, [m.key for m in found])
        return found[0] if found else None

    def delete(self, key: str) -> None:
        """Delete the model's record (and its files, if they live in the models directory;
        an in-place install's files stay). ``NotFound`` if there is no such model."""
        self._json(models.delete_model_call(key), ("model", key))

    def convert(self, key: str) -> ModelInfo:
        """Convert a checkpoint model to diffusers; the model's record afterwards."""
        return models.parse_model(self._json(models.convert_model_call(key), ("model", key)))

    # --- installing ---

    def install(
        self,
        source: str | os.PathLike[str],
        *,
        inplace: bool | None = None,
        access_token: str | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> ModelInstall:
        """Start installing from a local file or folder (a ``pathlib.Path`` is made absolute:
        the server resolves paths against its own directory), a URL, or a Hugging Face repo id
        ("org/name", "org/name::subfolder"). ``inplace``: leave a local model where it is
        (default: copied into the models directory). ``config`` overrides what the server
        probes (``{"name": ..., "base": "sd-1", "type": "embedding"}``).

        Returns the job's handle at once; ``handle.wait()`` for the end. Raises
        ``ModelInstallRefused`` with the server's reason when it will not start (a path it
        cannot use, an unreachable Hugging Face)."""
        text = str(pathlib.Path(source).absolute()) if isinstance(source, os.PathLike) else source
        call = models.install_call(text, inplace=inplace, access_token=access_token, config=config)
        try:
            data = self._conn.json(call)
        except AuthError:
            raise
        except HTTPStatusError as exc:  # 409 (a path it cannot use), 415, 422, 424, 500...
            reason = models.server_reason(exc)
            raise ModelInstallRefused(text, reason, call.method, exc.url, exc.status, exc.body) from exc
        return ModelInstall(self._conn, models.parse_job(data))

    def install_jobs(self) -> builtins.list[InstallJob]:
        """Every install job the server remembers (until pruned), oldest first."""
        return models.parse_jobs(self._json(models.install_jobs_call()))

    def install_job(self, job_id: int) -> ModelInstall:
        """A handle for an existing job (``NotFound`` if the server knows no such job)."""
        data = self._json(models.install_job_call(job_id), ("install job", str(job_id)))
        return ModelInstall(self._conn, models.parse_job(data))

    def cancel_install(self, job_id: int) -> InstallJob:
        """Cancel a job by id; the job afterwards (``NotFound`` if there is none)."""
        return ModelInstall(self._conn, InstallJob(id=job_id)).cancel()

    def prune_install_jobs(self) -> None:
        """Drop the finished jobs (completed, failed, cancelled) from the server's list."""
        self._json(models.prune_install_jobs_call())

    # --- folders, cache, Hugging Face ---

    def scan_folder(self, path: str | os.PathLike[str] | None) -> builtins.list[FoundModel]:
        """The model files and folders in a folder on the server's machine, each saying
        whether it is installed. A folder the server cannot scan is a 400 (HTTPStatusError,
        with its words), and so is None on 6.x (older servers scanned their models folder)."""
        text = str(pathlib.Path(path).absolute()) if isinstance(path, os.PathLike) else path
        return models.parse_found(self._json(models.scan_folder_call(text)))

    def stats(self) -> CacheStats | None:
        """The model cache's statistics; None before any model was loaded."""
        return models.parse_stats(self._json(models.stats_call()))

    def empty_cache(self) -> None:
        """Unload every model from the server's RAM and VRAM cache."""
        self._json(models.empty_cache_call())

    def hf_status(self) -> HFTokenStatus:
        """Whether the server holds a Hugging Face token: "valid", "invalid" (none, or
        refused), or "unknown" (it could not ask Hugging Face, e.g. offline)."""
        return models.parse_hf_status(self._json(models.hf_status_call()))

    def hf_login(self, token: str) -> HFTokenStatus:
        """Give the server a Hugging Face token; its status afterwards. The server keeps a
        token only after Hugging Face accepted it."""
        return models.parse_hf_status(self._json(models.hf_login_call(token)))

    def hf_logout(self) -> HFTokenStatus:
        """Remove the server's Hugging Face token; the status afterwards ("invalid" when
        none is left; a token from the server's environment stays)."""
        return models.parse_hf_status(self._json(models.hf_logout_call()))
