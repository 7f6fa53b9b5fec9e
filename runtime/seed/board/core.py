"""The core client behind whatever client the seed was given (the core ``InvokeAIClient``, or
the seed's client built on it), and its ``boards`` and ``images`` areas."""

from __future__ import annotations

from typing import Any

from ...client.boards_async import AsyncBoards
from ...client.boards_sync import Boards
from ...client.images_sync import Images
from ...client.sync_client import InvokeAIClient
from .._core import core_holder

__all__ = ["areas", "base_url", "core_client"]


def core_client(client: Any) -> InvokeAIClient:
    """The synchronous core client; TypeError for an async client (board handles block, as the
    seed's did) or for something that is not a client."""
    holder = core_holder(client, "boards", Boards, AsyncBoards, "board handles")
    if not isinstance(holder, InvokeAIClient):
        raise TypeError(f"a board repository needs an InvokeAIClient, not {type(client).__name__}")
    return holder


def areas(client: Any) -> tuple[Boards, Images]:
    core = core_client(client)
    return core.boards, core.images


def base_url(client: Any) -> str:
    return str(getattr(client, "base_url", "?"))
