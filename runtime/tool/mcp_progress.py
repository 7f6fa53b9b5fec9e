"""A run's ProgressEvents as MCP progress notifications (pure): a value that only ever grows
(MCP requires it), the nodes finished plus the running node's share, and a line saying what
happens. No total: iterations and batch items make the count of node runs unknown ahead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..events.waiter import ProgressEvent

__all__ = ["ProgressCount", "ProgressStep"]

_NEARLY_DONE = 0.99  # a node's share stays below its "complete"


@dataclass(frozen=True)
class ProgressStep:
    progress: float
    message: str


class ProgressCount:
    """Turns each event into the step to send, or None when it would not advance the value."""

    def __init__(self) -> None:
        self._finished = 0  # node runs completed, over every queue item of the call
        self._sent: float | None = None

    def step(self, event: ProgressEvent) -> ProgressStep | None:
        share = 0.0
        if event.kind == "complete":
            self._finished += 1
        elif event.kind == "progress" and event.percentage is not None:
            pct = event.percentage / 100 if event.percentage > 1 else event.percentage
            share = min(max(pct, 0.0), _NEARLY_DONE)
        value = self._finished + share
        if self._sent is not None and value <= self._sent:
            return None
        self._sent = value
        return ProgressStep(value, _describe(event))


def _describe(event: ProgressEvent) -> str:
    node = event.node_type or event.node_id or "node"
    if event.kind == "status":
        return f"run {event.item_id}: {event.status}" + (
            f": {event.message}" if event.message else ""
        )
    if event.kind == "complete":
        return f"run {event.item_id}: {node} done"
    text = f"run {event.item_id}: {node}" + (f": {event.message}" if event.message else "")
    if event.percentage is not None:
        pct = event.percentage if event.percentage > 1 else 100 * event.percentage
        text += f" ({pct:.0f}%)"
    return text
