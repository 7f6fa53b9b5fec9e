# Generated from model_install_async.py by scripts/unasync.py: edit that file, then run the script.
"""One model install job on the server, from ``client.models.install(...)``: its state as last
seen, waiting for its end, cancelling it.

Waiting polls the job (``GET /api/v2/models/install/{id}``), quickly at first (a local file
installs in well under a second), then every ``poll_interval`` seconds. The job record answers
alike on every InvokeAI version; the install events go to the admin room only, and the
client's event session keeps events per queue item, not per install job.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..api import models
from ..api.connection_sync import Connection
from ..api.model_types import InstallJob
from ..concurrency import sleep
from ..api.missing import as_not_found
from ..errors import HTTPStatusError, ModelInstallTimeout

__all__ = ["ModelInstall"]

_FIRST_POLL = 0.05  # seconds; doubled after each look, up to ``poll_interval``


class ModelInstall:
    """A model install job. ``job`` is its state as last seen (``refresh`` looks again)."""

    def __init__(self, conn: Connection, job: InstallJob) -> None:
        self._conn = conn
        self.job = job

    @property
    def id(self) -> int:
        return self.job.id

    def __repr__(self) -> str:
        return f"<model install {self.job.id} {self.job.source!r}: {self.job.status}>"

    def refresh(self) -> InstallJob:
        """The job as the server has it now (``NotFound`` once pruned from its list)."""
        call = models.install_job_call(self.job.id)
        try:
            data = self._conn.json(call)
        except HTTPStatusError as exc:
            raise as_not_found(exc, "install job", str(self.job.id)) from exc
        self.job = models.parse_job(data)
        return self.job

    def wait(
        self,
        timeout: float | None = None,
        *,
        progress: Callable[[InstallJob], None] | None = None,
        poll_interval: float = 1.0,
    ) -> InstallJob:
        """Wait until the job is done and return it, completed (``job.model`` is the installed
        model). Raises ``ModelInstallFailed`` with the server's reason if it ended in error
        (``ModelAlreadyInstalled`` for a duplicate) or was cancelled, ``ModelInstallStatusUnknown``
        at once for a status this client does not know, and ``ModelInstallTimeout``
        after ``timeout`` seconds (None: no limit; the job goes on either way).
        ``progress`` is called with the job each time its status or byte count changes."""
        deadline = None if timeout is None else time.monotonic() + timeout
        delay = min(_FIRST_POLL, poll_interval)
        seen: tuple[str, int] | None = None
        job = self.job
        while True:
            if progress is not None and (job.status, job.bytes) != seen:
                seen = (job.status, job.bytes)
                progress(job)
            if job.done or job.status == "unknown":
                failure = models.install_failure(job)
                if failure is not None:
                    raise failure
                return job
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ModelInstallTimeout(job.id, timeout or 0.0, job.status, job)
                delay = min(delay, left)
            sleep(delay)
            delay = min(delay * 2, poll_interval)
            job = self.refresh()

    def cancel(self) -> InstallJob:
        """Ask the server to cancel the job; the job as it is afterwards. Cancelling a job
        that has ended marks it "cancelled" too (the server's behaviour)."""
        call = models.cancel_install_call(self.job.id)
        try:
            self._conn.json(call)
        except HTTPStatusError as exc:  # 415: "No job with id N known"
            raise as_not_found(exc, "install job", str(self.job.id), (404, 415)) from exc
        return self.refresh()
