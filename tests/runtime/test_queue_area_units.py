"""The queue's pure parts: its answers typed, and the listing's calls (sans-I/O) for servers
that list item ids (6.8+) and those that do not (older, ``list_all``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Generator
from typing import Any

import pytest

from ivk_runtime.api.call import Call
from ivk_runtime.api.queue import parse_count
from ivk_runtime.api.queue_listing import items_by_ids, list_items, retry_items
from ivk_runtime.api.queue_types import parse_item, parse_queue_status
from ivk_runtime.errors import RetryCopiesMissing, UnexpectedAnswer


def drive(steps: Generator[Call, Any, Any], answer: Callable[[Call], Any]) -> tuple[Any, list[Call]]:
    calls: list[Call] = []
    reply: Any = None
    try:
        while True:
            call = steps.send(reply)
            calls.append(call)
            reply = answer(call)
    except StopIteration as end:
        return end.value, calls


def item(i: int, status: str = "pending", destination: str = "gallery") -> dict[str, Any]:
    return {
        "item_id": i, "status": status, "batch_id": "b", "queue_id": "default",
        "session_id": f"s{i}", "destination": destination, "priority": 0,
        "created_at": "2026-11-21 16:10:17.101", "updated_at": "2026-11-21 16:10:18",
        "session": {"id": f"s{i}"},
    }  # fmt: skip


def test_status_typed_and_tolerant() -> None:
    status = parse_queue_status(
        {
            "queue": {"queue_id": "default", "item_id": 4, "pending": 2, "in_progress": 1,
                      "waiting": 1, "completed": 5, "total": 9, "user_pending": 0},
            "processor": {"is_started": True, "is_processing": True},
        }
    )  # fmt: skip
    assert (status.item_id, status.counts.unfinished, status.counts.failed) == (4, 4, 0)
    assert status.busy and status.raw["queue"]["user_pending"] == 0
    empty = parse_queue_status({})  # an answer without the parts: zeros, not a crash
    assert not empty.busy and empty.queue_id == "default"


def test_item_typed() -> None:
    info = parse_item({**item(3, "failed"), "error_type": "ZeroDivisionError", "error_message": "division by zero"})
    assert info.created_at == datetime.datetime(2026, 11, 21, 16, 10, 17, 101000)
    assert info.error == "ZeroDivisionError: division by zero" and info.is_finished
    assert parse_item(item(4, "waiting")).is_finished is False


def test_listing_filters_on_summaries_and_fetches_only_the_page() -> None:
    statuses = {1: "completed", 2: "pending", 3: "failed", 4: "pending", 5: "pending"}

    def answer(call: Call) -> Any:
        if call.path.endswith("/item_ids"):
            return {"item_ids": [1, 2, 3, 4, 5], "total_count": 5}  # the server's own order
        ids = call.json_body["item_ids"]
        if call.path.endswith("/item_summaries_by_ids"):
            return [{"item_id": i, "status": statuses[i], "destination": "gallery"} for i in ids]
        return [item(i, statuses[i]) for i in reversed(ids)]  # any order: put back in place

    found, calls = drive(list_items("default", status="pending", limit=2, offset=1), answer)
    assert [i.item_id for i in found] == [4, 2]  # newest first, the second page of one
    assert calls[-1].json_body == {"item_ids": [4, 2]}  # only the page is fetched whole
    found, _ = drive(list_items("default", limit=None, newest_first=False), answer)
    assert [i.item_id for i in found] == [1, 2, 3, 4, 5]


def test_listing_before_item_ids() -> None:
    def answer(call: Call) -> Any:
        if call.path.endswith("/item_ids"):
            return {"detail": "Not Found"}  # the 404 of InvokeAI before 6.8
        assert call.path.endswith("/list_all") and call.params == {"destination": "x"}
        return [item(2, "completed", "x"), item(1, "pending", "x"), item(3, "pending", "x")]

    found, calls = drive(list_items("default", status=["pending"], destination="x"), answer)
    assert [i.item_id for i in found] == [3, 1] and len(calls) == 2


def test_listing_refuses_bad_arguments() -> None:
    with pytest.raises(ValueError, match="known: pending"):
        next(list_items("default", status="running"))
    with pytest.raises(ValueError):
        next(list_items("default", offset=-1))


class RetryServer:
    """The queue as the retry calls see it: ids 1-7 before the retry, the copies (8 of 5,
    9 of 7) made by it, and ``others`` items enqueued right after by someone else."""

    def __init__(self, others: int = 0, copies: dict[int, int] | None = None) -> None:
        self.retried = False
        self.copies = {8: 5, 9: 7} if copies is None else copies
        self.others = others

    def ids(self) -> list[int]:
        after = [*self.copies, *range(10, 10 + self.others)] if self.retried else []
        return [*range(1, 8), *after]

    def __call__(self, call: Call) -> Any:
        if call.method == "PUT":
            self.retried = True
            return {"queue_id": "default", "retried_item_ids": [7, 5]}  # the old ids
        if call.path.endswith("/item_ids"):
            return {"item_ids": sorted(self.ids(), reverse=call.params["order_dir"] == "DESC")}
        return [
            {**item(i), "retried_from_item_id": self.copies.get(i)}
            for i in call.json_body["item_ids"] if i in self.ids()
        ]  # fmt: skip


def test_retry_maps_each_old_id_to_its_copy() -> None:
    new, _ = drive(retry_items("default", [7, 5]), RetryServer())
    assert new == {7: 9, 5: 8}


def test_retry_finds_copies_behind_many_newer_items() -> None:
    # 1.x looked through the newest len+50 items only: here the copies are 200 items down.
    new, calls = drive(retry_items("default", [7, 5]), RetryServer(others=200))
    assert new == {7: 9, 5: 8}
    assert sum(c.path.endswith("/items_by_ids") for c in calls) == 1  # oldest first: found at once


def test_retry_names_the_ids_whose_copy_is_missing() -> None:
    with pytest.raises(RetryCopiesMissing) as err:
        drive(retry_items("default", [7, 5]), RetryServer(copies={8: 5}))  # 7's copy was deleted
    assert err.value.missing == [7] and err.value.found == {5: 8} and "[7]" in str(err.value)


def test_wrong_shaped_queue_answers_are_errors_naming_the_endpoint() -> None:
    with pytest.raises(UnexpectedAnswer, match="items_by_ids"):
        drive(items_by_ids("default", [1]), lambda call: {"items": []})
    with pytest.raises(UnexpectedAnswer, match="items_by_ids"):
        drive(items_by_ids("default", [1, 2]), lambda call: [item(1), "2"])
    with pytest.raises(UnexpectedAnswer, match="retry_items_by_id"):
        drive(retry_items("default", [1]), lambda call: None if call.method == "PUT" else {"item_ids": [1]})
    with pytest.raises(UnexpectedAnswer, match="a queue item"):
        parse_item(["not", "an", "item"])  # was item_id=0
    with pytest.raises(UnexpectedAnswer):
        parse_item({"status": "pending"})  # no id
    with pytest.raises(UnexpectedAnswer, match="prune"):
        parse_count("prune", {"queue_id": "default"})  # was 0
    assert parse_count("prune", {"deleted": 3}) == 3
