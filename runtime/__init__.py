"""ivk_runtime: run InvokeAI workflows from Python; the client that generated modules import.

The layers, each importing only those before it:
  * ``errors``: every error (imports nothing);
  * ``workflow``: the workflow file as the GUI reads it (load, migrate, walk the Form), and
    ``graph``: from it to the graph the GUI enqueues. Pure; the generator imports only these;
  * ``events``: the event wire (Socket.IO over a websocket or long-polling, waiting on items),
    and ``api``: InvokeAI's REST areas as requests and answers, and the connection that sends them;
  * ``client``: the sync and async clients, planning, results, values, the base of generated
    classes (``values`` and ``generated`` here are its stable import paths);
  * ``pool``: several servers as one runner (``InvokeAIPool``), over the client;
  * ``seed``: the hand-written client's API, over the client.
``concurrency`` holds the few sync/async twins that ``scripts/unasync.py`` cannot derive.

Names are loaded on first use, so that the generator, which needs only the workflow loader,
does not pay for httpx and pydantic at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # "X as X": names a strict mypy sees as exported (__all__ is computed)
    from .client.async_client import AsyncInvokeAIClient as AsyncInvokeAIClient
    from .client.display import agallery as agallery, gallery as gallery
    from .client.results import OutputImage as OutputImage, OutputVideo as OutputVideo
    from .client.results import RunResult as RunResult
    from .client.sync_client import InvokeAIClient as InvokeAIClient
    from .client.values import BoardValue as BoardValue, Color as Color, ImageRef as ImageRef
    from .client.values import ImageValue as ImageValue, ModelRef as ModelRef
    from .errors import AuthError as AuthError, EnqueueValidationError as EnqueueValidationError
    from .errors import IvkError as IvkError, PoolFailed as PoolFailed, RunCanceled as RunCanceled
    from .errors import RunFailed as RunFailed, RunTimeout as RunTimeout, ServerError as ServerError
    from .errors import ServerUnreachable as ServerUnreachable
    from .errors import UnrunnableWorkflow as UnrunnableWorkflow, WorkflowError as WorkflowError
    from .events.waiter import ProgressEvent as ProgressEvent
    from .pool.pool_async import AsyncInvokeAIPool as AsyncInvokeAIPool
    from .pool.pool_sync import InvokeAIPool as InvokeAIPool
    from .workflow import FormInput as FormInput, Workflow as Workflow
    from .workflow import load_workflow as load_workflow, parse_workflow as parse_workflow

_WHERE = {
    "InvokeAIClient": "client.sync_client",
    "AsyncInvokeAIClient": "client.async_client",
    "InvokeAIPool": "pool.pool_sync",
    "AsyncInvokeAIPool": "pool.pool_async",
    "ProgressEvent": "events.waiter",
    "OutputImage": "client.results",
    "OutputVideo": "client.results",
    "RunResult": "client.results",
    "gallery": "client.display",
    "agallery": "client.display",
    "FormInput": "workflow",
    "Workflow": "workflow",
    "load_workflow": "workflow",
    "parse_workflow": "workflow",
    **dict.fromkeys(["BoardValue", "Color", "ImageRef", "ImageValue", "ModelRef"], "client.values"),
    **dict.fromkeys(
        ["AuthError", "EnqueueValidationError", "IvkError", "PoolFailed", "RunCanceled",
         "RunFailed", "RunTimeout", "ServerError", "ServerUnreachable", "UnrunnableWorkflow",
         "WorkflowError"],
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
