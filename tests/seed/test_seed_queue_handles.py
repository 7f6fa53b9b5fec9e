"""The seed's queue (``ivk_runtime.seed.queue``: QueueRepository, QueueHandle, JobHandle) on
a real server, as invokeai-py-client 1.1.1's users call it, and where 1.1.1 was wrong.

Pending items are made by pausing the session processor; every test resumes it.
"""

from __future__ import annotations

import pathlib
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import QueueItemNotFound, QueuePaused
from ivk_runtime.seed import exceptions
from ivk_runtime.seed.models import IvkJob, JobStatus
from ivk_runtime.seed.queue import JobHandle, QueueHandle, QueueRepository
from ivk_runtime.seed.queue.queue_models import (
    ClearResult,
    PruneResult,
    QueueAndProcessorStatus,
    QueueItem,
    QueueItemStatus,
)

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "runtime"))
from wfbuild import blur_chain, workflow  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    # The seed's InvokeAIClient is this client (a subclass) whose queue_repo is
    # QueueRepository(client): the same repository is made here from the core client.
    c = InvokeAIClient(invokeai_url, timeout=60)
    try:
        yield c
    finally:
        c.queue.resume()
        c.close()


@pytest.fixture
def repo(client: InvokeAIClient) -> QueueRepository:
    return QueueRepository(client)


def divide_by_zero():  # type: ignore[no-untyped-def]
    return workflow([("d", "div", {"a": 7, "b": 0})], no_cache=["d"])


def resume_later(client: InvokeAIClient, seconds: float) -> None:
    def run() -> None:
        time.sleep(seconds)
        client.queue.resume()

    threading.Thread(target=run, daemon=True).start()


def test_handles_need_a_sync_client(invokeai_url: str) -> None:
    import asyncio

    from ivk_runtime.client.async_client import AsyncInvokeAIClient

    async_client = AsyncInvokeAIClient(invokeai_url)
    with pytest.raises(TypeError, match="synchronous"):
        QueueRepository(async_client).list_queues()
    asyncio.run(async_client.close())
    with pytest.raises(TypeError, match="need an InvokeAIClient"):
        QueueRepository(object()).get_queue().get_status()


def test_repository_and_status(client: InvokeAIClient, repo: QueueRepository) -> None:
    assert repo.list_queues() == QueueRepository.from_client(client).list_queues() == ["default"]
    with pytest.raises(RuntimeError, match="not initialized"):
        QueueRepository().get_queue()  # 1.1.1's bare constructor, then from_client
    q = repo.get_queue("default")
    assert isinstance(q, QueueHandle) and q.queue_id == "default"
    client.queue.pause()
    sub = client.enqueue(blur_chain(), [{0: 20}, {0: 21}])
    status = q.get_status()
    assert isinstance(status, QueueAndProcessorStatus)
    assert status.queue.pending >= 2 and status.processor.is_started is False
    assert "waiting" in status.queue.extra  # 6.14's new count, kept as 1.1.1 kept unknowns
    assert q.is_busy() and q.count_running() == 0
    pending = [i.item_id for i in q.list_pending()]
    assert pending[-2:] == sub.item_ids  # oldest first, as the server lists them
    assert all(isinstance(i, QueueItem) and i.status == QueueItemStatus.PENDING for i in q.list_pending())
    assert q.list_running() == []
    assert [i.item_id for i in q.list_all()][-2:] == sub.item_ids
    assert [i.item_id for i in q.list_all(destination="nowhere")] == []
    # 1.1.1 crashed here: the server answers null when idle, and it parsed that as an item
    assert q.get_current() is None
    handles = q.get_items_by_ids([sub.item_ids[1], 10**9, sub.item_ids[0]])
    assert [h.item_id for h in handles] == [sub.item_ids[1], sub.item_ids[0]]
    assert all(isinstance(h, JobHandle) and h.item is not None for h in handles)
    assert q.cancel_all_except_current().canceled >= 2


def test_job_handle_cancel_and_status(client: InvokeAIClient, repo: QueueRepository) -> None:
    q = repo.get_queue()
    client.queue.pause()
    sub = client.enqueue(blur_chain(), [{}])
    job = q.get_item(sub.item_ids[0])
    assert job is not None and job.item is not None
    assert job.status() == QueueItemStatus.PENDING and job.is_pending() and not job.is_complete()
    assert job.cancel() is True
    assert job.is_canceled() and job.is_complete() and not job.is_successful()
    final = job.wait_for_completion(timeout=30)
    assert final.status == QueueItemStatus.CANCELED and final.item_id == job.item_id
    assert q.get_item(10**9) is None
    gone = JobHandle.from_client_ids(client, "default", 10**9)
    with pytest.raises(exceptions.ResourceNotFoundError) as info:
        gone.cancel()
    assert isinstance(info.value, QueueItemNotFound) and info.value.status_code == 404
    assert (info.value.resource_type, info.value.resource_id) == ("queue item", str(10**9))
    assert "not found" in str(info.value)  # the server's reason, not "Unknown error"


def test_wait_for_completion_gives_the_failure_reason(client: InvokeAIClient, repo: QueueRepository) -> None:
    sub = client.enqueue(divide_by_zero(), [{}])
    job = repo.get_queue().get_item(sub.item_ids[0])
    assert job is not None
    final = job.wait_for_completion(timeout=60, poll_interval=2.0)
    assert final.status == QueueItemStatus.FAILED and job.is_failed()
    assert final.error_type == "ZeroDivisionError" and "division" in (final.error_message or "")
    assert final.session is not None and final.completed_at is not None


def test_wait_for_completion_on_events_and_at_timeout(client: InvokeAIClient) -> None:
    client.queue.pause()
    sub = client.enqueue(blur_chain(), [{0: 44}])
    job = JobHandle.from_client_ids(client, "default", sub.item_ids[0])
    start = time.monotonic()
    at_timeout = job.wait_for_completion(timeout=1.0)  # 1.1.1: the item as it is then, no raise
    assert at_timeout.status == QueueItemStatus.PENDING and time.monotonic() - start < 10
    resume_later(client, 1.0)
    done = job.wait_for_completion(timeout=60)
    assert done.status == QueueItemStatus.COMPLETED and job.is_successful()
    assert done.session is not None
    assert done.session["graph"]["nodes"]["blank"]["width"] == 44


def test_wait_until_idle_and_clean_up(client: InvokeAIClient, repo: QueueRepository) -> None:
    q = repo.get_queue()
    client.queue.pause()
    client.enqueue(blur_chain(), [{0: 30}, {0: 31}])
    started = time.monotonic()
    with pytest.raises(QueuePaused) as paused:  # 1.1.1 waited out its timeout, then said False
        q.wait_until_idle(timeout=300.0)
    assert time.monotonic() - started < 5 and paused.value.pending >= 2
    client.queue.resume()
    assert q.wait_until_idle(timeout=60, poll_interval=5.0) is True
    assert not q.is_busy()
    pruned = q.prune()
    assert isinstance(pruned, PruneResult) and pruned.deleted >= 2
    client.queue.pause()
    client.enqueue(blur_chain(), [{}])
    cleared = q.clear()
    assert isinstance(cleared, ClearResult) and cleared.deleted >= 1
    assert q.get_status().queue.total == 0


def test_jobs_through_the_repository(client: InvokeAIClient, repo: QueueRepository) -> None:
    failed = client.enqueue(divide_by_zero(), [{}])
    JobHandle.from_client_ids(client, "default", failed.item_ids[0]).wait_for_completion(timeout=60)
    jobs = repo.list_jobs(status="failed", limit=1)
    assert [j.id for j in jobs] == [str(failed.item_ids[0])]  # newest first
    job = repo.get_job(str(failed.item_ids[0]))
    assert isinstance(job, IvkJob) and job.status == JobStatus.FAILED
    assert job.error is not None and job.error.startswith("ZeroDivisionError")
    with pytest.raises(ValueError, match="cannot be cancelled: it is failed"):
        repo.cancel_job(job.id)
    with pytest.raises(ValueError) as info:
        repo.get_job("999999999")
    assert isinstance(info.value, exceptions.ResourceNotFoundError)
    client.queue.pause()
    pending = client.enqueue(blur_chain(), [{}])
    assert [j.id for j in repo.list_jobs(status="pending")][:1] == [str(pending.item_ids[0])]
    assert repo.cancel_job(str(pending.item_ids[0])) is True
    assert repo.get_job(str(pending.item_ids[0])).status == JobStatus.CANCELLED
    with pytest.raises(ValueError, match="unknown job status"):
        repo.list_jobs(status="exploded")
