"""``DnnModelRepository`` (``client.dnn_model_repo``): invokeai-py-client's model manager names
over the core's ``client.models``. Every call asks the server (nothing is cached); failures
are the seed's exceptions, raised from the core's typed errors."""

from __future__ import annotations

from typing import Any

from ...api.model_types import ModelInfo
from ...client.models_sync import Models
from ...errors import IvkError, ModelInstallRefused, NotFound
from ._convert import api_error, config_differences, installed_from, stats_of
from ._core import core_models
from .dnn_model_exceptions import ModelInstallStartError
from .dnn_model_models import (
    FoundModel,
    HFLoginStatus,
    InstallJobStatus,
    ModelInstallConfig,
    ModelInstJobInfo,
    ModelManagerStats,
)
from .dnn_model_types import DnnModel
from .model_inst_job_handle import ModelInstJobHandle, seen_info

__all__ = ["DnnModelRepository"]


class DnnModelRepository:
    """The server's models and install jobs. ``client`` is the synchronous ``InvokeAIClient``
    (the seed's, or the core's): the repository calls its ``client.models``."""

    def __init__(self, client: Any) -> None:
        self._client = client

    @property
    def _models(self) -> Models:
        return core_models(self._client)

    # --- reading ---

    def list_models(self) -> list[DnnModel]:
        """Every installed model, fresh from the server (filter the list as you like)."""
        try:
            infos = self._models.list()
        except IvkError as exc:
            raise api_error(exc) from exc
        return [DnnModel.from_api_response(m.data()) for m in infos]

    def get_model_by_key(self, model_key: str) -> DnnModel | None:
        """The model with this key, or None if there is none."""
        try:
            return DnnModel.from_api_response(self._models.get(model_key).data())
        except NotFound:
            return None
        except IvkError as exc:
            raise api_error(exc) from exc

    # --- installing ---

    def install_model(
        self,
        source: str,
        *,
        config: ModelInstallConfig | dict[str, Any] | None = None,
        inplace: bool | None = None,
        access_token: str | None = None,
    ) -> ModelInstJobHandle:
        """Start installing from a local file or folder, a URL or a Hugging Face repo id; the
        job's handle (``wait_until()`` for its end). ``ModelInstallStartError`` (with the
        server's reason) when the server will not start it, e.g. for a path that does not
        exist. A model installed from ``source`` already: a handle whose info is COMPLETED
        with ``info.extra["reason"] == "already_installed"`` and the model's key (job id -1), and
        ``info.extra["config_differs"]`` naming each ``config`` field the installed model has
        otherwise (``{"name": {"asked": ..., "installed": ...}}``; nothing is changed);
        the same when the server finds the duplicate itself, once ``wait_until`` returns."""
        body = config.to_record_changes() if isinstance(config, ModelInstallConfig) else dict(config or {})
        try:
            existing = installed_from(self._models.list(), source)
        except IvkError as exc:
            raise api_error(exc) from exc
        if existing is not None:  # the seed's documented skip, without asking the server to fail
            extra: dict[str, Any] = {"reason": "already_installed"}
            differs = config_differences(body, existing)
            if differs:  # the config asked for is not what is installed: say so
                extra["config_differs"] = differs
            handle = ModelInstJobHandle.from_client_and_id(self._client, -1)
            handle._info = ModelInstJobInfo(
                id=-1, status=InstallJobStatus.COMPLETED, model_key=existing.key, extra=extra
            )
            return handle
        try:
            install = self._models.install(source, inplace=inplace, access_token=access_token, config=body)
        except ModelInstallRefused as exc:
            raise ModelInstallStartError(
                str(exc), details={"status_code": exc.status, "reason": exc.reason, "source": source}
            ) from exc
        except IvkError as exc:
            raise api_error(exc) from exc
        return ModelInstJobHandle._of(self._client, install)

    def install_huggingface(
        self,
        repo_id: str,
        *,
        config: ModelInstallConfig | dict[str, Any] | None = None,
        access_token: str | None = None,
    ) -> ModelInstJobHandle:
        """``install_model`` from a Hugging Face repo id ("org/name")."""
        return self.install_model(source=repo_id, config=config, access_token=access_token)

    def list_install_jobs(self) -> list[ModelInstJobHandle]:
        """A handle for every job the server remembers, each with its info loaded."""
        try:
            jobs = self._models.install_jobs()
        except IvkError as exc:
            raise api_error(exc) from exc
        listed: list[list[ModelInfo]] = []  # the models, asked once if a duplicate needs them

        def models() -> list[ModelInfo]:
            if not listed:
                listed.append(self._models.list())
            return listed[0]

        handles = []
        for job in jobs:
            handle = ModelInstJobHandle.from_client_and_id(self._client, job.id)
            handle._info = seen_info(job, models)
            handles.append(handle)
        return handles

    def get_install_job(self, id: int | str) -> ModelInstJobHandle | None:  # noqa: A002
        """The job's handle, or None if there is no such job (or ``id`` is no number)."""
        try:
            job_id = int(id)
        except (TypeError, ValueError):
            return None
        try:
            install = self._models.install_job(job_id)
        except NotFound:
            return None
        except IvkError as exc:
            raise api_error(exc) from exc
        return ModelInstJobHandle._of(self._client, install)

    def prune_install_jobs(self) -> bool:
        """Drop finished jobs from the server's list; True when it did."""
        return self._done(self._models.prune_install_jobs)

    # --- changing ---

    def convert_model(self, key: str) -> DnnModel:
        """Convert a checkpoint model to diffusers; the model afterwards."""
        try:
            return DnnModel.from_api_response(self._models.convert(key).data())
        except IvkError as exc:
            raise api_error(exc) from exc

    def delete_model(self, key: str) -> bool:
        """Delete a model: True when deleted, False when there is no such model."""
        try:
            self._models.delete(key)
        except NotFound:
            return False
        except IvkError as exc:
            raise api_error(exc) from exc
        return True

    def delete_all_models(self) -> dict[str, Any]:
        """Delete every model, going on past failures: ``{"total", "deleted", "failed",
        "errors"}``, each error a dict of ``key``, ``message`` and ``status_code``."""
        models = self.list_models()
        deleted = 0
        failures: list[dict[str, Any]] = []
        for m in models:
            try:
                if self.delete_model(m.key):
                    deleted += 1
                else:
                    failures.append({"key": m.key, "message": "no such model (deleted meanwhile?)"})
            except IvkError as exc:
                failures.append(
                    {"key": m.key, "message": str(exc), "status_code": getattr(exc, "status_code", None)}
                )
        return {"total": len(models), "deleted": deleted, "failed": len(failures), "errors": failures}

    # --- cache, folders, Hugging Face ---

    def empty_model_cache(self) -> bool:
        """Unload every model from the server's cache; True when it did."""
        return self._done(self._models.empty_cache)

    def get_stats(self) -> ModelManagerStats | None:
        """The model cache's statistics, or None before any model was loaded."""
        try:
            stats = self._models.stats()
        except IvkError as exc:
            raise api_error(exc) from exc
        return stats_of(stats) if stats is not None else None

    def scan_folder(self, scan_path: str | None = None) -> list[FoundModel] | dict[str, Any]:
        """The models in a folder on the server's machine, each with ``is_installed``. A folder
        the server cannot scan (or none given) raises ``APIRequestError`` with its reason."""
        try:
            found = self._models.scan_folder(scan_path)
        except IvkError as exc:
            raise api_error(exc) from exc
        return [
            FoundModel(path=f.path, is_installed=f.is_installed, extra=dict(f.model_extra or {}))
            for f in found
        ]

    def hf_status(self) -> HFLoginStatus:
        """Whether the server holds a working Hugging Face token."""
        try:
            return HFLoginStatus(self._models.hf_status())
        except IvkError as exc:
            raise api_error(exc) from exc

    def hf_login(self, token: str) -> bool:
        """Give the server a Hugging Face token: True when the server now holds a valid one."""
        try:
            return bool(self._models.hf_login(token) == "valid")
        except IvkError as exc:
            raise api_error(exc) from exc

    def hf_logout(self) -> bool:
        """Remove the server's Hugging Face token: True when no valid token is left."""
        try:
            return bool(self._models.hf_logout() != "valid")
        except IvkError as exc:
            raise api_error(exc) from exc

    def _done(self, fn: Any) -> bool:
        try:
            fn()
        except IvkError as exc:
            raise api_error(exc) from exc
        return True

    def __repr__(self) -> str:
        return f"DnnModelRepository(client={getattr(self._client, 'base_url', self._client)})"
