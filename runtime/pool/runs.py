"""The runs of one pool batch: where each is queued, what it gave, where it was before, and
what to say of each when the batch cannot finish. Pure."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..client.results import Placement, RunResult
from ..client.submission import Submission
from .choose import Load

__all__ = ["Run", "Runs"]


@dataclass
class Run:
    """One value set of the batch."""

    index: int
    values: Mapping[int, Any]
    server: int | None = None  # the member it is queued on now
    submission: Submission | None = None
    batch_ids: list[str] = field(default_factory=list)
    # queued, but the enqueue's answer was lost: the batches may or may not be on that queue
    uncertain: bool = False
    statuses: dict[int, str] = field(default_factory=dict)  # item id -> last status seen
    finals: dict[int, dict[str, Any]] = field(default_factory=dict)  # item id -> finished item
    results: list[RunResult] | None = None
    error: BaseException | None = None  # refused by the server (a 422): not sent elsewhere
    moved_from: list[Placement] = field(default_factory=list)
    # the server's load it is counted in (one place only: a count kept and undone by hand
    # drifted, and a canceled batch left its runs counted for the pool's later batches)
    counted: Load | None = field(default=None, repr=False, compare=False)
    sending: int | None = None  # the member its enqueue is under way on (no answer yet)

    @property
    def item_ids(self) -> list[int]:
        return list(self.submission.item_ids) if self.submission is not None else []

    @property
    def in_flight(self) -> bool:
        return self.server is not None and self.results is None and self.error is None

    @property
    def settled(self) -> bool:
        return self.results is not None or self.error is not None

    def count(self, load: Load) -> None:
        """Counted among that server's runs of ours (and no longer where it was counted)."""
        self.uncount()
        load.ours += 1
        self.counted = load

    def uncount(self) -> None:
        if self.counted is not None:
            self.counted.ours -= 1
            self.counted = None

    def placed(self, server: int, submission: Submission) -> None:
        self.server, self.submission = server, submission
        self.batch_ids = list(submission.batch_ids)
        self.uncertain = False
        self.statuses = {i: "pending" for i in submission.item_ids}
        self.finals = {}

    def moved(self, url: str, why: str) -> None:
        """Taken off its server (which failed): where it was is kept, the run is pending."""
        items: list[int | None] = [*self.item_ids] or [None]
        for item in items:
            status = self.statuses.get(item) if item is not None else None
            batch = self.batch_ids[0] if self.batch_ids else None
            self.moved_from.append(Placement(url, batch, item, status, why))
        self.server, self.submission, self.batch_ids = None, None, []
        self.uncertain, self.statuses, self.finals = False, {}, {}


class Runs:
    """Every run of a batch, and those waiting for a server (in input order; moved runs first)."""

    def __init__(self, values_list: Sequence[Mapping[int, Any]]) -> None:
        self.all = [Run(i, v) for i, v in enumerate(values_list)]
        self.waiting: deque[int] = deque(range(len(self.all)))

    @property
    def settled(self) -> bool:
        return all(r.settled for r in self.all)

    def on(self, server: int) -> list[Run]:
        return [r for r in self.all if r.server == server and r.in_flight]

    def recount(self) -> None:
        """Uncount the runs no longer in flight (settled, moved, or never placed)."""
        for run in self.all:
            if not run.in_flight and run.sending is None:
                run.uncount()

    def send_again(self, runs: Sequence[Run]) -> None:
        """Runs to go to a server before the ones never sent (in their input order)."""
        for run in sorted(runs, key=lambda r: r.index, reverse=True):
            self.waiting.appendleft(run.index)

    def fates(self, urls: Sequence[str]) -> list[str]:
        """One line per run: done where, queued where, refused, or never enqueued."""
        return [_fate(r, urls) for r in self.all]


def _fate(run: Run, urls: Sequence[str]) -> str:
    before = "".join(f"; before: {p.server} item {p.item_id} ({p.why})" for p in run.moved_from)
    if run.results is not None:
        ids = ", ".join(str(r.item_id) for r in run.results)
        statuses = ", ".join(sorted({r.status for r in run.results}))
        return f"{statuses} on {urls[run.server or 0]} (item {ids}){before}"
    if run.error is not None:
        return f"refused: {run.error}{before}"
    if run.sending is not None:
        return f"being enqueued on {urls[run.sending]} (no answer yet: it may land there){before}"
    if run.server is not None:
        where, batches = urls[run.server], ", ".join(run.batch_ids)
        if run.uncertain:
            return f"maybe queued on {where} (batch {batches}: its enqueue answer was lost){before}"
        states = ", ".join(f"item {i} {s}" for i, s in run.statuses.items())
        return f"queued on {where} ({states}; batch {batches}){before}"
    if run.moved_from:
        return f"not queued anywhere now{before}"
    return "never enqueued"
