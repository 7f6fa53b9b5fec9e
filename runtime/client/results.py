"""What a finished queue item means to the caller: RunResult and its OutputImages.

Output mapping is pure: a queue item (and what we know about how it was submitted) in, results
out. Images are keyed back to WORKFLOW node ids through ``session.source_prepared_mapping``
(results are keyed by prepared ids) and ordered by ``prepared_iteration_paths``.

A result built from events (``complete=False``) has the item's status fields and a session
holding just the outputs; the whole queue item is fetched when ``queue_item`` is first read.
"""

from __future__ import annotations

import builtins
import datetime
import pathlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import IvkError, RunCanceled, RunFailed

from .submission import Submission

__all__ = ["OutputImage", "RunResult", "build_result", "parse_timestamp"]


class _ImageOwner(Protocol):
    """The client that produced a result: fetches its images and queue item (sync or async)."""

    def get_queue_item(self, item_id: int) -> Any: ...

    def download_image(self, image_name: str, *, full_resolution: bool = True) -> Any: ...

    def save_image(
        self, image_name: str, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> Any: ...


def _is_async(owner: object) -> bool:
    return bool(getattr(owner, "is_async", False))


@dataclass(frozen=True)
class OutputImage:
    image_name: str
    node_id: str  # the workflow node that made it (not the prepared id)
    node_type: str
    board_id: str | None  # None: uncategorized
    input_index: int | None  # the Form input that sets this node's board, if one does
    attribute: str | None  # that input's attribute name in the generated module
    width: int | None
    height: int | None
    owner: _ImageOwner | None = field(default=None, repr=False, compare=False)

    def _sync_owner(self, method: str) -> _ImageOwner:
        if self.owner is None:
            raise RuntimeError("this image is not attached to a client")
        if _is_async(self.owner):
            raise TypeError(
                f"this image came from an async client: use `await image.a{method}(...)`"
            )
        return self.owner

    def _async_owner(self, method: str) -> _ImageOwner:
        if self.owner is None:
            raise RuntimeError("this image is not attached to a client")
        if not _is_async(self.owner):
            raise TypeError(f"this image came from a sync client: use `image.{method}(...)`")
        return self.owner

    def download(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> pathlib.Path:
        """Save into ``directory`` (atomically, under the server's image name)."""
        path = self._sync_owner("download").save_image(
            self.image_name, directory, full_resolution=full_resolution
        )
        return pathlib.Path(path)

    def bytes(self, *, full_resolution: bool = True) -> builtins.bytes:
        data = self._sync_owner("bytes").download_image(
            self.image_name, full_resolution=full_resolution
        )
        return builtins.bytes(data)

    async def adownload(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> pathlib.Path:
        owner = self._async_owner("download")
        return pathlib.Path(
            await owner.save_image(self.image_name, directory, full_resolution=full_resolution)
        )

    async def abytes(self, *, full_resolution: bool = True) -> builtins.bytes:
        owner = self._async_owner("bytes")
        data = await owner.download_image(self.image_name, full_resolution=full_resolution)
        return builtins.bytes(data)


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
    error_type: str | None
    error_message: str | None
    error_traceback: str | None
    # What we know of the queue item; ``_complete`` False: only the status fields (no session).
    _item: dict[str, Any] = field(repr=False)
    owner: _ImageOwner | None = field(default=None, repr=False)
    _complete: bool = field(default=True, repr=False)

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
        "error_type",
        "error_message",
        "error_traceback",
        "queue_item",
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

    @property
    def ok(self) -> bool:
        return self.status == "completed"

    def download(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> list[pathlib.Path]:
        """Save every output image into ``directory``; the paths in ``images`` order."""
        return [img.download(directory, full_resolution=full_resolution) for img in self.images]

    async def adownload(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> list[pathlib.Path]:
        return [
            await img.adownload(directory, full_resolution=full_resolution) for img in self.images
        ]


def parse_timestamp(value: Any) -> datetime.datetime | None:
    """InvokeAI's timestamps: "2026-11-21 16:10:17.101", no time zone (server local time)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


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
        error_type=item.get("error_type"),
        error_message=item.get("error_message"),
        error_traceback=item.get("error_traceback"),
        _item=dict(item) if complete else {k: v for k, v in item.items() if k != "session"},
        owner=owner,
        _complete=complete,
    )


_NO_IMAGES = frozenset({"collect", "iterate"})  # they pass other nodes' images along


def iteration_paths(session: Mapping[str, Any]) -> Mapping[str, Sequence[int]]:
    """Prepared node id -> the indices of the iterations it ran in, outermost first.

    InvokeAI 6 records them (``prepared_iteration_paths``). InvokeAI 5 does not; there each
    prepared iterate node holds its ``index``, and a node's path is its iterate ancestors'
    indices in the execution graph (walked once, in topological order)."""
    recorded = session.get("prepared_iteration_paths")
    if isinstance(recorded, Mapping) and recorded:
        return recorded
    graph = session.get("execution_graph") or {}
    nodes: Mapping[str, Any] = graph.get("nodes") or {}
    parents: dict[str, list[str]] = {str(n): [] for n in nodes}
    children: dict[str, list[str]] = {str(n): [] for n in nodes}
    for edge in graph.get("edges") or []:
        try:
            src, dst = str(edge["source"]["node_id"]), str(edge["destination"]["node_id"])
        except (KeyError, TypeError):
            continue
        if src in parents and dst in parents:
            parents[dst].append(src)
            children[src].append(dst)
    waiting = {n: len(p) for n, p in parents.items()}
    ready = [n for n, k in waiting.items() if k == 0]
    paths: dict[str, list[int]] = {}
    while ready:
        node_id = ready.pop()
        inherited = max((paths[p] for p in parents[node_id]), key=len, default=[])
        node = nodes.get(node_id)
        own = node.get("index") if isinstance(node, Mapping) and node.get("type") == "iterate" else None
        paths[node_id] = [*inherited, int(own)] if isinstance(own, int) else list(inherited)
        for child in children[node_id]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return paths


def output_images(
    item: Mapping[str, Any],
    board_inputs: Mapping[str, tuple[int, str | None]],
    owner: _ImageOwner | None,
) -> list[OutputImage]:
    """The gallery images a finished item made: from non-intermediate nodes, nodes in execution
    order, each node's images in iteration order."""
    session = item.get("session") or {}
    nodes: Mapping[str, Any] = (session.get("graph") or {}).get("nodes") or {}
    results: Mapping[str, Any] = session.get("results") or {}
    mapping: Mapping[str, Sequence[str]] = session.get("source_prepared_mapping") or {}
    paths = iteration_paths(session)

    order = list(dict.fromkeys(str(n) for n in session.get("executed_history") or []))
    order += [n for n in nodes if n not in order]
    seen: set[str] = set()
    images = []
    for node_id in order:
        node = nodes.get(node_id)
        if not isinstance(node, Mapping) or node.get("type") in _NO_IMAGES:
            continue
        if node.get("is_intermediate"):
            continue
        listed = list(mapping.get(node_id) or [])
        prepared = [
            p
            for _, p in sorted(enumerate(listed), key=lambda e: (list(paths.get(e[1]) or []), e[0]))
        ]
        board = node.get("board")
        board_id = board.get("board_id") if isinstance(board, Mapping) else None
        index, attribute = board_inputs.get(node_id, (None, None))
        for pid in prepared:
            result = results.get(pid)
            if not isinstance(result, Mapping):
                continue
            found = [
                v["image_name"]
                for v in result.values()
                if isinstance(v, Mapping) and isinstance(v.get("image_name"), str)
            ]
            for name in found:
                if name in seen:
                    continue
                seen.add(name)
                single = len(found) == 1
                images.append(
                    OutputImage(
                        image_name=name,
                        node_id=node_id,
                        node_type=str(node.get("type", "")),
                        board_id=str(board_id) if board_id else None,
                        input_index=index,
                        attribute=attribute,
                        width=_int(result.get("width")) if single else None,
                        height=_int(result.get("height")) if single else None,
                        owner=owner,
                    )
                )
    return images


def _int(v: Any) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


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
