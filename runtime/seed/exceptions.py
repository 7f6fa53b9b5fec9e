"""invokeai-py-client's exception hierarchy (``invokeai_py_client.exceptions``), made real.

1.1.1 declared these classes but never raised them (their constructors raise
NotImplementedError). Here each takes the arguments its docstring names, and the core's typed
errors reach seed callers as both: ``translate(exc)`` gives a core error the matching class
of this hierarchy as a second base, so ``except ResourceNotFoundError`` and
``except QueueItemNotFound`` catch the same error, whose message is the server's own reason.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .. import errors as core

__all__ = [
    "APIError",
    "AuthenticationError",
    "ConfigurationError",
    "ConnectionError",
    "FileError",
    "InvokeAIError",
    "JobError",
    "ResourceNotFoundError",
    "TimeoutError",
    "ValidationError",
    "WorkflowError",
    "translate",
    "translated",
]


class InvokeAIError(Exception):
    """Base of the seed's errors: ``message`` and ``details`` (more context, a dict)."""

    def __init__(self, message: str = "", details: dict[str, Any] | None = None) -> None:
        _keep(self, "message", message)
        _keep(self, "details", dict(details or {}))
        super().__init__(message)


class ConnectionError(InvokeAIError):  # noqa: A001 - 1.1.1's name
    """The server could not be reached (``host``, ``port``)."""

    def __init__(
        self,
        message: str,
        host: str | None = None,
        port: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "host", host)
        _keep(self, "port", port)
        super().__init__(message, details)


class AuthenticationError(InvokeAIError):
    """The server refused the credentials."""

    def __init__(
        self, message: str = "Authentication failed", details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message, details)


class APIError(InvokeAIError):
    """The server answered with an error: ``status_code`` and ``response_body``."""

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        response_body: Any | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "status_code", status_code)
        _keep(self, "response_body", response_body)
        super().__init__(message, details)


class ValidationError(InvokeAIError):
    """An input was refused (``field_name``, ``field_value``, ``constraints``)."""

    def __init__(
        self,
        message: str,
        field_name: str | None = None,
        field_value: Any | None = None,
        constraints: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "field_name", field_name)
        _keep(self, "field_value", field_value)
        _keep(self, "constraints", dict(constraints or {}))
        super().__init__(message, details)


class WorkflowError(InvokeAIError):
    """A workflow could not be used (``workflow_id``, ``workflow_name``)."""

    def __init__(
        self,
        message: str,
        workflow_id: str | None = None,
        workflow_name: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "workflow_id", workflow_id)
        _keep(self, "workflow_name", workflow_name)
        super().__init__(message, details)


class JobError(InvokeAIError):
    """A job (queue item) failed or was canceled: ``job_id`` (the item id, as text),
    ``status``, and ``error_details``, the server's reason ("ZeroDivisionError: ...").

    Under a core RunFailed/RunCanceled (``WorkflowExecutionError``...) the arguments left out
    are read from it."""

    def __init__(
        self,
        message: str,
        job_id: str | None = None,
        status: str | None = None,
        error_details: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        found_id, found_status, found_reason = _job_facts(self)
        _keep(self, "job_id", job_id if job_id is not None else found_id)
        _keep(self, "status", status if status is not None else found_status)
        _keep(self, "error_details", error_details if error_details is not None else found_reason)
        super().__init__(message, details)


class ResourceNotFoundError(APIError):
    """The server has no such ``resource_type`` ("board", "image", "queue item"...)."""

    def __init__(
        self,
        resource_type: str,
        resource_id: str,
        message: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "resource_type", resource_type)
        _keep(self, "resource_id", resource_id)
        text = message or f"{resource_type} not found: {resource_id}"
        super().__init__(text, 404, None, details)


class TimeoutError(InvokeAIError):  # noqa: A001 - 1.1.1's name
    """An operation did not finish in time (``operation``, ``timeout`` in seconds)."""

    def __init__(
        self,
        message: str,
        operation: str | None = None,
        timeout: float | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "operation", operation)
        _keep(self, "timeout", timeout)
        super().__init__(message, details)


class FileError(InvokeAIError):
    """A file could not be read, written, uploaded or downloaded (``file_path``, ``operation``)."""

    def __init__(
        self,
        message: str,
        file_path: str | None = None,
        operation: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "file_path", file_path)
        _keep(self, "operation", operation)
        super().__init__(message, details)


class ConfigurationError(InvokeAIError):
    """The client's configuration is invalid (``config_key``, ``config_value``)."""

    def __init__(
        self,
        message: str,
        config_key: str | None = None,
        config_value: Any | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        _keep(self, "config_key", config_key)
        _keep(self, "config_value", config_value)
        super().__init__(message, details)


def _keep(error: BaseException, name: str, value: Any) -> None:
    """Set an attribute unless a core base of the same error set it already (a class of both,
    e.g. WorkflowTimeoutError: RunTimeout's ``timeout`` stays)."""
    if error.__dict__.get(name) is None:
        error.__dict__[name] = value


def _job_facts(exc: BaseException) -> tuple[str | None, str | None, str | None]:
    """(job id, status, reason) of a core run error, or Nones."""
    if isinstance(exc, (core.RunFailed, core.RunCanceled, core.RunTimeout)):
        job_id = None if exc.item_id is None else str(exc.item_id)
        if isinstance(exc, core.RunFailed):
            reason = ": ".join(p for p in (exc.error_type, exc.error_message) if p) or None
            return job_id, "failed", reason
        if isinstance(exc, core.RunCanceled):
            return job_id, "canceled", None
        return job_id, exc.last_status, None
    return None, None, None


# --- the core's errors as this hierarchy's -----------------------------------------------------

# core class -> the class of this hierarchy it also is (the first match in this order counts)
_MAPPING: tuple[tuple[type[core.IvkError], type[InvokeAIError]], ...] = (
    (core.AuthError, AuthenticationError),
    (core.NotFound, ResourceNotFoundError),
    (core.EnqueueValidationError, ValidationError),
    (core.HTTPStatusError, APIError),
    (core.ServerUnreachable, ConnectionError),
    (core.RequestTimeout, TimeoutError),
    (core.RunTimeout, TimeoutError),
    (core.RunFailed, JobError),
    (core.RunCanceled, JobError),
    (core.WorkflowError, WorkflowError),
    (core.DriftError, WorkflowError),
)
_COMBINED: dict[tuple[type[BaseException], ...], type[BaseException]] = {}


def _attributes(exc: core.IvkError, seed: type[InvokeAIError]) -> dict[str, Any]:
    """What the seed class's constructor would have set, read off the core error."""
    found: dict[str, Any] = {"message": str(exc), "details": {}}
    if isinstance(exc, core.HTTPStatusError):
        found.update(status_code=exc.status, response_body=exc.body)
        found["details"] = {"method": exc.method, "url": exc.url}
    if isinstance(exc, core.NotFound):
        found.update(resource_type=exc.kind, resource_id=exc.name)
    if isinstance(exc, core.ServerUnreachable):
        parts = urllib.parse.urlsplit(exc.url)
        found.update(host=parts.hostname, port=parts.port)
    if isinstance(exc, core.RequestTimeout):
        found.update(operation=f"{exc.method} {exc.url}", timeout=exc.timeout)
    if isinstance(exc, core.RunTimeout):
        found.update(operation="wait_for_completion", timeout=exc.timeout)
    if isinstance(exc, core.EnqueueValidationError) and exc.problems:
        first = exc.problems[0]
        found.update(field_name=first.attribute or first.field, constraints={})
        found["details"] = {"problems": [str(p) for p in exc.problems]}
    if issubclass(seed, JobError):
        found["job_id"], found["status"], found["error_details"] = _job_facts(exc)
    if issubclass(seed, WorkflowError):
        found.update(workflow_id=None, workflow_name=getattr(exc, "source", None))
    return found


def translate(exc: BaseException, *extra: type[BaseException]) -> BaseException:
    """``exc`` as an instance of its class *and* of the matching class of this hierarchy (and
    of ``extra`` bases, e.g. ValueError where 1.1.1 documented one); other errors unchanged."""
    if not isinstance(exc, core.IvkError):
        return exc
    seed: type[InvokeAIError] = InvokeAIError
    for core_class, seed_class in _MAPPING:
        if isinstance(exc, core_class):
            seed = seed_class
            break
    wanted = [b for b in (seed, *extra) if not isinstance(exc, b)]
    if not wanted:
        return exc
    bases = (type(exc), *wanted)
    combined = _COMBINED.get(bases)
    if combined is None:
        name = type(exc).__name__
        namespace = {"__module__": __name__, "__qualname__": name, "__doc__": type(exc).__doc__}
        combined = _COMBINED[bases] = type(name, bases, namespace)
    new = BaseException.__new__(combined)
    for key, value in _attributes(exc, seed).items():
        new.__dict__[key] = value
    new.__dict__.update(exc.__dict__)  # the core's own attributes win (WorkflowError.message)
    new.args = exc.args
    new.__cause__ = exc.__cause__
    new.__suppress_context__ = True
    return new.with_traceback(exc.__traceback__)


@contextmanager
def translated(*extra: type[BaseException]) -> Iterator[None]:
    """Raise the core errors of the block as ``translate`` makes them."""
    try:
        yield
    except core.IvkError as exc:
        new = translate(exc, *extra)
        if new is exc:
            raise
        raise new from exc.__cause__

