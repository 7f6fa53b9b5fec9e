"""``client.queue`` against a real server: status, listing, items, cancel/clear/prune, and job
handles that wait on the server's events.

Pending items are made deterministic by pausing the session processor (paused, nothing is
started), and the processor is resumed after every test.
"""

from __future__ import annotations

import asyncio
import pathlib
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from ivk_runtime.api.queue_types import QueueItemInfo, QueueStatus
from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import NotFound, QueueItemNotFound, QueuePaused, RunCanceled, RunFailed, RunTimeout

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from wfbuild import blur_chain, workflow  # noqa: E402

pytestmark = pytest.mark.server


class Counter:
    """Counts the requests a client sends, by method and path."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> None:
        self.seen.append((request.method, request.url.path))

    def count(self, method: str, path: str) -> int:
        return sum(1 for m, p in self.seen if m == method and p == path)


@pytest.fixture
def counter() -> Counter:
    return Counter()


@pytest.fixture
def client(invokeai_url: str, counter: Counter) -> Iterator[InvokeAIClient]:
    http = httpx.Client(timeout=60, event_hooks={"request": [counter]})
    with InvokeAIClient(invokeai_url, timeout=60, http_client=http) as c:
        try:
            yield c
        finally:
            c.queue.resume()
            http.close()


def divide(b: int = 0):  # type: ignore[no-untyped-def]
    return workflow([("d", "div", {"a": 7, "b": b})], form=[("d", "a"), ("d", "b")], no_cache=["d"])


def resume_later(client: InvokeAIClient, seconds: float) -> threading.Thread:
    def run() -> None:
        time.sleep(seconds)
        client.queue.resume()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_status_and_items_while_paused(client: InvokeAIClient) -> None:
    q = client.queue
    assert q.list_queues() == ["default"]
    assert q.pause().is_started is False
    before = q.status()
    sub = client.enqueue(blur_chain(), [{0: 20}, {0: 21}, {0: 22}])
    status = q.status()
    assert isinstance(status, QueueStatus) and status.queue_id == "default"
    assert status.counts.pending == before.counts.pending + 3
    assert status.busy and not status.processor.is_started
    assert q.current() is None  # paused: nothing runs
    upcoming = q.upcoming()
    assert upcoming is not None and upcoming.item_id == sub.item_ids[0]
    batch = q.batch_status(sub.batch_ids[0])
    assert (batch.counts.pending, batch.counts.total, batch.origin) == (3, 3, "ivk-codegen")

    newest = q.items("pending", limit=2)
    assert [i.item_id for i in newest] == sorted(sub.item_ids, reverse=True)[:2]
    page2 = q.items("pending", limit=2, offset=2)
    assert page2[0].item_id == min(sub.item_ids)  # older pending items may follow
    oldest = q.items(["pending"], newest_first=False, limit=None)
    assert [i.item_id for i in oldest][-3:] == sub.item_ids
    assert q.items("completed", limit=None) == [
        i for i in q.items(limit=None) if i.status == "completed"
    ]
    assert q.items(destination="no-such-destination") == []
    item = q.get(sub.item_ids[1])
    assert isinstance(item, QueueItemInfo)
    assert (item.status, item.batch_id, item.destination) == ("pending", sub.batch_ids[0], "gallery")
    assert item.created_at is not None and item.session is not None
    assert item.session["graph"]["nodes"]["blank"]["width"] == 21  # the value set it runs with
    assert [i.item_id for i in q.get_many([sub.item_ids[2], 10**9, sub.item_ids[0]])] == [
        sub.item_ids[2],
        sub.item_ids[0],
    ]
    assert q.cancel_batches(sub.batch_ids) == 3
    assert {i.status for i in q.get_many(sub.item_ids)} == {"canceled"}


def test_unknown_status_and_missing_item(client: InvokeAIClient) -> None:
    with pytest.raises(ValueError, match="running"):
        client.queue.items("running")  # the job's name, not the queue's
    with pytest.raises(QueueItemNotFound) as info:
        client.queue.get(10**9)
    assert isinstance(info.value, NotFound) and info.value.status == 404  # as a missing board
    assert info.value.item_id == 10**9
    assert "not found in queue default" in str(info.value)  # the server's own reason
    with pytest.raises(QueueItemNotFound):
        client.queue.cancel(10**9)
    with pytest.raises(QueueItemNotFound):
        client.queue.job(10**9).info()


def test_job_waits_on_events_not_polling(client: InvokeAIClient, counter: Counter) -> None:
    q = client.queue
    q.pause()
    sub = client.enqueue(blur_chain(), [{0: 33, 1: 17}])
    job = q.job(sub.item_ids[0])
    assert job.status() == "pending"
    resume_later(client, 3.0)
    start = time.monotonic()
    result = job.wait(timeout=60)
    assert time.monotonic() - start >= 2.5
    assert result.status == "completed" and result.item_id == job.item_id
    assert (result.images[0].width, result.images[0].height) == (33, 17)
    item_path = f"/api/v1/queue/default/i/{job.item_id}"
    # 1.1.1's JobHandle fetched the item every poll_interval (1 s: 3+ times in 3 s); events
    # need one look at most besides the status() above, and none while the item waits.
    assert counter.count("GET", item_path) <= 3, counter.seen


def test_job_wait_raises_the_servers_reason(client: InvokeAIClient) -> None:
    sub = client.enqueue(divide(), [{}])
    with pytest.raises(RunFailed) as info:
        client.queue.job(sub.item_ids[0]).wait(timeout=60)
    assert info.value.error_type == "ZeroDivisionError"
    assert "division" in (info.value.error_message or "")
    failed = client.queue.get(sub.item_ids[0])
    assert failed.error == f"ZeroDivisionError: {failed.error_message}"
    assert failed.is_finished and failed.error_traceback

    client.queue.pause()
    pending = client.enqueue(blur_chain(), [{}])
    job = client.queue.job(pending.item_ids[0])
    assert job.cancel().status == "canceled"
    with pytest.raises(RunCanceled):
        job.wait(timeout=30)
    with pytest.raises(RunTimeout):
        client.queue.job(client.enqueue(blur_chain(), [{}]).item_ids[0]).wait(timeout=1.0)


def test_wait_idle_on_events(client: InvokeAIClient) -> None:
    q = client.queue
    q.pause()
    sub = client.enqueue(blur_chain(), [{0: 10}, {0: 11}])
    started = time.monotonic()
    with pytest.raises(QueuePaused) as paused:
        q.wait_idle()  # no timeout: 1.x waited here for ever, the items never start
    assert time.monotonic() - started < 5 and paused.value.pending >= 2
    assert "paused" in str(paused.value) and q.status().counts.pending >= 2
    q.resume()
    status = q.wait_idle(timeout=60)
    assert not status.busy and status.processor.is_started
    assert {i.status for i in q.get_many(sub.item_ids)} == {"completed"}


def test_cancel_all_clear_prune_retry_delete(client: InvokeAIClient) -> None:
    q = client.queue
    failed = client.enqueue(divide(), [{}])
    with pytest.raises(RunFailed):
        client.wait(failed.item_ids[0], timeout=60)
    (old,) = failed.item_ids
    ok = client.enqueue(blur_chain(), [{0: 9}])
    client.wait(ok.item_ids[0], timeout=60)
    mapping = q.retry([old, ok.item_ids[0]])  # a completed item is not retried: no key
    assert list(mapping) == [old] and mapping[old] > old
    assert q.get(mapping[old]).raw.get("retried_from_item_id") == old
    with pytest.raises(RunFailed):
        client.wait(mapping[old], timeout=60)  # the same graph: the same failure

    q.pause()
    sub = client.enqueue(blur_chain(), [{0: 12}, {0: 13}, {0: 14}])
    assert q.cancel_all_except_current() == 3  # nothing runs while paused
    q.delete(sub.item_ids[0])
    with pytest.raises(QueueItemNotFound):
        q.get(sub.item_ids[0])
    pruned = q.prune()
    assert pruned >= 3  # the two canceled left, and the failed ones
    assert q.items(["completed", "failed", "canceled"], limit=None) == []
    client.enqueue(blur_chain(), [{0: 15}])
    assert q.clear() >= 1
    assert q.status().counts.total == 0


def test_async_queue_area(invokeai_url: str) -> None:
    async def main() -> None:
        async with AsyncInvokeAIClient(invokeai_url, timeout=60) as client:
            q = client.queue
            status = await q.status()
            assert status.queue_id == "default"
            sub = await client.enqueue(blur_chain(), [{0: 40, 1: 8}])
            result = await q.job(sub.item_ids[0]).wait(timeout=60)
            assert result.status == "completed"
            assert (await q.get(sub.item_ids[0])).status == "completed"
            listed = await q.items(limit=1)
            assert [i.item_id for i in listed] == sub.item_ids

    asyncio.run(main())
