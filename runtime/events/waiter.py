"""What waiting on queue items does next, decided without I/O (time is passed in).

The ``Waiter`` digests fetched queue items and socket.io events and answers with an action:
fetch an item, read events, sleep, done, or expired. For items it was told the graph of, it
also collects each node's output from ``invocation_complete`` events: when every node of the
graph reported and the item completed, the result is built from the events and the final GET
of the queue item (with its whole session) is skipped.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Union

from .hub import EventHub
from .sio import SocketEvent

__all__ = [
    "Action",
    "Done",
    "Expired",
    "Fetch",
    "ProgressEvent",
    "Read",
    "Sleep",
    "Waiter",
    "emit",
    "event_nodes",
    "take_events",
]

TERMINAL = frozenset({"completed", "failed", "canceled"})


@dataclass(frozen=True)
class ProgressEvent:
    """A step of a run, for the ``progress`` callback."""

    item_id: int
    kind: str  # "status", "started", "progress", "complete" or "error"
    status: str | None  # the item's status as last known
    node_id: str | None = None  # the workflow node (invocation_source_id)
    node_type: str | None = None
    message: str | None = None
    percentage: float | None = None
    data: Mapping[str, Any] = field(default_factory=dict, repr=False)


ProgressFn = Callable[[ProgressEvent], None]
# How a wait fetches a queue item, in each flavour.
AsyncFetchFn = Callable[[int], Awaitable[dict[str, Any]]]
FetchFn = Callable[[int], dict[str, Any]]


def take_events(waiter: Waiter, hub: EventHub, progress: ProgressFn | None) -> None:
    """Hand the waiter what the hub holds for its unfinished items."""
    pending = waiter.unfinished
    waiter.on_lost(hub.take_lost(pending))
    emit(progress, waiter.on_events(hub.take(pending)))


def emit(progress: ProgressFn | None, events: list[ProgressEvent]) -> None:
    if progress is not None:
        for event in events:
            progress(event)


_INVOCATION_KINDS = {
    "invocation_started": "started",
    "invocation_progress": "progress",
    "invocation_complete": "complete",
    "invocation_error": "error",
}


@dataclass(frozen=True)
class Fetch:
    item_id: int


@dataclass(frozen=True)
class Read:
    timeout: float | None


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Done:
    pass


@dataclass(frozen=True)
class Expired:
    item_id: int
    last_status: str | None


Action = Union[Fetch, Read, Sleep, Done, Expired]

SAFETY_POLL = 10.0  # with events flowing, still look at the item this often (belt and braces)
POLL_MIN, POLL_MAX, POLL_FRACTION = 0.02, 1.0, 0.1
# While the server cannot be reached, fetches are tried again after these pauses (the last
# repeating), for as long as the wait's timeout allows, or ``MAX_OUTAGE`` with no timeout.
OUTAGE_PAUSES = (0.2, 0.5, 1.0, 2.0, 4.0)
MAX_OUTAGE = 600.0

# Node types whose outputs the events cannot place exactly: an iteration runs a node several
# times (its images' order needs the session's iteration paths); a workflow call runs nodes
# in another session.
_NOT_FROM_EVENTS = frozenset({"iterate", "call_saved_workflow"})

# Queue item keys a terminal queue_item_status_changed carries with the same values as the
# item itself (same row, same formatting).
_ITEM_KEYS = (
    "item_id",
    "queue_id",
    "batch_id",
    "session_id",
    "status",
    "status_sequence",
    "origin",
    "destination",
    "user_id",
    "error_type",
    "error_message",
    "error_traceback",
    "created_at",
    "updated_at",
    "started_at",
    "completed_at",
)


def event_nodes(graph: Mapping[str, Any]) -> frozenset[str] | None:
    """The node ids of an enqueued graph whose ``invocation_complete`` events together carry
    every output of its run, in the session's order; None when events cannot (see above)."""
    nodes = graph.get("nodes")
    if not isinstance(nodes, Mapping) or not nodes:
        return None
    for node in nodes.values():
        if not isinstance(node, Mapping) or node.get("type") in _NOT_FROM_EVENTS:
            return None
    return frozenset(str(n) for n in nodes)


@dataclass
class _Track:
    status: str | None = None
    final: dict[str, Any] | None = None
    needs_fetch: bool = False
    last_fetch: float = float("-inf")
    # Outputs from events: None when this item's result must come from the queue item.
    nodes: frozenset[str] | None = None
    outputs: dict[str, tuple[dict[str, Any], Any]] = field(default_factory=dict)


class Waiter:
    """Decides, for a set of queue items, the next step of waiting.

    ``generation`` is the event session the waiter's knowledge is current with: a new session
    (or none yet) means events may have been missed, so every unfinished item is fetched once
    after subscribing, which catches runs that finished before we listened.

    ``expected`` maps item ids to ``event_nodes`` of their graph; give it only for items
    enqueued after subscribing in session ``generation`` (every event of theirs is seen).
    """

    def __init__(
        self,
        item_ids: Iterable[int],
        *,
        now: float,
        timeout: float | None,
        generation: int | None = None,
        expected: Mapping[int, Collection[str] | None] | None = None,
    ) -> None:
        self.tracks: dict[int, _Track] = {int(i): _Track() for i in item_ids}
        if generation is not None:
            for item_id, nodes in (expected or {}).items():
                track = self.tracks.get(int(item_id))
                if track is not None and nodes:
                    track.nodes = frozenset(nodes)
        self.start = now
        self.timeout = timeout
        self.deadline = now + timeout if timeout is not None else None
        self.generation = generation
        self.resets: int | None = None
        self.from_events: set[int] = set()  # finals built from events: no session in them
        self.outage: tuple[float, int] | None = None  # (since when, failed fetches) while down

    def on_outage(self, error: Exception, now: float) -> float:
        """A fetch failed for want of a server (unreachable, no answer, 5xx): the pause before
        trying again; ``error`` is raised once the outage outlasts the wait's time."""
        since, failures = self.outage or (now, 0)
        self.outage = (since, failures + 1)
        pause = OUTAGE_PAUSES[min(failures, len(OUTAGE_PAUSES) - 1)]
        limit = self.deadline if self.deadline is not None else since + MAX_OUTAGE
        if now + pause > limit:
            raise error
        return pause

    @property
    def unfinished(self) -> list[int]:
        return sorted(i for i, t in self.tracks.items() if t.final is None)

    def finals(self) -> dict[int, dict[str, Any]]:
        return {i: t.final for i, t in self.tracks.items() if t.final is not None}

    def step(self, now: float, generation: int | None, resets: int = 0) -> Action:
        """``generation``: the ready event session's number, or None when polling."""
        if generation is not None and generation != self.generation:
            self.generation = generation
            self._recheck()
        if self.resets is not None and resets != self.resets:
            self._recheck()
        self.resets = resets
        pending = self.unfinished
        if not pending:
            return Done()
        for item_id in pending:  # even past the deadline: a run never looked at may be done
            track = self.tracks[item_id]
            if track.needs_fetch and (track.last_fetch == float("-inf") or self.deadline is None or now < self.deadline):
                return Fetch(item_id)
        if self.deadline is not None and now >= self.deadline:
            first = self.tracks[pending[0]]
            return Expired(pending[0], first.status)
        first_id = pending[0]
        first = self.tracks[first_id]
        remaining = self.deadline - now if self.deadline is not None else None
        if generation is not None:
            since = now - max(first.last_fetch, self.start)
            if since >= SAFETY_POLL:
                return Fetch(first_id)
            # A read must not outlast the safety poll: a silent session would hide the end.
            until_poll = SAFETY_POLL - since
            return Read(until_poll if remaining is None else min(until_poll, remaining))
        # Polling: items run in queue order, so watching the first unfinished one is enough;
        # the interval grows with the wait (fast answers for short runs, little load for long).
        interval = min(max((now - self.start) * POLL_FRACTION, POLL_MIN), POLL_MAX)
        due = first.last_fetch + interval
        if due <= now:
            return Fetch(first_id)
        pause = due - now
        return Sleep(min(pause, remaining) if remaining is not None else pause)

    def _recheck(self) -> None:
        for track in self.tracks.values():
            if track.final is None:
                track.needs_fetch = True
                track.nodes = None  # events of the old session may be missing

    def on_lost(self, item_ids: Iterable[int]) -> None:
        """The hub dropped events of these items: their results need the queue item."""
        for item_id in item_ids:
            track = self.tracks.get(item_id)
            if track is not None:
                track.nodes = None

    def on_item(self, item: Mapping[str, Any], now: float) -> list[ProgressEvent]:
        self.outage = None
        item_id = int(item.get("item_id", -1))
        track = self.tracks.get(item_id)
        if track is None:
            return []
        track.needs_fetch = False
        track.last_fetch = now
        status = str(item.get("status", ""))
        out = self._status(item_id, track, status, item)
        if status in TERMINAL:
            track.final = dict(item)
            self.from_events.discard(item_id)
        return out

    def on_events(self, events: Iterable[SocketEvent]) -> list[ProgressEvent]:
        out: list[ProgressEvent] = []
        for event in events:
            item_id = event.data.get("item_id")
            track = self.tracks.get(item_id) if isinstance(item_id, int) else None
            if item_id is None or track is None or track.final is not None:
                continue
            if event.name == "queue_item_status_changed":
                status = str(event.data.get("status", ""))
                out += self._status(item_id, track, status, event.data)
                if status in TERMINAL:
                    self._terminal(item_id, track, status, event.data)
            elif event.name in _INVOCATION_KINDS:
                if event.name == "invocation_complete":
                    self._output(track, event.data)
                out.append(_invocation_progress(item_id, track.status, event))
        return out

    def _output(self, track: _Track, data: Mapping[str, Any]) -> None:
        if track.nodes is None:
            return
        source = data.get("invocation_source_id")
        invocation = data.get("invocation")
        if (
            not isinstance(source, str)
            or source in track.outputs  # ran twice: not the one-run-per-node graph we expect
            or not isinstance(invocation, dict)
            or not isinstance(invocation.get("id"), str)
        ):
            track.nodes = None
            return
        track.outputs[source] = (invocation, data.get("result"))

    def _terminal(self, item_id: int, track: _Track, status: str, data: Mapping[str, Any]) -> None:
        # Only a completed item whose every node reported is built from events; failures and
        # cancels are rare and want the whole item (errors per node, partial results).
        exact = (
            status == "completed"
            and track.nodes is not None
            and track.nodes == track.outputs.keys()
            # a sanitized copy (someone else's item) lacks the real batch and errors
            and data.get("user_id") != "redacted"
        )
        if exact:
            track.final = _item_from_events(data, track.outputs)
            self.from_events.add(item_id)
        else:
            track.needs_fetch = True

    @staticmethod
    def _status(
        item_id: int, track: _Track, status: str, data: Mapping[str, Any]
    ) -> list[ProgressEvent]:
        if not status or status == track.status:
            return []
        track.status = status
        message = data.get("error_message") if status == "failed" else None
        return [ProgressEvent(item_id, "status", status, message=message, data=dict(data))]


def _invocation_progress(item_id: int, status: str | None, event: SocketEvent) -> ProgressEvent:
    invocation = event.data.get("invocation") or {}
    pct = event.data.get("percentage")
    return ProgressEvent(
        item_id=item_id,
        kind=_INVOCATION_KINDS[event.name],
        status=status,
        node_id=event.data.get("invocation_source_id"),
        node_type=invocation.get("type") if isinstance(invocation, dict) else None,
        message=event.data.get("message") or event.data.get("error_message"),
        percentage=float(pct) if isinstance(pct, (int, float)) else None,
        data=event.data,
    )


def _item_from_events(
    status: Mapping[str, Any], outputs: Mapping[str, tuple[dict[str, Any], Any]]
) -> dict[str, Any]:
    """A queue item as far as the events tell it: the status event's fields, and a session
    holding just what output mapping reads (one prepared node per workflow node, executed in
    event order, which is the session's ``executed_history`` when nothing iterates)."""
    item = {k: status[k] for k in _ITEM_KEYS if k in status}
    nodes: dict[str, Any] = {}
    results: dict[str, Any] = {}
    mapping: dict[str, list[str]] = {}
    for source, (invocation, result) in outputs.items():
        prepared = str(invocation["id"])
        nodes[source] = invocation
        results[prepared] = result
        mapping[source] = [prepared]
    item["session"] = {
        "id": status.get("session_id"),
        "graph": {"nodes": nodes},
        "results": results,
        "source_prepared_mapping": mapping,
        "prepared_source_mapping": {p[0]: s for s, p in mapping.items()},
        "executed_history": list(outputs),
    }
    return item
