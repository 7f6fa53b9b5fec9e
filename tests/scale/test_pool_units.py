"""The pool's pure parts: choosing a server, counting a server failed, naming each run's fate,
and building a pool (cheap: no request until it runs)."""

from __future__ import annotations

import pickle
import time

import pytest

from ivk_runtime import AsyncInvokeAIPool, InvokeAIPool
from ivk_runtime.client.results import Placement
from ivk_runtime.errors import (
    EnqueueProblem,
    EnqueueValidationError,
    HTTPStatusError,
    NotFound,
    RequestTimeout,
    ServerUnreachable,
    UnexpectedAnswer,
)
from ivk_runtime.pool.choose import Load, pick
from ivk_runtime.pool.health import MISSES_TO_FAIL, Health, is_miss
from ivk_runtime.pool.runs import Runs


def test_pick_takes_the_shortest_queue_with_room() -> None:
    busy, idle = Load(others=5), Load()
    assert pick([busy, idle], per_server=2) == 1
    idle.ours = 2  # full of ours: the busy one takes the next, behind the others' items
    assert pick([busy, idle], per_server=2) == 0
    busy.ours = 2
    assert pick([busy, idle], per_server=2) is None  # wait for one of ours to finish
    assert pick([None, Load(ours=1), Load(ours=1)], per_server=2) == 1  # ties: first listed
    assert pick([Load(others=1), Load(ours=1)], per_server=2) == 0  # ties: fewer of ours


def test_a_status_counts_ours_among_the_unfinished() -> None:
    load = Load(ours=2)
    load.read(5)
    assert (load.others, load.queued) == (3, 5)
    load.read(1)  # one of ours finished since (not yet seen by the pool)
    assert load.others == 0


def test_a_server_fails_after_misses_in_a_row_and_one_answer_resets() -> None:
    health = Health()
    refused = ServerUnreachable("http://x", "refused", request_sent=False)
    assert not health.missed(refused) and not health.usable
    health.answered()
    assert health.usable
    for _ in range(MISSES_TO_FAIL - 1):
        assert not health.missed(refused)
    assert health.missed(refused) and health.failed and not health.usable
    health.answered()  # too late: its runs have moved
    assert health.failed


def test_a_server_that_answers_reads_but_loses_every_enqueue_fails_too() -> None:
    health = Health()
    lost = HTTPStatusError("POST", "http://x", 503, "")
    for _ in range(MISSES_TO_FAIL - 1):
        assert not health.missed(lost, enqueue=True)
        health.answered()  # its queue status answers between the enqueues
    assert health.missed(lost, enqueue=True) and health.failed


def test_what_counts_as_a_miss() -> None:
    assert is_miss(ServerUnreachable("http://x", "refused"))
    assert is_miss(RequestTimeout("GET", "http://x", 5.0))
    assert is_miss(HTTPStatusError("GET", "http://x", 503, ""))
    assert not is_miss(HTTPStatusError("POST", "http://x", 422, ""))
    assert not is_miss(NotFound("queue item", "3", "GET", "http://x", 404, ""))
    assert not is_miss(ValueError("x"))
    assert not is_miss(EnqueueValidationError([EnqueueProblem("width: not an integer")]))
    assert not is_miss(UnexpectedAnswer("GET /x", "a mapping", []))


def test_each_runs_fate_is_named() -> None:
    runs = Runs([{0: 1}, {0: 2}, {0: 3}])
    urls = ["http://a", "http://b"]
    runs.all[1].server, runs.all[1].batch_ids, runs.all[1].statuses = 1, ["b1"], {7: "in_progress"}
    runs.all[2].moved_from.append(
        Placement("http://a", "b0", 4, "pending", "http://a stopped answering")
    )
    fates = runs.fates(urls)
    assert fates[0] == "never enqueued"
    assert fates[1] == "queued on http://b (item 7 in_progress; batch b1)"
    assert (
        fates[2] == "not queued anywhere now; before: http://a item 4 (http://a stopped answering)"
    )


def test_moved_runs_go_before_the_ones_never_sent() -> None:
    runs = Runs([{}, {}, {}, {}])
    sent = [runs.all[runs.waiting.popleft()] for _ in range(3)]
    runs.send_again([sent[2], sent[0]])
    assert list(runs.waiting) == [0, 2, 3]


def test_a_pool_is_cheap_to_build_and_refuses_a_bad_list() -> None:
    start = time.monotonic()
    for _ in range(200):  # no client, no connection, no request
        pool = InvokeAIPool(["http://127.0.0.1:9", "http://127.0.0.1:10/"])
    assert time.monotonic() - start < 1.0
    assert pool.urls == ["http://127.0.0.1:9", "http://127.0.0.1:10"]
    assert all(m._client is None for m in pool.members)
    with pytest.raises(ValueError, match="at least one"):
        InvokeAIPool([])
    with pytest.raises(ValueError, match="more than once: http://a"):
        AsyncInvokeAIPool(["http://a", "http://a/"])
    with pytest.raises(TypeError, match="list of server URLs"):
        InvokeAIPool("http://a")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="per_server"):
        InvokeAIPool(["http://a"], per_server=0)


def test_a_pool_pickles_as_its_settings() -> None:
    pool = InvokeAIPool(["http://a:1", "http://b:2"], token="t", timeout=5.0, per_server=3)
    pool.members[0].client  # a client made: not pickled, made again where it is used
    copy = pickle.loads(pickle.dumps(pool))
    assert isinstance(copy, InvokeAIPool) and copy.urls == pool.urls
    assert (copy.per_server, copy._token, copy._timeout) == (3, "t", 5.0)
    assert all(m._client is None for m in copy.members)
    pool.close()
    acopy = pickle.loads(pickle.dumps(AsyncInvokeAIPool(["http://a:1"])))
    assert isinstance(acopy, AsyncInvokeAIPool)
