# Generated from failover_async.py by scripts/unasync.py: edit that file, then run the script.
"""A server that stopped answering: its unfinished runs go to the other servers, and what it
may still hold of them is canceled as soon as it answers again.

A run moves once its server is declared failed (``health``), whether or not the cancel there
was confirmed: a server that answers nothing cannot be waited for without losing the run.
What could not be canceled is named in a ``PoolWarning`` and kept as a leftover; while the
batch lasts (and once at its end) the pool tries to cancel leftovers again, and warns if one
ran after all."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
    """A run's items (or batches) on a failed server, not confirmed canceled there."""

    run: int
    item_ids: list[int]
    batch_ids: list[str]


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
                if run.uncertain and not member.unrun(run.batch_ids):
                    run.error = IvkError(
                        f"its enqueue answer was lost, and batch {', '.join(run.batch_ids)} ran "
                        f"on {member.url} (its results are there)"
                    )
                    continue
                after = member.cancel(run.item_ids, run.batch_ids)
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
        answers = each([self._cancel_on(i) for i in due])
        for index, ran in zip(due, answers):
            if isinstance(ran, Exception) or not ran:
                continue
            warnings.warn(
                f"{self.members[index].url} answered again: it had run {_named(ran)} after the "
                "pool moved them (each ran again elsewhere; its result is the other server's)",
                PoolWarning,
                stacklevel=7,
            )

    def _cancel_on(self, index: int) -> Callable[[], Any]:
        def cancel() -> list[Leftover]:
            member, ran = self.members[index], []
            for left in list(self.leftovers[index]):
                try:
                    after = member.cancel(left.item_ids, left.batch_ids)
                except NotFound:  # deleted from its queue meanwhile: nothing left to run
                    after = {}
                self.leftovers[index].remove(left)
                if any(s in ("completed", "failed") for s in after.values()):
                    ran.append(left)
            return ran

        return cancel


def _named(leftovers: Sequence[Leftover]) -> str:
    return ", ".join(
        f"run {x.run} ("
        + (
            f"item {', '.join(map(str, x.item_ids))}"
            if x.item_ids
            else f"batch {', '.join(x.batch_ids)}"
        )
        + ")"
        for x in leftovers
    )
