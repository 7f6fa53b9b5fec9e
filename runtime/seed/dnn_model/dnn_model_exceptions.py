"""The model manager's exceptions, with invokeai-py-client's names and signatures.

Each is also an ``IvkError``, and is raised ``from`` the core's typed error (``NotFound``,
``ModelInstallRefused``, ``ModelInstallFailed``...), which ``__cause__`` keeps.
"""

from __future__ import annotations

from typing import Any

from ...errors import IvkError

__all__ = [
    "APIRequestError",
    "InvokeAIClientError",
    "ModelInstallJobFailed",
    "ModelInstallStartError",
    "ModelInstallTimeout",
    "ModelManagerError",
]


class InvokeAIClientError(IvkError):
    """Base of the model manager's failures; ``details`` holds what else is known."""

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class APIRequestError(InvokeAIClientError):
    """A request the server refused or never answered: ``status_code`` (None when it could
    not be reached) and ``payload``, the answer's JSON (or text)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        payload: Any | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.status_code = status_code
        self.payload = payload


class ModelManagerError(InvokeAIClientError):
    """Base of the install errors."""


class ModelInstallStartError(ModelManagerError):
    """The server would not start the install; the message says its reason, and ``details``
    holds ``status_code``, ``reason`` and ``source``."""


class ModelInstallJobFailed(ModelManagerError):
    """An install job ended in error or was cancelled; ``info`` is its ``ModelInstJobInfo``
    (``error``, ``error_reason``, ``error_traceback``)."""

    def __init__(self, message: str, *, info: Any | None = None) -> None:
        super().__init__(message)
        self.info = info


class ModelInstallTimeout(ModelManagerError):
    """``wait_until`` gave up after ``timeout`` seconds; ``last_info`` is the job as last seen."""

    def __init__(self, message: str, *, last_info: Any | None = None, timeout: float | None = None) -> None:
        super().__init__(message)
        self.last_info = last_info
        self.timeout = timeout
