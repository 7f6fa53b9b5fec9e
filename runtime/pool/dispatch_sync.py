# Generated from dispatch_async.py by scripts/unasync.py: edit that file, then run the script.
"""One batch of runs across the pool's servers: check every server, then feed each the run
that fits its queue best as its runs finish, follow the runs, and move the runs of a server
that stops answering to the others (see ``PoolBatch.run``)."""

from __future__ import annotations

import functools
import pathlib
import time
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from ..concurrency import sleep
from ..errors import IvkError, PoolFailed, PoolWarning, ServerUnreachable
from ..events import ProgressEvent
from ..events.waiter import ProgressFn
from ..graph.drift import Expectation
from ..workflow import Workflow
from ..client.results import RunResult, build_result, first_failure
from ..client.plan import local_paths
from ..client.submission import Submission
from .choose import pick
from .failover_sync import RUNNING, Failover, Leftover, batch_state, ran_there
from .fanout import Started, each
from .health import Health, is_miss
from .member_sync import PoolMember, finished
from .runs import Run, Runs

__all__ = ["PoolBatch"]

POLL_INTERVAL = 0.25  # seconds between looks at the runs in flight
Sent = Submission | BaseException | None  # one run's enqueue: placed, failed, or not tried


class PoolBatch:
    """The runs of one ``run_many`` on a pool."""

    def __init__(
        self,
        members: Sequence[PoolMember],
        workflow: Workflow,
        values_list: Sequence[Mapping[int, Any]],
        attribute_names: Mapping[int, str] | None,
        expects: Sequence[Expectation],
        per_server: int,
    ) -> None:
        self.members = list(members)
        self.urls = [m.url for m in self.members]
        self.workflow = workflow
        self.attribute_names = attribute_names
        self.expects = tuple(expects)
        self.per_server = per_server
        self.runs = Runs(values_list)
        self.health = [Health() for _ in self.members]
        self.failover = Failover(self.members, self.health, self.runs)
        self.errors: list[BaseException] = []
        self._progress: ProgressFn | None = None
        self._bar_keys: dict[tuple[int, int], int] | None = None
        # server -> the runs being enqueued there, on their own: the loop never waits for an
        # enqueue (a hung one takes several timeouts), so the others are followed and fed
        self._sending: dict[int, tuple[list[Run], Started[list[Sent]]]] = {}

    def run(
        self, timeout: float | None, progress: ProgressFn | None, bar: bool
    ) -> list[RunResult]:
        """Every run's results in input order (a workflow with batch nodes gives several per
        run); RunFailed / RunCanceled as a client raises them; PoolFailed when the batch
        cannot finish (every server failed, the time ran out, a run was refused)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        self._progress, self._bar_keys = progress, ({} if bar else None)
        for path in self._local_files():  # a missing file is refused before anything runs
            path.stat()
        self._check_servers()
        try:
            while not self.runs.settled:
                if not any(not h.failed for h in self.health):
                    raise self._failed("every server of the pool failed")
                if deadline is not None and time.monotonic() > deadline:
                    raise self._failed(f"the runs did not finish within {timeout:g} s")
                self._collect()
                self._feed()
                self._follow()
                if not self.runs.settled:
                    sleep(POLL_INTERVAL)
        finally:
            for run in self.runs.all:  # what the batch leaves behind is no longer ours to count
                run.uncount()  # first: even a batch canceled or interrupted here leaves none
            for _, started in self._sending.values():
                started.stop()  # (their runs' fates said so: being enqueued, may land)
            self.failover.cancel_leftovers(final=True)
        refused = [r.error for r in self.runs.all if r.error is not None]
        if refused:
            raise self._failed("runs were refused", refused)
        results = [res for r in self.runs.all for res in (r.results or [])]
        failed = first_failure(results)
        if failed is not None:
            raise failed
        return results

    # --- before the first run: every server must take the workflow ---

    def _check_servers(self) -> None:
        calls = [
            functools.partial(m.check, self.workflow, self.attribute_names, self.expects)
            for m in self.members
        ]
        answers = each(calls)
        refusals = [a for a in answers if isinstance(a, Exception) and not is_miss(a)]
        if refusals:  # nothing is enqueued anywhere: the first refusal, naming its server
            if len(refusals) > 1:
                raise PoolFailed(
                    f"{len(refusals)} servers of the pool refuse the workflow",
                    self.runs.fates(self.urls),
                    [None] * len(self.runs.all),
                    list(refusals),
                )
            raise refusals[0]
        for index, answer in enumerate(answers):
            if isinstance(answer, Exception):  # unreachable: left out of this batch, said so
                self.health[index].failed = True
                self.health[index].last_error = answer
                self.errors.append(answer)
                warnings.warn(
                    f"the pool leaves out {self.urls[index]}: {answer}", PoolWarning, stacklevel=5
                )

    def _local_files(self) -> list[pathlib.Path]:
        values = [r.values for r in self.runs.all]
        return [*local_paths(values), *local_paths(values, videos=True)]

    # --- feeding: each run to the shortest queue, as room frees up ---

    def _feed(self) -> None:
        live = [i for i, h in enumerate(self.health) if not h.failed]
        takers = [i for i in live if i not in self._sending]  # one enqueue at a time on each
        room = any(self.members[i].load.ours < self.per_server for i in takers)
        flying = [r for r in self.runs.all if r.in_flight]
        # none of ours seen running: the queues are read to tell a paused one (one read a
        # round while ours wait behind others' items)
        stalled = not any(r.uncertain or set(r.statuses.values()) & set(RUNNING) for r in flying)
        if not (self.runs.waiting and room) and not (flying and stalled):
            return  # no room anywhere: no status to read until one of ours finishes
        # every live server is read, not only those that answered last time: this read is the
        # probe that takes a server back after a miss (else one never asked again stays idle)
        answers = each([self.members[i].status for i in live])
        open_, paused, running = set(), [], False
        for index, status in zip(live, answers):
            if isinstance(status, Exception):
                if not is_miss(status):
                    raise self._failed(f"{self.urls[index]} answered with an error", [status])
                self._missed(index, status)
                continue
            self.health[index].answered()
            if not status.processor.is_started:  # paused: takes nothing until resumed
                paused.append(self.urls[index])
                running = running or status.counts.in_progress + status.counts.waiting > 0
            else:
                self.members[index].load.read(status.counts.unfinished)
                open_.add(index)
        if paused and len(paused) == len(live) and stalled and not running and not self._sending:
            # every server answers, none takes a run, nothing runs there: it would wait forever
            raise self._failed(
                f"the queue of every server of the pool is paused ({', '.join(paused)}): "
                "queue.resume() there runs what is queued"
            )
        chosen: dict[int, list[Run]] = {}
        loads = [m.load if i in open_ and i in takers else None for i, m in enumerate(self.members)]
        while self.runs.waiting:
            taker = pick(loads, self.per_server)
            if taker is None:
                break
            run = self.runs.all[self.runs.waiting.popleft()]
            chosen.setdefault(taker, []).append(run)
            run.count(self.members[taker].load)  # counted now, so the next pick sees it
        for taker, runs in chosen.items():
            for run in runs:
                run.sending = taker
            self._sending[taker] = (runs, Started(functools.partial(self._send, taker, runs)))

    def _collect(self) -> None:
        """The answers of the enqueues that have finished."""
        for taker, (runs, started) in list(self._sending.items()):
            if not started.done():
                continue
            del self._sending[taker]
            for run in runs:
                run.sending = None
            sent = started.result()
            self._sent(taker, runs, [sent] * len(runs) if isinstance(sent, Exception) else sent)

    def _send(self, index: int, runs: Sequence[Run]) -> list[Sent]:
        """Enqueue the runs on one server, in order; after a failure the rest are not tried
        (None)."""
        out: list[Sent] = []
        member = self.members[index]
        for run in runs:
            if out and not isinstance(out[-1], Submission):
                out.append(None)
                continue
            try:
                out.append(
                    member.enqueue(
                        self.workflow, run.values, self.attribute_names, self.expects
                    )
                )
            except Exception as exc:  # each run's own fate; the caller sorts them
                out.append(exc)
        return out

    def _sent(self, index: int, runs: Sequence[Run], answers: Sequence[Any]) -> None:
        again: list[Run] = []
        for run, answer in zip(runs, answers):
            if isinstance(answer, Submission):
                run.placed(index, answer)
                self.health[index].enqueued()
                self._emit(run, "pending")
                continue
            if not isinstance(answer, (IvkError, type(None))):  # not the server's doing
                run.error = answer
            elif answer is None or _nothing_queued(answer):  # nothing landed there: go elsewhere
                again.append(run)
                if answer is not None:
                    self._missed(index, answer, enqueue=True)
            elif is_miss(answer):  # the answer was lost: it may be on that queue
                run.server, run.uncertain = index, True
                run.batch_ids = list(answer.batch_ids)
                self._missed(index, answer, enqueue=True)
            else:  # the server refused the values (a 422): another would too
                run.error = answer
        self.runs.send_again(again)
        self.runs.recount()

    # --- following the runs in flight ---

    def _follow(self) -> None:
        busy = [
            i for i in range(len(self.members)) if self.runs.on(i) and not self.health[i].failed
        ]
        calls = [functools.partial(self._look, i) for i in busy]
        for index, answer in zip(busy, each(calls)):
            if isinstance(answer, Exception):
                if not is_miss(answer):
                    raise self._failed(f"{self.urls[index]} answered with an error", [answer])
                self._missed(index, answer, look=True)
                continue
            self.health[index].looked()
            for run in self.runs.on(index):
                self._update(run, answer)
        for index, health in enumerate(self.health):
            if health.failed and self.runs.on(index):
                self.failover.move_off(index, self._update)
        self.failover.cancel_leftovers()
        self.runs.recount()

    def _look(self, index: int) -> dict[int, dict[str, Any]]:
        """Each certain run's items now; runs whose enqueue answer was lost are settled first:
        certainly not running there (canceled if they landed) sends them elsewhere."""
        member = self.members[index]
        for run in self.runs.on(index):
            if not run.uncertain:
                continue
            batch_ids = list(run.batch_ids)
            state = batch_state(member.cancel_batches(batch_ids))
            if state == "ran":  # its items unknown to us: named, not run again
                run.error = ran_there(batch_ids, self.urls[index])
                continue
            why = "its enqueue answer was lost; canceled there"
            if state == "unseen":  # not proof: a sent request can land later (so it is watched)
                why = "its enqueue answer was lost and it is not there; it may still land"
                self.failover.watch(index, Leftover(run.index, [], batch_ids, said=False))
            run.moved(self.urls[index], why)
            self.runs.send_again([run])
        ids = [
            i
            for r in self.runs.on(index)
            if not r.uncertain
            for i in r.item_ids
            if i not in r.finals
        ]
        return member.items(ids)

    def _update(self, run: Run, items: Mapping[int, dict[str, Any]]) -> None:
        for item_id in run.item_ids:
            item = items.get(item_id)
            if item is None:
                continue
            status = str(item.get("status"))
            if run.statuses.get(item_id) != status:
                run.statuses[item_id] = status
                self._emit(run, status, item_id)
            if finished(item):
                run.finals[item_id] = item
        if run.submission is not None and run.item_ids and len(run.finals) == len(run.item_ids):
            member = self.members[run.server or 0]
            run.results = [self._result(run, member, run.finals[i]) for i in run.item_ids]

    def _result(self, run: Run, member: PoolMember, item: dict[str, Any]) -> RunResult:
        result = build_result(item, run.submission, member.client)
        result.values = dict(run.values)  # as given: local files, not their names on that server
        result.server = member.url
        result.moved_from = tuple(run.moved_from)
        return result

    def _missed(
        self, index: int, exc: BaseException, *, enqueue: bool = False, look: bool = False
    ) -> None:
        if self.health[index].missed(exc, enqueue=enqueue, look=look):
            self.errors.append(exc)

    # --- reporting ---

    def _emit(self, run: Run, status: str, item_id: int | None = None) -> None:
        if self._progress is None:
            return
        for position, item in enumerate(run.item_ids):
            if item_id is not None and item != item_id:
                continue
            shown = item
            if self._bar_keys is not None:  # one bar across servers: item ids repeat between them
                shown = self._bar_keys.setdefault((run.index, position), len(self._bar_keys))
            server = self.urls[run.server] if run.server is not None else None
            data = {"server": server, "item_id": item, "run": run.index}
            self._progress(ProgressEvent(shown, "status", status, data=data))

    def _failed(self, why: str, errors: Sequence[BaseException] = ()) -> PoolFailed:
        results: list[object] = [r.results for r in self.runs.all]
        return PoolFailed(why, self.runs.fates(self.urls), results, [*self.errors, *errors])


def _nothing_queued(exc: IvkError) -> bool:
    """An enqueue that failed leaving nothing on the queue: the request never left, or the
    client canceled what it had sent (its error then names no batch)."""
    if isinstance(exc, ServerUnreachable) and not exc.request_sent:
        return True
    return is_miss(exc) and not exc.batch_ids and not exc.item_ids
