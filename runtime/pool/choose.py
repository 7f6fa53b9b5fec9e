"""Which server takes the next run: the one with the shortest queue, counting both the items
of others (read from the server's own queue status) and this pool's runs in flight there.
Pure: the pool reads the statuses and counts its runs; this only compares."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Load", "pick"]


@dataclass
class Load:
    """What the pool knows of one server's queue."""

    others: int = 0  # unfinished items not ours, at the last status read
    ours: int = 0  # this pool's runs queued there and not seen finished yet

    def read(self, unfinished: int) -> None:
        """A queue status said ``unfinished`` (pending + in progress), ours among them."""
        self.others = max(0, unfinished - self.ours)

    @property
    def queued(self) -> int:
        return self.others + self.ours


def pick(loads: Sequence[Load | None], per_server: int) -> int | None:
    """The index of the server for the next run: the shortest queue among the servers with
    fewer than ``per_server`` of our runs (None in ``loads``: a server not to use now); ties go
    to the one with fewer of ours, then to the first listed. None when no server has room:
    the run waits for one of ours to finish, so that every server is fed as it frees up."""
    best: tuple[int, int, int] | None = None
    for index, load in enumerate(loads):
        if load is None or load.ours >= per_server:
            continue
        key = (load.queued, load.ours, index)
        if best is None or key < best:
            best = key
    return None if best is None else best[2]
