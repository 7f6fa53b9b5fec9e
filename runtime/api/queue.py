"""The queue: enqueue a batch, read and cancel items, and find a batch whose enqueue answer was
lost (requests and answers, pure; ``find_batch`` is a generator of calls)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from ..errors import (
    EnqueueProblem,
    EnqueueValidationError,
    HTTPStatusError,
    QueueItemNotFound,
    ServerError,
    UnexpectedAnswer,
)
from .call import Call, parse_json, segment

__all__ = [
    "ORIGIN",
    "Enqueued",
    "Locate",
    "cancel_batches_call",
    "cancel_call",
    "enqueue_answer",
    "enqueue_call",
    "enqueue_problems",
    "find_batch",
    "LOST_ENQUEUE_LOOKS",
    "RESEND_PAUSES",
    "check_complete",
    "queue_item_call",
    "action_call",
    "batch_status_call",
    "current_call",
    "delete_item_call",
    "item_missing",
    "parse_count",
    "processor_call",
    "status_call",
]

ORIGIN = "ivk-codegen"  # queue items' ``origin``: lets users tell our runs from the GUI's
DESTINATION = "gallery"  # as the GUI's workflow editor: results belong in the gallery

# (node id, field) -> (Form input index, attribute name): names the inputs a 422 is about
Locate = Callable[[str, str | None], tuple[int | None, str | None]]


def queue_item_call(queue_id: str, item_id: int, *, timeout: float | None = None) -> Call:
    return Call(
        "GET", f"/api/v1/queue/{segment(queue_id)}/i/{int(item_id)}", idempotent=True, timeout=timeout
    )


def cancel_call(queue_id: str, item_id: int) -> Call:
    return Call("PUT", f"/api/v1/queue/{segment(queue_id)}/i/{int(item_id)}/cancel")


def cancel_batches_call(queue_id: str, batch_ids: list[str]) -> Call:
    return Call(
        "PUT",
        f"/api/v1/queue/{segment(queue_id)}/cancel_by_batch_ids",
        json_body={"batch_ids": batch_ids},
    )


def enqueue_call(
    queue_id: str,
    graph: dict[str, Any],
    *,
    data: list[list[dict[str, Any]]] | None,
    workflow: dict[str, Any] | None,
    runs: int = 1,
    batch_id: str | None = None,
) -> Call:
    # Our own batch_id: if the answer is lost (timeout), the batch can still be canceled.
    batch: dict[str, Any] = {
        "batch_id": batch_id or str(uuid.uuid4()),
        "graph": graph,
        "runs": runs,
        "origin": ORIGIN,
        "destination": DESTINATION,
    }
    if data:
        batch["data"] = data
    if workflow is not None:
        batch["workflow"] = workflow
    return Call(
        "POST",
        f"/api/v1/queue/{segment(queue_id)}/enqueue_batch",
        json_body={"prepend": False, "batch": batch},
    )


@dataclass(frozen=True)
class Enqueued:
    batch_id: str
    item_ids: list[int]  # ascending: the order the server generated the sessions in
    requested: int
    # False when the answer did not list the items (InvokeAI before 6.0): find them by batch id
    listed: bool = True


def parse_enqueued(data: Any) -> Enqueued:
    batch = data.get("batch") or {}
    listed = "item_ids" in data
    ids = sorted(int(i) for i in data.get("item_ids") or [])
    requested = int(data.get("requested", len(ids)))
    return Enqueued(str(batch.get("batch_id", "")), ids, requested, listed)


def enqueue_answer(
    call: Call,
    url: str,
    status: int,
    text: str,
    locate: Callable[[str, str | None], tuple[int | None, str | None]],
    *,
    token_sent: bool = False,
) -> Enqueued:
    """Read enqueue_batch's answer: a 422 names the Form inputs at fault; a partial enqueue
    (the queue is full) is an error, so the caller cancels rather than run half the sets."""
    if status == 422:
        raise enqueue_problems(text, locate) or HTTPStatusError(call.method, url, status, text)
    answer = parse_enqueued(parse_json(call, url, status, text, token_sent=token_sent))
    if answer.listed:
        check_complete(answer)
    return answer


def check_complete(answer: Enqueued) -> None:
    if len(answer.item_ids) < answer.requested:
        raise ServerError(
            f"the queue took {len(answer.item_ids)} of {answer.requested} runs of batch "
            f"{answer.batch_id} (queue full?)"
        ).on_queue([answer.batch_id], answer.item_ids)


# --- an enqueue POST that got no answer ---------------------------------------------------------

SUMMARY_CHUNK = 100  # item summaries asked for at once while looking for a batch's items


LIST_PAGE = 500  # items a page while listing the queue (InvokeAI 5, which has no item_ids)


def find_batch(
    queue_id: str, batch_id: str, *, after: int = 0
) -> Generator[Call, Any, Enqueued | None]:
    """The batch as if enqueue_batch had answered, or None when it is not on the queue.

    Sans-I/O: yields each Call and is sent back its parsed JSON answer. The server enqueues
    a batch in one transaction, so its items are all there or none are. ``after``: an item
    id known to be older than the batch (where InvokeAI 5's listing may start).
    ``requested`` is what was found: a partial (queue-full) enqueue is not detectable here.
    """
    q = segment(queue_id)
    status = yield Call("GET", f"/api/v1/queue/{q}/b/{segment(batch_id)}/status", idempotent=True)
    total = int(status.get("total") or 0) if isinstance(status, dict) else 0
    if total == 0:
        return None
    # No endpoint lists one batch's items: scan the queue's ids (newest first) in chunks.
    listing = yield Call("GET", f"/api/v1/queue/{q}/item_ids", idempotent=True, expect=(200, 404))
    if not isinstance(listing, dict) or "item_ids" not in listing:  # InvokeAI 5: list pages
        found = yield from _listed_items(q, batch_id, total, after)
    else:
        ids = [int(i) for i in listing.get("item_ids") or []]
        found = []
        for start in range(0, len(ids), SUMMARY_CHUNK):
            summaries = yield Call(
                "POST",
                f"/api/v1/queue/{q}/item_summaries_by_ids",
                json_body={"item_ids": ids[start : start + SUMMARY_CHUNK]},
                idempotent=True,  # a read, though a POST
            )
            found += [int(s["item_id"]) for s in summaries or [] if s.get("batch_id") == batch_id]
            if len(found) >= total:
                break
    if not found:
        raise ServerError(f"batch {batch_id} is on the queue but its items were not found")
    return Enqueued(batch_id, sorted(found), len(found))


def _listed_items(q: str, batch_id: str, total: int, after: int) -> Generator[Call, Any, list[int]]:
    """The batch's items from the cursor-paged queue listing, from item ``after`` on."""
    found: list[int] = []
    cursor = after
    while len(found) < total:
        page = yield Call(
            "GET", f"/api/v1/queue/{q}/list",
            params={"limit": LIST_PAGE, "cursor": cursor, "priority": 0}, idempotent=True,
        )  # fmt: skip
        items = page.get("items") or [] if isinstance(page, dict) else []
        found += [int(i["item_id"]) for i in items if i.get("batch_id") == batch_id]
        if not items or not page.get("has_more"):
            break
        cursor = max(int(i["item_id"]) for i in items)
    return found


# An enqueue POST whose answer was lost may still reach the server seconds after the connection
# broke: the queue is asked for its batch after each of these pauses (about 7.5 s in all), and
# the POST is never sent again. Only a POST that provably never left (connection refused) is
# sent again, after each of RESEND_PAUSES.
LOST_ENQUEUE_LOOKS = (0.0, 0.5, 1.0, 2.0, 4.0)
RESEND_PAUSES = (0.2, 1.0, 3.0)


def enqueue_problems(
    body: str, locate: Callable[[str, str | None], tuple[int | None, str | None]]
) -> EnqueueValidationError | None:
    """Read a 422 answer to enqueue_batch; ``locate(node_id, field)`` names the Form input.

    ``loc`` looks like ``["body","batch","graph","nodes",<node id>,<node type>,<field>, ...]``.
    """
    try:
        data = json.loads(body)
    except ValueError:
        return None
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, str):
        return EnqueueValidationError([EnqueueProblem(detail)])
    if not isinstance(detail, list):
        return None
    problems = []
    for entry in detail:
        if not isinstance(entry, dict):
            continue
        loc = [str(p) for p in entry.get("loc") or []]
        message = str(entry.get("msg", "invalid"))
        node_id: str | None = None
        field_name: str | None = None
        if "nodes" in loc:
            rest = loc[loc.index("nodes") + 1 :]
            node_id = rest[0] if rest else None
            field_name = rest[2] if len(rest) > 2 else None
        elif len(loc) > 2:
            message = f"{'.'.join(loc[1:])}: {message}"
        if "input" in entry and node_id is not None:
            message += f" (got {json.dumps(entry['input'], default=str)[:80]})"
        index, attribute = locate(node_id, field_name) if node_id else (None, None)
        problems.append(EnqueueProblem(message, node_id, field_name, index, attribute))
    return EnqueueValidationError(problems) if problems else None


# --- reading and managing the queue --------------------------------------------------------------

# PUT /queue/{id}/<action>: what each answers with ({"canceled": n} or {"deleted": n})
ACTIONS = {
    "cancel_all_except_current": "canceled",
    "delete_all_except_current": "deleted",
    "clear": "deleted",
    "prune": "deleted",
    "cancel_by_destination": "canceled",
    "cancel_by_batch_ids": "canceled",
}


def status_call(queue_id: str) -> Call:
    return Call("GET", f"/api/v1/queue/{segment(queue_id)}/status", idempotent=True)


def batch_status_call(queue_id: str, batch_id: str) -> Call:
    q, b = segment(queue_id), segment(batch_id)
    return Call("GET", f"/api/v1/queue/{q}/b/{b}/status", idempotent=True)


def current_call(queue_id: str, *, upcoming: bool = False) -> Call:
    """The item running now (or, ``upcoming``, the next to run); the server answers null."""
    which = "next" if upcoming else "current"
    return Call("GET", f"/api/v1/queue/{segment(queue_id)}/{which}", idempotent=True)


def delete_item_call(queue_id: str, item_id: int) -> Call:
    return Call("DELETE", f"/api/v1/queue/{segment(queue_id)}/i/{int(item_id)}")


def action_call(queue_id: str, action: str, *, destination: str | None = None) -> Call:
    """One of ACTIONS (``cancel_by_destination`` needs ``destination``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown queue action {action!r} (known: {', '.join(ACTIONS)})")
    params = {"destination": destination} if destination is not None else None
    return Call("PUT", f"/api/v1/queue/{segment(queue_id)}/{action}", params=params)


def parse_count(action: str, data: Any) -> int:
    """How many items an ACTIONS call canceled or deleted."""
    value = data.get(ACTIONS[action]) if isinstance(data, dict) else None
    if not isinstance(value, int) or isinstance(value, bool):
        raise UnexpectedAnswer(action, f"a mapping with an integer {ACTIONS[action]!r}", data)
    return value


def processor_call(queue_id: str, *, run: bool) -> Call:
    """Resume (``run``) or pause the session processor: paused, pending items stay pending."""
    return Call("PUT", f"/api/v1/queue/{segment(queue_id)}/processor/{'resume' if run else 'pause'}")


def item_missing(exc: HTTPStatusError, queue_id: str, item_id: int) -> HTTPStatusError:
    """The typed error for a 404 about one item (others stay as they are)."""
    if exc.status != 404:
        return exc
    return QueueItemNotFound(exc.method, exc.url, exc.body, queue_id=queue_id, item_id=item_id)
