"""The client: ``AsyncInvokeAIClient`` (``async_client``, the source) and ``InvokeAIClient``
(``sync_client``, generated from it), what they do for a run (``plan`` of batches,
``submission``, ``results``), the values Form inputs take (``values``), and the base class of
generated modules (``generated``). Built on ``api`` (requests), ``events`` (waiting) and the
pure ``workflow`` and ``graph`` layers.

The clients are loaded on first use, so that ``values`` and ``generated`` import light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .async_client import AsyncInvokeAIClient
    from .sync_client import InvokeAIClient

__all__ = ["AsyncInvokeAIClient", "InvokeAIClient"]

_WHERE = {"AsyncInvokeAIClient": "async_client", "InvokeAIClient": "sync_client"}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
