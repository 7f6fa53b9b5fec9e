"""Listing the queue's items: a page of them, filtered by status or destination, and items by
id (sans-I/O generators of calls, driven as ``queue.find_batch`` is)."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from .call import Call, segment
from .queue import SUMMARY_CHUNK
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
        items = sorted((parse_item(i) for i in everything or []), key=lambda i: i.item_id)
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
                found.update((i.item_id, i) for i in map(parse_item, summaries or []))
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
        found.update((i.item_id, i) for i in map(parse_item, answer or []))
    return [found[i] for i in dict.fromkeys(item_ids) if i in found]


def _items_by_ids(q: str, ids: list[int]) -> Call:
    return Call(
        "POST", f"/api/v1/queue/{q}/items_by_ids", json_body={"item_ids": ids}, idempotent=True
    )


RETRY_LOOK = 50  # newest items looked through, beyond the retried ones, for their copies


def retry_items(queue_id: str, item_ids: list[int]) -> Generator[Call, Any, list[int]]:
    """Enqueue failed or canceled items again: the new items' ids, in the order of the items
    retried (the server answers with the old ids; each copy names its ``retried_from_item_id``)."""
    q = segment(queue_id)
    answer = yield Call(
        "PUT", f"/api/v1/queue/{q}/retry_items_by_id", json_body=[int(i) for i in item_ids]
    )
    retried = [int(i) for i in (answer or {}).get("retried_item_ids") or []]
    if not retried:
        return []
    listing = yield Call("GET", f"/api/v1/queue/{q}/item_ids", params={"order_dir": "DESC"}, idempotent=True)
    newest = sorted((int(i) for i in listing.get("item_ids") or []), reverse=True)
    copies = yield from items_by_ids(queue_id, newest[: len(retried) + RETRY_LOOK])
    new_of = {}
    for item in sorted(copies, key=lambda i: i.item_id):
        source = item.raw.get("retried_from_item_id")
        if isinstance(source, int) and source in retried and item.item_id > source:
            new_of[source] = item.item_id  # the newest copy of each
    return [new_of[i] for i in retried if i in new_of]
