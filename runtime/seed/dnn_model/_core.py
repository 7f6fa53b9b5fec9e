"""The core's model area behind a seed client: ``client.models`` of the synchronous client."""

from __future__ import annotations

from typing import Any

from ...client.models_sync import Models

__all__ = ["core_models"]


def core_models(client: Any) -> Models:
    area = getattr(client, "models", None)
    if not isinstance(area, Models):
        raise TypeError(
            f"the model repository needs the synchronous InvokeAIClient (its client.models), "
            f"not {type(client).__name__}; with AsyncInvokeAIClient use 'await client.models...'"
        )
    return area
