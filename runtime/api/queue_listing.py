"""Listing the queue's items: a page of them, filtered by status or destination, and items by
id (sans-I/O generators of calls, driven as ``queue.find_batch`` is)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from .call import Call, segment
from .queue import SUMMARY_CHUNK
from ..errors import RetryCopiesMissing, UnexpectedAnswer
from .queue_types import STATUSES, QueueItemInfo, parse_item

__all__ = ["check_statuses", "items_by_ids", "list_items", "retry_items"]

ITEMS_CHUNK = 100  # whole items (with their sessions) asked for at once


def check_statuses(status: str | list[str] | tuple[str, ...] | None) -> frozenset[str] | None:
    if status is None:
        return None
    wanted = frozenset([status] if isinstance(status, str) else status)
    unknown = sorted(wanted - set(STATUSES))
    if unknown:
        raise ValueError(f"unknown queue item status {unknown} (known: {', '.join(STATUSES)})")
    return wanted


def list_items(
    queue_id: str,
    *,
    status: str | list[str] | tuple[str, ...] | None = None,
    destination: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = True,
) -> Generator[Call, Any, list[QueueItemInfo]]:
    """One page of the queue's items, newest first by default (sans-I/O, as ``find_batch``).

    InvokeAI 6.8+ lists item ids; items are filtered on their summaries (6.14: no sessions
    sent) and only the page's items are fetched whole. Older servers: ``list_all``.
    """
    wanted = check_statuses(status)
    if limit is not None and limit < 0 or offset < 0:
        raise ValueError("limit and offset must not be negative")
    q = segment(queue_id)
    end = None if limit is None else offset + limit
    listing = yield Call(
        "GET", f"/api/v1/queue/{q}/item_ids",
        params={"order_dir": "DESC" if newest_first else "ASC"}, idempotent=True, expect=(200, 404),
    )  # fmt: skip
    if not isinstance(listing, dict) or "item_ids" not in listing:  # before 6.8
        params = {"destination": destination} if destination is not None else None
        everything = yield Call("GET", f"/api/v1/queue/{q}/list_all", params=params, idempotent=True)
        if not isinstance(everything, list):
            raise UnexpectedAnswer("list_all", "a list of queue items", everything)
        items = sorted((parse_item(i, "list_all") for i in everything), key=lambda i: i.item_id)
        items = [i for i in items if wanted is None or i.status in wanted]
        return (items[::-1] if newest_first else items)[offset:end]
    # by id (the order of creation): the server's order puts one batch's items ascending
    ids = sorted((int(i) for i in listing.get("item_ids") or []), reverse=newest_first)
    found: dict[int, QueueItemInfo] = {}
    if wanted is None and destination is None:
        chosen = ids[offset:end]
    else:
        chosen = []
        for start in range(0, len(ids), SUMMARY_CHUNK):
            chunk = ids[start : start + SUMMARY_CHUNK]
            summaries = yield Call(
                "POST", f"/api/v1/queue/{q}/item_summaries_by_ids",
                json_body={"item_ids": chunk}, idempotent=True, expect=(200, 404),
            )  # fmt: skip
            if not isinstance(summaries, list):  # 6.8 has no summaries: whole items
                summaries = yield _items_by_ids(q, chunk)
                found.update((i.item_id, i) for i in _parsed(summaries))
            by_id = {int(s.get("item_id", -1)): s for s in summaries if isinstance(s, dict)}
            chosen += [
                i for i in chunk if i in by_id
                and (wanted is None or by_id[i].get("status") in wanted)
                and (destination is None or by_id[i].get("destination") == destination)
            ]  # fmt: skip
            if end is not None and len(chosen) >= end:
                break
        chosen = chosen[offset:end]
    fetched = yield from items_by_ids(queue_id, [i for i in chosen if i not in found])
    found.update((i.item_id, i) for i in fetched)
    return [found[i] for i in chosen if i in found]  # an item deleted meanwhile is left out


def items_by_ids(queue_id: str, item_ids: list[int]) -> Generator[Call, Any, list[QueueItemInfo]]:
    """The items, whole, in the order of ``item_ids`` (the ones the queue lacks left out)."""
    found: dict[int, QueueItemInfo] = {}
    for start in range(0, len(item_ids), ITEMS_CHUNK):
        answer = yield _items_by_ids(segment(queue_id), item_ids[start : start + ITEMS_CHUNK])
        found.update((i.item_id, i) for i in _parsed(answer))
    return [found[i] for i in dict.fromkeys(item_ids) if i in found]


def _parsed(answer: Any) -> list[QueueItemInfo]:
    if not isinstance(answer, list):
        raise UnexpectedAnswer("items_by_ids", "a list of queue items", answer)
    return [parse_item(i, "items_by_ids") for i in answer]


def _items_by_ids(q: str, ids: list[int]) -> Call:
    return Call(
        "POST", f"/api/v1/queue/{q}/items_by_ids", json_body={"item_ids": ids}, idempotent=True
    )


def retry_items(queue_id: str, item_ids: list[int]) -> Generator[Call, Any, dict[int, int]]:
    """Enqueue failed or canceled items again: ``{old id: new id}`` for each item the server
    retried (one it would not retry, e.g. a completed one, is no key). Each copy names its
    ``retried_from_item_id``; copies are looked for among the items newer than the queue's
    newest before the retry, however many. ``RetryCopiesMissing`` names a retried id
    without a copy."""
    q = segment(queue_id)
    before = yield from _ids(q, "DESC")
    newest_before = before[0] if before else 0
    answer = yield Call(
        "PUT", f"/api/v1/queue/{q}/retry_items_by_id", json_body=[int(i) for i in item_ids]
    )
    if not isinstance(answer, dict) or not isinstance(answer.get("retried_item_ids"), list):
        raise UnexpectedAnswer("retry_items_by_id", "a mapping with 'retried_item_ids'", answer)
    retried = [int(i) for i in answer["retried_item_ids"]]
    if not retried:
        return {}
    newer = [i for i in (yield from _ids(q, "ASC")) if i > newest_before]
    new_of: dict[int, int] = {}
    for start in range(0, len(newer), ITEMS_CHUNK):
        copies = yield from items_by_ids(queue_id, newer[start : start + ITEMS_CHUNK])
        for item in copies:  # ascending: the first copy after the retry is ours
            source = item.raw.get("retried_from_item_id")
            if isinstance(source, int) and source in retried and source not in new_of:
                new_of[source] = item.item_id
        if len(new_of) == len(set(retried)):
            break
    missing = [i for i in retried if i not in new_of]
    if missing:
        raise RetryCopiesMissing(missing, new_of)
    return {i: new_of[i] for i in retried}


def _ids(q: str, order: str) -> Generator[Call, Any, list[int]]:
    listing = yield Call("GET", f"/api/v1/queue/{q}/item_ids", params={"order_dir": order}, idempotent=True)
    if not isinstance(listing, dict) or not isinstance(listing.get("item_ids"), list):
        raise UnexpectedAnswer("item_ids", "a mapping with 'item_ids'", listing)
    return sorted((int(i) for i in listing["item_ids"]), reverse=order == "DESC")
