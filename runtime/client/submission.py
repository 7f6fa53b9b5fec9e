"""What one enqueue put on the queue: its batches, its items, and which value set each item
runs (checked against the values the server reports it ran with)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..api.queue import Enqueued
from .plan import BatchPlan

__all__ = ["Submission", "make_submission"]


@dataclass
class Submission:
    """What one ``enqueue`` put on the queue, and which value set each item runs."""

    batch_ids: list[str]
    item_ids: list[int]  # grouped by value set, in values_list order
    value_index: dict[int, int]  # item id -> index into values_list
    values_list: list[dict[int, Any]]
    queue_id: str = "default"
    # How results map back: Form inputs setting a node's board, attribute names, the plans.
    board_inputs: dict[str, tuple[int, str | None]] = field(default_factory=dict, repr=False)
    plans: list[tuple[BatchPlan, list[int]]] = field(default_factory=list, repr=False)

    @property
    def batch_id(self) -> str:
        return self.batch_ids[0]

    def items_for(self, index: int) -> list[int]:
        """The item ids that run value set ``index``."""
        return [i for i in self.item_ids if self.value_index.get(i) == index]

    def confirm(self, item: Mapping[str, Any]) -> int | None:
        """The value set of a finished queue item, checked against the values it ran with."""
        item_id = int(item.get("item_id", -1))
        for plan, ids in self.plans:
            if item_id in ids:
                ran = item.get("field_values") or _field_values(item, plan.zipped)
                index = plan.member_of(ids.index(item_id), ran)
                self.value_index[item_id] = index
                return index
        return self.value_index.get(item_id)


def _field_values(
    item: Mapping[str, Any], zipped: Sequence[Mapping[tuple[str, str], Any]]
) -> list[dict[str, Any]]:
    """``field_values`` as the session's nodes hold them (batch data is pasted into its graph):
    what an item built from events has instead."""
    nodes = ((item.get("session") or {}).get("graph") or {}).get("nodes") or {}
    keys = {key for member in zipped for key in member}
    return [
        {"node_path": n, "field_name": f, "value": nodes[n][f]}
        for n, f in sorted(keys)
        if isinstance(nodes.get(n), Mapping) and f in nodes[n]
    ]


def make_submission(
    queue_id: str,
    values_list: Sequence[Mapping[int, Any]],
    enqueued: Sequence[tuple[BatchPlan, Enqueued]],
    board_inputs: dict[str, tuple[int, str | None]],
) -> Submission:
    value_index: dict[int, int] = {}
    plans = []
    for plan, answer in enqueued:
        for position, item_id in enumerate(answer.item_ids):
            value_index[item_id] = plan.member_of(position, None)
        plans.append((plan, list(answer.item_ids)))
    ordered = sorted(value_index, key=lambda i: (value_index[i], i))
    return Submission(
        batch_ids=[answer.batch_id for _, answer in enqueued],
        item_ids=ordered,
        value_index=value_index,
        values_list=[dict(v) for v in values_list],
        queue_id=queue_id,
        board_inputs=board_inputs,
        plans=plans,
    )
