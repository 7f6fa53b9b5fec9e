"""Events buffered per queue item, so whoever reads the stream, no waiter misses an event that
arrived before it looked (no I/O; bounded). A lock keeps it whole: the threads of a sync client
take from it while the one reading feeds it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

from .sio import SocketEvent

__all__ = ["EventHub"]


class EventHub:
    """Recent events per queue item, a counter of queue-wide resets, and which items lost
    events to the bounds (their waiters must not trust the events alone)."""

    def __init__(self, queue_id: str, max_items: int = 512, max_events: int = 256) -> None:
        self.queue_id = queue_id
        self.resets = 0  # bumps on queue_cleared: every waiter re-checks its items
        self._items: OrderedDict[int, list[SocketEvent]] = OrderedDict()
        self._lost: OrderedDict[int, None] = OrderedDict()
        self._max_items = max_items
        self._max_events = max_events
        self._lock = threading.Lock()

    def feed(self, events: Iterable[SocketEvent]) -> None:
        with self._lock:
            self._feed(events)

    def _feed(self, events: Iterable[SocketEvent]) -> None:
        for event in events:
            if event.data.get("queue_id", self.queue_id) != self.queue_id:
                continue
            if event.name == "queue_cleared":
                self.resets += 1
                continue
            item_id = event.data.get("item_id")
            if not isinstance(item_id, int):
                continue
            bucket = self._items.setdefault(item_id, [])
            self._items.move_to_end(item_id)
            bucket.append(event)
            if len(bucket) > self._max_events:
                # Progress events are the many; keep the outputs, drop the oldest of the rest.
                self._trim(item_id, bucket)
            while len(self._items) > self._max_items:
                evicted, _ = self._items.popitem(last=False)
                self._mark_lost(evicted)

    def _trim(self, item_id: int, bucket: list[SocketEvent]) -> None:
        excess = len(bucket) - self._max_events
        for i, event in enumerate(bucket):
            if excess and event.name == "invocation_progress":
                bucket[i] = _DROPPED
                excess -= 1
        bucket[:] = [e for e in bucket if e is not _DROPPED]
        if excess:
            del bucket[:excess]
            self._mark_lost(item_id)

    def _mark_lost(self, item_id: int) -> None:
        self._lost[item_id] = None
        self._lost.move_to_end(item_id)
        while len(self._lost) > self._max_items:
            self._lost.popitem(last=False)

    def take(self, item_ids: Iterable[int]) -> list[SocketEvent]:
        out: list[SocketEvent] = []
        with self._lock:
            for item_id in item_ids:
                out.extend(self._items.pop(item_id, ()))
        return out

    def take_lost(self, item_ids: Iterable[int]) -> set[int]:
        """Which of ``item_ids`` lost events since last asked (a bounded memory, so a waiter
        asks every time it takes)."""
        with self._lock:
            lost = {i for i in item_ids if i in self._lost}
            for i in lost:
                del self._lost[i]
        return lost


_DROPPED = SocketEvent("", {})
