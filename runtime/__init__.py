"""ivk_runtime: run InvokeAI workflows from Python; the client that generated modules import.

Names are loaded on first use, so that the generator, which needs only the workflow loader,
does not pay for httpx and pydantic at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .async_client import AsyncInvokeAIClient
    from .client import InvokeAIClient
    from .errors import (
        EnqueueValidationError,
        IvkError,
        RunCanceled,
        RunFailed,
        RunTimeout,
        ServerError,
        ServerUnreachable,
        WorkflowError,
    )
    from .events import ProgressEvent
    from .results import OutputImage, RunResult
    from .values import BoardValue, Color, ImageRef, ImageValue, ModelRef
    from .workflow import FormInput, Workflow, load_workflow, parse_workflow

_WHERE = {
    "InvokeAIClient": "client",
    "AsyncInvokeAIClient": "async_client",
    "ProgressEvent": "events",
    "OutputImage": "results",
    "RunResult": "results",
    "FormInput": "workflow",
    "Workflow": "workflow",
    "load_workflow": "workflow",
    "parse_workflow": "workflow",
    **dict.fromkeys(["BoardValue", "Color", "ImageRef", "ImageValue", "ModelRef"], "values"),
    **dict.fromkeys(
        ["EnqueueValidationError", "IvkError", "RunCanceled", "RunFailed", "RunTimeout",
         "ServerError", "ServerUnreachable", "WorkflowError"],
        "errors",
    ),  # fmt: skip
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'ivk_runtime' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
