"""The board, queue and model handles find the core's area by one rule: the client itself,
or what it holds as ``.core`` / ``._core``; an async client is refused with a pointer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ivk_runtime import AsyncInvokeAIClient, InvokeAIClient
from ivk_runtime.seed.board.core import core_client
from ivk_runtime.seed.dnn_model._core import core_models
from ivk_runtime.seed.queue.core import core_queue

URL = "http://127.0.0.1:9"  # never contacted: finding an area sends nothing

FINDERS: list[tuple[Callable[[Any], Any], Callable[[InvokeAIClient], Any]]] = [
    (core_client, lambda c: c),
    (core_queue, lambda c: c.queue),
    (core_models, lambda c: c.models),
]


class Holder:
    def __init__(self, core: Any) -> None:
        self.core = core


@pytest.mark.parametrize(("find", "expected"), FINDERS)
def test_every_handle_finds_the_area_the_same_way(find: Callable[[Any], Any], expected: Any) -> None:
    with InvokeAIClient(URL) as client:
        assert find(client) is expected(client)
        assert find(Holder(client)) is expected(client)  # core_models refused a holder before


@pytest.mark.parametrize(("find", "expected"), FINDERS)
async def test_every_handle_refuses_the_async_client(find: Callable[[Any], Any], expected: Any) -> None:
    async with AsyncInvokeAIClient(URL) as client:
        for given in (client, Holder(client)):
            with pytest.raises(TypeError, match="synchronous InvokeAIClient"):
                find(given)
    with pytest.raises(TypeError, match="need an InvokeAIClient"):
        find(object())
