"""What a finished queue item means to the caller: a RunResult (its images, videos and node
outputs from ``outputs``), and the error a failed or canceled one raises.

A result built from events (``complete=False``) has the item's status fields and a session
holding just the outputs; the whole queue item is fetched when ``queue_item`` is first read.
"""

from __future__ import annotations

import datetime
import pathlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..api.queue_types import timestamp as parse_timestamp  # one reading of InvokeAI's timestamps
from ..errors import IvkError, RunCanceled, RunFailed
from ..urls import public_url
from .display import node_labels, result_html
from .outputs import OutputImage, OutputVideo, _ImageOwner, _is_async, node_outputs, output_images, output_videos
from .submission import Submission

__all__ = ["OutputImage", "OutputVideo", "Placement", "RunResult", "build_result", "parse_timestamp"]


@dataclass(frozen=True)
class Placement:
    """Where a pool of servers had queued a run before moving it to another server: the
    server, and the batch and item there (None where the enqueue's answer was lost), what the
    item was last seen doing, and why the run moved."""

    server: str
    batch_id: str | None
    item_id: int | None
    last_status: str | None
    why: str


@dataclass(eq=False)
class RunResult:
    """One finished queue item. Also reads like a dict: ``result["status"]``; keys that are not
    fields fall through to the raw queue item (``result["session"]``).

    ``queue_item`` is the server's whole item. A run's result is built from its events, so the
    item (with its session) is fetched on first use: on an async client's result that needs
    ``await result.aqueue_item()``."""

    status: str
    item_id: int
    batch_id: str | None
    created_at: datetime.datetime | None
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    duration: float | None  # the server's own created -> completed seconds
    values: dict[int, Any]  # the value set this item ran with (as passed to enqueue)
    images: list[OutputImage]
    videos: list[OutputVideo]
    # every workflow node's outputs: node id -> one dict of output fields per time it ran
    outputs: dict[str, list[dict[str, Any]]]
    error_type: str | None
    error_message: str | None
    error_traceback: str | None
    # What we know of the queue item; ``_complete`` False: only the status fields (no session).
    _item: dict[str, Any] = field(repr=False)
    owner: _ImageOwner | None = field(default=None, repr=False)
    _complete: bool = field(default=True, repr=False)
    server: str | None = None  # the base URL of the server that ran it
    # a pool's run moved off servers that failed: where it was queued before, oldest first
    moved_from: tuple[Placement, ...] = ()
    # workflow node id -> its label, for captions (from the workflow the run was sent with)
    node_labels: dict[str, str] = field(default_factory=dict, repr=False)

    _KEYS = (
        "status",
        "item_id",
        "batch_id",
        "created_at",
        "started_at",
        "completed_at",
        "duration",
        "values",
        "images",
        "videos",
        "outputs",
        "error_type",
        "error_message",
        "error_traceback",
        "queue_item",
        "server",
        "moved_from",
    )

    @property
    def queue_item(self) -> dict[str, Any]:
        if not self._complete:
            if self.owner is None:
                raise RuntimeError("this result is not attached to a client")
            if _is_async(self.owner):
                raise TypeError(
                    "this result came from an async client: use `await result.aqueue_item()`"
                )
            self._loaded(self.owner.get_queue_item(self.item_id))
        return self._item

    async def aqueue_item(self) -> dict[str, Any]:
        """``queue_item``, fetched on an async client if needed."""
        if not self._complete:
            if self.owner is None or not _is_async(self.owner):
                return self.queue_item
            self._loaded(await self.owner.get_queue_item(self.item_id))
        return self._item

    def _loaded(self, item: Any) -> None:
        self._item = dict(item)
        self._complete = True

    def __getitem__(self, key: str) -> Any:
        if key in self._KEYS:
            return getattr(self, key)
        if not self._complete and key in self._item and key != "session":
            return self._item[key]  # a status field: the same in the whole item
        return self.queue_item[key]

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def keys(self) -> tuple[str, ...]:
        return self._KEYS

    def __iter__(self) -> Iterator[str]:
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)

    def __contains__(self, key: object) -> bool:
        if key in self._KEYS or (key in self._item and key != "session"):
            return True
        return key in self.queue_item

    def output(self, node_id: str, field: str) -> Any:
        """The value of one output field of a workflow node that ran once (a string, a number,
        a collection...); for a node that ran several times, ``outputs[node_id]``."""
        ran = self.outputs.get(node_id)
        if not ran:
            known = ", ".join(sorted(self.outputs)) or "none"
            raise KeyError(f"node {node_id!r} has no outputs in item {self.item_id} (nodes with outputs: {known})")
        if len(ran) > 1:
            raise ValueError(f"node {node_id!r} ran {len(ran)} times (iterated): read outputs[{node_id!r}]")
        if field not in ran[0]:
            raise KeyError(f"node {node_id!r} has no output {field!r} (it has: {', '.join(sorted(ran[0]))})")
        return ran[0][field]

    @property
    def ok(self) -> bool:
        return self.status == "completed"

    def download(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> list[pathlib.Path]:
        """Save every output image into ``directory``; the paths in ``images`` order."""
        return [img.download(directory, full_resolution=full_resolution) for img in self.images]

    def _repr_html_(self) -> str:
        """Jupyter: the run's images as thumbnails with their nodes, its status, its error."""
        return result_html(self)

    async def adownload(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> list[pathlib.Path]:
        return [
            await img.adownload(directory, full_resolution=full_resolution) for img in self.images
        ]


def build_result(
    item: Mapping[str, Any],
    submission: Submission | None,
    owner: _ImageOwner | None,
    *,
    complete: bool = True,
) -> RunResult:
    """``complete`` False: ``item`` was built from events (see ``_waiter``); the whole queue
    item is fetched through ``owner`` when asked for."""
    created = parse_timestamp(item.get("created_at"))
    started = parse_timestamp(item.get("started_at"))
    completed = parse_timestamp(item.get("completed_at"))
    duration = (completed - created).total_seconds() if created and completed else None
    values: dict[int, Any] = {}
    board_inputs: Mapping[str, tuple[int, str | None]] = {}
    if submission is not None:
        index = submission.confirm(item)
        if index is not None:
            values = dict(submission.values_list[index])
        board_inputs = submission.board_inputs
    sent = [plan.workflow for plan, _ in submission.plans[:1]] if submission else []
    return RunResult(
        status=str(item.get("status", "")),
        item_id=int(item.get("item_id", -1)),
        batch_id=item.get("batch_id"),
        created_at=created,
        started_at=started,
        completed_at=completed,
        duration=duration,
        values=values,
        images=output_images(item, board_inputs, owner),
        videos=output_videos(item, board_inputs, owner),
        outputs=node_outputs(item),
        error_type=item.get("error_type"),
        error_message=item.get("error_message"),
        error_traceback=item.get("error_traceback"),
        _item=dict(item) if complete else {k: v for k, v in item.items() if k != "session"},
        owner=owner,
        _complete=complete,
        server=public_url(url) if (url := getattr(owner, "base_url", None)) else None,
        node_labels=node_labels([*sent, item.get("workflow")]),
    )


def failure(result: RunResult, results: list[RunResult] | None = None) -> IvkError | None:
    """The error a failed or canceled result raises (``results``: all of a run_many)."""
    everything: list[object] | None = list(results) if results is not None else None
    if result.status == "failed":
        return RunFailed(
            result.item_id,
            result.error_type,
            result.error_message,
            result.error_traceback,
            result=result,
            results=everything,
        )
    if result.status == "canceled":
        return RunCanceled(result.item_id, result=result, results=everything)
    return None


def first_failure(results: list[RunResult]) -> IvkError | None:
    for result in results:
        exc = failure(result, results)
        if exc is not None:
            return exc
    return None
