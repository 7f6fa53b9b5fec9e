# Generated from failover_async.py by scripts/unasync.py: edit that file, then run the script.
"""A server that stopped answering: its unfinished runs go to the other servers, and what it
may still hold of them is canceled as soon as it answers again.

A run moves once its server is declared failed (``health``), whether or not the cancel there
was confirmed: a server that answers nothing cannot be waited for without losing the run.
What could not be canceled is named in a ``PoolWarning`` and kept as a leftover; while the
batch lasts (and once at its end) the pool tries to cancel leftovers again, and warns if one
ran after all. A run whose enqueue answer was lost and whose batch is not found on its queue is
sent elsewhere too, and its batch watched the same way: a request can still land later."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..api.queue_types import QueueCounts
from ..errors import IvkError, NotFound, PoolWarning
from .fanout import each
from .health import Health
from .member_sync import PoolMember
from .runs import Run, Runs

__all__ = ["Failover"]

RETRY_EVERY = 2.0  # seconds between attempts to cancel a failed server's leftovers
ENDED = ("canceled", "completed", "failed")
RUNNING = ("in_progress", "waiting")

Update = Callable[[Run, Mapping[int, dict[str, Any]]], None]


@dataclass
class Leftover:
    """A run's items (or batches, its items unknown) on a server, not confirmed canceled."""

    run: int
    item_ids: list[int]
    batch_ids: list[str]
    said: bool = True  # named in a warning already (else: said at the end if never seen)


def batch_state(counts: Sequence[QueueCounts]) -> str:
    """What batches whose enqueue answer was lost did on a queue, once canceled there: "ran"
    (an item of them started), "canceled" (they landed, and nothing of them is left to run),
    or "unseen" (not there, or not yet: the request may still land)."""
    if any(c.in_progress or c.waiting or c.completed or c.failed for c in counts):
        return "ran"
    if counts and all(c.total and not c.unfinished for c in counts):
        return "canceled"
    return "unseen"


class Failover:
    def __init__(
        self, members: Sequence[PoolMember], health: Sequence[Health], runs: Runs
    ) -> None:
        self.members = list(members)
        self.health = list(health)
        self.runs = runs
        self.leftovers: dict[int, list[Leftover]] = {}  # server -> what it may still run
        self._tried: dict[int, float] = {}

    def move_off(self, index: int, update: Update) -> None:
        """Send a failed server's unfinished runs to the others (each canceled there first
        where it still answers; a run that finished there after all keeps its result). While
        it answers, a run it is executing is waited for (this is called again each round)."""
        member = self.members[index]
        why = f"{member.url} stopped answering ({self.health[index].last_error})"
        runs = self.runs.on(index)
        try:
            seen: Mapping[int, dict[str, Any]] | None = member.items(
                [i for r in runs if not r.uncertain for i in r.item_ids]
            )
        except IvkError:
            seen = None
        unconfirmed = []
        for run in runs:
            if seen is not None and not run.uncertain:
                update(run, seen)
                if run.settled or any(s in RUNNING for s in run.statuses.values()):
                    continue  # finished there, or running there: its result is awaited
            after: dict[int, str] | None
            try:
                if run.uncertain:
                    state = batch_state(member.cancel_batches(run.batch_ids))
                    if state == "ran":
                        run.error = ran_there(run.batch_ids, member.url)
                        continue
                    after = {} if state == "canceled" else None  # unseen: it may still land
                else:
                    after = member.cancel(run.item_ids)
                    if any(s in ("completed", "failed") for s in after.values()):
                        update(run, member.items(run.item_ids))  # its result stands
            except IvkError:
                after = None
            if run.settled:
                continue
            confirmed = after is not None and all(s in ENDED for s in after.values())
            if not confirmed:
                unconfirmed.append(Leftover(run.index, run.item_ids, list(run.batch_ids)))
            run.moved(member.url, why if confirmed else why + "; not canceled there")
            self.runs.send_again([run])
        if unconfirmed:
            self.leftovers.setdefault(index, []).extend(unconfirmed)
            self._tried[index] = time.monotonic()
            warnings.warn(
                f"{why}: its runs were sent to the other servers; it may still run "
                f"{_named(unconfirmed)} if it comes back (the pool cancels them if it answers "
                "during the batch)",
                PoolWarning,
                stacklevel=7,
            )

    def watch(self, index: int, left: Leftover) -> None:
        """Keep cancelling (and looking at) what a server may still run of a moved run."""
        self.leftovers.setdefault(index, []).append(left)
        self._tried[index] = time.monotonic()

    def cancel_leftovers(self, *, final: bool = False) -> None:
        """Try again to cancel what failed servers may still run (at most every RETRY_EVERY s,
        or now when ``final``)."""
        now = time.monotonic()
        due = [
            i
            for i, left in self.leftovers.items()
            if left and (final or now - self._tried.get(i, 0.0) >= RETRY_EVERY)
        ]
        for index in due:
            self._tried[index] = now
        answers = each([self._cancel_on(i, final) for i in due])
        for index, answer in zip(due, answers):
            if isinstance(answer, Exception):
                continue
            url, (ran, unseen) = self.members[index].url, answer
            if ran:
                warnings.warn(
                    f"{url} had run {_named(ran)} after the pool sent them elsewhere (each ran "
                    "again elsewhere; its result is the other server's)",
                    PoolWarning,
                    stacklevel=7,
                )
            if unseen:
                warnings.warn(
                    f"{url} never showed {_named(unseen)}, whose enqueue answer was lost: each "
                    "ran elsewhere; if that request still lands there, it runs there again",
                    PoolWarning,
                    stacklevel=7,
                )

    def _cancel_on(self, index: int, final: bool) -> Callable[[], Any]:
        def cancel() -> tuple[list[Leftover], list[Leftover]]:
            member = self.members[index]
            ran: list[Leftover] = []
            unseen: list[Leftover] = []
            for left in list(self.leftovers[index]):
                try:
                    state = self._settle(member, left)
                except IvkError:  # not answering: the rest waits for the next try
                    if final:  # there is none: what no warning named yet is named now
                        unseen.extend(x for x in self.leftovers[index] if not x.said)
                    break
                if state == "unseen" and not final:
                    continue  # it may still land: looked at again
                self.leftovers[index].remove(left)
                if state == "ran":
                    ran.append(left)
                elif state == "unseen" and not left.said:
                    unseen.append(left)
            return ran, unseen

        return cancel

    def _settle(self, member: PoolMember, left: Leftover) -> str:
        """Cancel a leftover there: its ``batch_state`` (its items named once it has some)."""
        if not left.item_ids:
            state = batch_state(member.cancel_batches(left.batch_ids))
            if state != "unseen":
                left.item_ids = member.batch_items(left.batch_ids)
            return state
        try:
            after = member.cancel(left.item_ids)
        except NotFound:  # deleted from its queue meanwhile: nothing left to run
            return "canceled"
        return "ran" if any(s in ("completed", "failed") for s in after.values()) else "canceled"


def ran_there(batch_ids: Sequence[str], url: str) -> IvkError:
    """A run whose enqueue answer was lost, found started there: named, not run again."""
    return IvkError(
        f"its enqueue answer was lost, and batch {', '.join(batch_ids)} ran on {url} (its "
        "results are there)"
    )


def _named(leftovers: Sequence[Leftover]) -> str:
    return ", ".join(
        f"run {x.run} (batch {', '.join(x.batch_ids)}"
        + (f", item {', '.join(map(str, x.item_ids))}" if x.item_ids else "")
        + ")"
        for x in leftovers
    )
