"""Waiting for one queue item to end, as the seed's handles need it: a failed or canceled run
is not an error here but a finished item (the handle decides whether to raise)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...errors import RunCanceled, RunFailed
from ...events import ProgressEvent
from .._dispatch import acall, call
from .results import QueueItem, WorkflowCanceledError, WorkflowExecutionError

__all__ = ["ProgressCallback", "await_item", "finish", "status_forwarder", "wait_item"]

ProgressCallback = Callable[[QueueItem], None]


def wait_item(client: Any, item_id: int, **wait: Any) -> Any:
    """The core's ``wait`` (blocking); a failed or canceled run answers its item."""
    try:
        return call(client, "wait", item_id, **wait)
    except (RunFailed, RunCanceled) as exc:
        return exc.result if exc.result is not None else call(client, "get_queue_item", item_id)


async def await_item(client: Any, item_id: int, **wait: Any) -> Any:
    """As ``wait_item``, awaitable, for either client."""
    try:
        return await acall(client, "wait", item_id, **wait)
    except (RunFailed, RunCanceled) as exc:
        if exc.result is not None:
            return exc.result
        return await acall(client, "get_queue_item", item_id)


def status_forwarder(callback: ProgressCallback | None) -> Callable[[ProgressEvent], None] | None:
    """The core reports many kinds of progress; the seed's callback saw the queue item at
    each status change, so only those pass, as a dict with at least ``status``."""
    if callback is None:
        return None

    def forward(event: ProgressEvent) -> None:
        if event.kind == "status":
            callback(QueueItem({**event.data, "item_id": event.item_id, "status": event.status}))

    return forward


def finish(item: QueueItem, raise_on_error: bool) -> QueueItem:
    if raise_on_error and item.status == "failed":
        raise WorkflowExecutionError(item)
    if raise_on_error and item.status == "canceled":
        raise WorkflowCanceledError(item)
    return item
