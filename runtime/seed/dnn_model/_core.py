"""The core's model area behind a seed client: ``client.models`` of the synchronous client."""

from __future__ import annotations

from typing import Any

from ...client.models_async import AsyncModels
from ...client.models_sync import Models
from .._core import core_holder

__all__ = ["core_models"]


def core_models(client: Any) -> Models:
    area: Models = core_holder(client, "models", Models, AsyncModels, "model repositories").models
    return area
