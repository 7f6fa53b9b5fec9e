"""``ModelInstJobHandle``: one model install job, with invokeai-py-client's names (refresh,
status, progress, cancel, wait_until), over the core's ``client.models`` install handle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...api.model_types import TERMINAL_INSTALL_STATUSES, InstallJob, ModelInfo
from ...client.model_install_sync import ModelInstall
from ...errors import IvkError, ModelAlreadyInstalled, ModelInstallFailed, NotFound
from ...errors import ModelInstallTimeout as CoreTimeout
from ._convert import api_error, config_differences, installed_from, job_info
from ._core import core_models
from .dnn_model_exceptions import ModelInstallJobFailed, ModelInstallTimeout
from .dnn_model_models import InstallJobStatus, ModelInstJobInfo

__all__ = ["ModelInstJobHandle", "seen_info"]

_TERMINAL = frozenset(InstallJobStatus(s) for s in TERMINAL_INSTALL_STATUSES)


def seen_info(job: InstallJob, listing: Callable[[], list[ModelInfo]]) -> ModelInstJobInfo:
    """The seed's record of a job; for a duplicate, the model that is there (``listing``
    asked only then; its failure is ``APIRequestError``, never "installed") and each asked
    config field that model has otherwise (``extra["config_differs"]``)."""
    if not job.already_installed:
        return job_info(job)
    try:
        infos = listing()
    except IvkError as exc:
        raise api_error(exc) from exc
    model = installed_from(infos, job.source, job.local_path)
    info = job_info(job, model.key if model is not None else None)
    config_in = job.raw.get("config_in")
    differs = config_differences(config_in, model) if model is not None and isinstance(config_in, dict) else {}
    if differs:
        info.extra["config_differs"] = differs
    return info


class ModelInstJobHandle:
    """One install job; made by ``DnnModelRepository`` (``install_model``, ``get_install_job``,
    ``list_install_jobs``), not directly."""

    def __init__(self) -> None:
        self._client: Any = None
        self._job_id: int | None = None
        self._info: ModelInstJobInfo | None = None
        self._install: ModelInstall | None = None  # the core's handle, once known

    @classmethod
    def from_client_and_id(cls, client: Any, job_id: int) -> ModelInstJobHandle:
        inst = cls()
        inst._client = client
        inst._job_id = job_id
        return inst

    @classmethod
    def _of(cls, client: Any, install: ModelInstall) -> ModelInstJobHandle:
        inst = cls.from_client_and_id(client, install.id)
        inst._install = install
        inst._seen()
        return inst

    @property
    def job_id(self) -> int:
        if self._job_id is None:
            raise RuntimeError("ModelInstJobHandle not initialized")
        return self._job_id

    @property
    def info(self) -> ModelInstJobInfo | None:
        return self._info

    def _synthetic(self) -> bool:
        """A record made here (a duplicate read as installed), not the server's state."""
        info = self._info
        return info is not None and info.status in _TERMINAL and (
            self.job_id < 0 or info.extra.get("reason") == "already_installed"
        )

    def refresh(self) -> ModelInstJobInfo:
        """Fetch the job's state; ``APIRequestError`` if the server no longer knows it."""
        if self._synthetic():
            assert self._info is not None
            return self._info
        try:
            if self._install is None:
                self._install = core_models(self._client).install_job(self.job_id)
            else:
                self._install.refresh()
        except IvkError as exc:
            raise api_error(exc) from exc
        return self._seen()

    def _seen(self) -> ModelInstJobInfo:
        assert self._install is not None
        self._info = seen_info(self._install.job, core_models(self._client).list)
        return self._info

    def status(self) -> InstallJobStatus:
        if self._info is None:
            self.refresh()
        assert self._info is not None
        return self._info.status

    def is_done(self) -> bool:
        return self.status() in _TERMINAL

    def is_failed(self) -> bool:
        return self.status() == InstallJobStatus.ERROR

    def progress(self) -> float | None:
        """Bytes done as a fraction of the total, or None while the total is unknown."""
        if self._info is None:
            self.refresh()
        assert self._info is not None
        if self._info.bytes is None or not self._info.total_bytes:
            return None
        return float(self._info.bytes) / float(self._info.total_bytes)

    def cancel(self) -> bool:
        """Cancel the job: True when the server did, False when it knows no such job."""
        try:
            job = core_models(self._client).cancel_install(self.job_id)
        except NotFound:
            return False
        except IvkError as exc:
            raise api_error(exc) from exc
        if self._install is not None:
            self._install.job = job
            self._seen()
        return True

    def wait_until(self, timeout: float | None = 600.0, poll_interval: float = 2.0) -> ModelInstJobInfo:
        """Wait until the job ends (``timeout`` None: no limit) and return its info, COMPLETED.
        An install refused as a duplicate returns COMPLETED with ``extra["reason"] ==
        "already_installed"``. Raises ``ModelInstallJobFailed`` (the server's reason in the
        message and ``info``) on error or cancel, ``ModelInstallTimeout`` after ``timeout``.
        Polls quickly at first, then every ``poll_interval`` seconds."""
        if self._info is not None and self._info.status in _TERMINAL:
            return self._ended(self._info, None)
        try:
            if self._install is None:
                self._install = core_models(self._client).install_job(self.job_id)
            self._install.wait(timeout, poll_interval=poll_interval)
        except ModelAlreadyInstalled:
            return self._seen()
        except ModelInstallFailed as exc:
            return self._ended(self._seen(), exc)
        except CoreTimeout as exc:
            info = self._seen()
            raise ModelInstallTimeout(
                f"install job {self.job_id} timed out after {timeout}s (status {info.status.value})",
                last_info=info,
                timeout=timeout,
            ) from exc
        except IvkError as exc:
            raise api_error(exc) from exc
        return self._seen()

    def _ended(self, info: ModelInstJobInfo, cause: Exception | None) -> ModelInstJobInfo:
        if info.status == InstallJobStatus.COMPLETED:
            return info
        why = ": ".join(p for p in (info.error_reason, info.error) if p) or "no reason given"
        status = info.extra.get("server_status") or info.status.value
        if info.status == InstallJobStatus.UNKNOWN:
            why = f"a status this client does not know ({why})"
        raise ModelInstallJobFailed(
            f"install job {self.job_id} ended with status={status}: {why}", info=info
        ) from cause

    def wait(self, timeout: float | None = 600.0, poll_interval: float = 2.0) -> ModelInstJobInfo:
        """``wait_until`` under its older name."""
        return self.wait_until(timeout=timeout, poll_interval=poll_interval)

    def raise_if_failed(self) -> None:
        """Raise ``ModelInstallJobFailed`` if the job ended in error or was cancelled."""
        info = self.refresh() if self._info is None else self._info
        if info.status in (InstallJobStatus.ERROR, InstallJobStatus.CANCELLED):
            self._ended(info, None)

    def __repr__(self) -> str:
        status = self._info.status.value if self._info is not None else "unknown"
        return f"ModelInstJobHandle(job_id={self._job_id}, status={status})"
