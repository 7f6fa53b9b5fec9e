"""What a run hands back in the seed's API: the queue item (a dict), the errors, the output mapping.

The seed returned the server's queue item as a plain dict and raised RuntimeError/TimeoutError;
these types keep that (``QueueItem`` *is* a dict, the errors subclass those builtins) while
carrying the core's typed errors and the failure's reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

from ...errors import IvkError, RunCanceled, RunFailed, RunTimeout
from ...client.results import OutputImage, RunResult
from .. import exceptions as seed_errors  # 1.1.1's classes: except JobError catches these too

__all__ = [
    "OutputMapping",
    "QueueItem",
    "WorkflowCanceledError",
    "WorkflowExecutionError",
    "WorkflowSubmissionError",
    "WorkflowTimeoutError",
    "map_outputs",
]

from ...api.queue_types import TERMINAL_STATUSES as TERMINAL_STATUSES  # noqa: E402 - the one definition


class QueueItem(dict[str, Any]):
    """The server's queue item, unchanged (``item.get('status')``, ``item['session']``), with
    typed shortcuts. The failure's reason is ``error_type``/``error_message`` (``.error``).
    ``run_result`` is the core's RunResult for it, when it came from a wait (typed images)."""

    run_result: RunResult | None = None

    @classmethod
    def of(cls, result: RunResult | Mapping[str, Any]) -> QueueItem:
        if isinstance(result, RunResult):
            item = cls(result.queue_item)
            item.run_result = result
            return item
        return cls(result)

    @property
    def images(self) -> list[OutputImage]:
        """The output images, typed, when the core's result is attached (else [])."""
        return list(self.run_result.images) if self.run_result is not None else []

    @property
    def status(self) -> str | None:
        s = self.get("status")
        return s if isinstance(s, str) else None

    @property
    def item_id(self) -> int | None:
        i = self.get("item_id")
        return i if isinstance(i, int) else None

    @property
    def session_id(self) -> str | None:
        s = self.get("session_id")
        return s if isinstance(s, str) else None

    @property
    def error_type(self) -> str | None:
        return self.get("error_type")

    @property
    def error_message(self) -> str | None:
        return self.get("error_message")

    @property
    def error_traceback(self) -> str | None:
        return self.get("error_traceback")

    @property
    def error(self) -> str | None:
        """Why the item failed, as one line ("ZeroDivisionError: division by zero")."""
        if self.error_type is None and self.error_message is None:
            return None
        return ": ".join(p for p in (self.error_type, self.error_message) if p)

    @property
    def is_finished(self) -> bool:
        return self.status in TERMINAL_STATUSES


class WorkflowSubmissionError(IvkError, seed_errors.WorkflowError, RuntimeError):
    """The server refused the workflow; ``__cause__`` is the core's error (with ``problems``)."""


class WorkflowExecutionError(RunFailed, seed_errors.JobError, RuntimeError):
    """The queue item failed; ``queue_item`` holds it, with the reason."""

    def __init__(self, queue_item: QueueItem) -> None:
        self.queue_item = queue_item
        super().__init__(
            queue_item.item_id,
            queue_item.error_type,
            queue_item.error_message,
            queue_item.error_traceback,
            result=queue_item,
        )


class WorkflowCanceledError(RunCanceled, seed_errors.JobError, RuntimeError):
    def __init__(self, queue_item: QueueItem) -> None:
        self.queue_item = queue_item
        super().__init__(queue_item.item_id, result=queue_item)


class WorkflowTimeoutError(RunTimeout, seed_errors.TimeoutError, TimeoutError):
    """Not finished in time (a TimeoutError, as the seed raised); the item keeps running."""


class OutputMapping(TypedDict):
    """The images one output node (a Form-exposed board field) produced.

    ``tier`` says how they were found, best first: "results" (the session's results of this
    node's prepared copies, authoritative), "legacy" (an older ``outputs`` list),
    "traversal" (images of nodes downstream of it, a guess), "none" (nothing found).
    """

    node_id: str
    board_id: str
    image_names: list[str]
    tier: str
    node_type: str
    input_index: int
    label: str


def _images_of(payload: object) -> list[str]:
    """Image names in one node's output (``image``, or an image ``collection``)."""
    if not isinstance(payload, Mapping):
        return []
    found: list[str] = []
    candidates: list[Any] = [payload.get("image")]
    coll = payload.get("collection")
    if isinstance(coll, list):
        candidates += coll
    for c in candidates:
        if isinstance(c, Mapping) and isinstance(c.get("image_name"), str):
            found.append(c["image_name"])
    return found


def _add(target: list[str], names: Iterable[str]) -> None:
    target.extend(n for n in names if n not in target)


def map_outputs(
    queue_item: Mapping[str, Any], outputs: Iterable[tuple[str, str, int, str]]
) -> list[OutputMapping]:
    """Map each output ``(node_id, node_type, input_index, label)`` to its images."""
    session = queue_item.get("session") or {}
    graph_nodes = (session.get("graph") or {}).get("nodes") or {}
    results: Mapping[str, Any] = session.get("results") or {}
    prepared_to_source: Mapping[str, str] = session.get("prepared_source_mapping") or {}
    exec_edges = (session.get("execution_graph") or {}).get("edges") or []

    source_to_prepared: Mapping[str, list[str]] = session.get("source_prepared_mapping") or {}
    paths: Mapping[str, list[int]] = session.get("prepared_iteration_paths") or {}

    def prepared_of(node_id: str) -> list[str]:
        found = list(source_to_prepared.get(node_id) or [])
        found += [p for p, s in prepared_to_source.items() if s == node_id and p not in found]
        if not found and node_id in results:
            found = [node_id]  # results keyed by the node's own id
        return sorted(found, key=lambda p: list(paths.get(p) or []))  # iteration order

    def own_images(node_id: str) -> list[str]:
        names: list[str] = []
        for p in prepared_of(node_id):
            _add(names, _images_of(results.get(p)))
        return names

    legacy: dict[str, list[str]] = {}
    for out in queue_item.get("outputs") or []:
        node = (out.get("node_id") or out.get("id")) if isinstance(out, Mapping) else None
        if isinstance(node, str):
            _add(legacy.setdefault(node, []), _images_of(out))

    forward: dict[str, list[str]] = {}
    for e in exec_edges:
        src, dst = (e.get("source") or {}).get("node_id"), (e.get("destination") or {}).get(
            "node_id"
        )
        if isinstance(src, str) and isinstance(dst, str):
            forward.setdefault(src, []).append(dst)

    def downstream(node_id: str) -> list[str]:
        # Images of nodes reachable from this node's prepared copies (a guess: nothing direct).
        stack = prepared_of(node_id)
        seen: set[str] = set(stack)
        found: list[str] = []
        while stack:
            for nxt in forward.get(stack.pop(), []):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
                    _add(found, _images_of(results.get(nxt)))
        return found

    mappings: list[OutputMapping] = []
    for node_id, node_type, index, label in outputs:
        gnode = graph_nodes.get(node_id) or {}
        board = gnode.get("board")
        board_id = board.get("board_id") if isinstance(board, Mapping) else None
        images = own_images(node_id)
        if images:
            tier = "results"
        elif legacy.get(node_id):
            tier, images = "legacy", list(legacy[node_id])
        else:
            images = downstream(node_id)
            tier = "traversal" if images else "none"
        mappings.append(
            OutputMapping(
                node_id=node_id,
                board_id=board_id if isinstance(board_id, str) else "none",
                image_names=images,
                tier=tier,
                node_type=str(gnode.get("type") or node_type),
                input_index=index,
                label=label,
            )
        )
    return mappings
