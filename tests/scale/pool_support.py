"""Helpers of the pool tests: what a server's queue holds of a test's runs, and the checks
that each result is its own value set's (sizes are distinct per run)."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from ivk_runtime import InvokeAIClient, RunResult

REPO = pathlib.Path(__file__).resolve().parents[2]


def load_module(path: pathlib.Path, name: str) -> ModuleType:
    """A generated module by its path, under a name of its own."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pydantic resolves the annotations through sys.modules
    spec.loader.exec_module(module)
    return module


blur = load_module(REPO / "generated_examples" / "blur_image.py", "pool_blur_image")


def last_item_id(url: str) -> int:
    """The newest item id on the server's queue (0 when empty): a test's runs come after it."""
    with InvokeAIClient(url) as client:
        newest = client.queue.items(limit=1)
    return newest[0].item_id if newest else 0


def items_since(url: str, after: int) -> dict[int, str]:
    """Item id -> status of every item enqueued on the server after ``after``."""
    with InvokeAIClient(url) as client:
        items = client.queue.items(limit=None, newest_first=False)
    return {i.item_id: i.status for i in items if i.item_id > after}


def queue_total(url: str) -> int:
    """How many items the server's queue has (any status): 4.2.9 lists no items."""
    with InvokeAIClient(url) as client:
        return client.queue.status().counts.total


def assert_own_sizes(params: Sequence[Any], results: Sequence[RunResult]) -> None:
    """Each result is its own value set's: its values, and an image of its width and height."""
    assert len(results) == len(params)
    for p, r in zip(params, results):
        assert r.status == "completed", r
        assert r.values == p.to_values()
        assert len(r.images) == 1
        assert (r.images[0].width, r.images[0].height) == (p.width, p.height), (p, r)
