"""When a server counts as failed: after a few requests in a row that got no answer (refused,
timed out, or a 5xx), each already retried by the connection. One miss only keeps new runs
away from it; a server that answers again is used again. Pure."""

from __future__ import annotations

from ..errors import (
    AuthError,
    HTTPStatusError,
    NotFound,
    RequestTimeout,
    ServerError,
    ServerUnreachable,
)

__all__ = ["MISSES_TO_FAIL", "Health", "is_miss"]

MISSES_TO_FAIL = 3


def is_miss(exc: BaseException) -> bool:
    """A failure of the server rather than of the request: no answer, or a 5xx. Anything
    else (a 422 refusing the values, a 404, a refused token, an answer of the wrong shape)
    is the run's or the caller's, and is raised or reported, never retried elsewhere."""
    if isinstance(exc, (ServerUnreachable, RequestTimeout)):
        return True
    return isinstance(exc, HTTPStatusError) and exc.status >= 500


class Health:
    """One server's answers during a batch."""

    def __init__(self) -> None:
        self.misses = 0  # requests in a row without an answer
        # enqueues in a row without an answer: other requests answering does not reset these,
        # so a server that answers reads but never takes a run fails too
        self.lost_enqueues = 0
        # looks at our items in a row without an answer: its status answering does not reset
        # these either (read each round as a probe), so one that never shows our runs fails
        self.lost_looks = 0
        self.failed = False  # declared failed: its runs moved, never used again this batch
        self.last_error: BaseException | None = None

    @property
    def usable(self) -> bool:
        """Takes new runs: it answered its last request."""
        return not self.failed and self.misses == 0

    def answered(self) -> None:
        if not self.failed:
            self.misses = 0

    def looked(self) -> None:
        self.lost_looks = 0
        self.answered()

    def enqueued(self) -> None:
        self.lost_enqueues = 0
        self.answered()

    def missed(self, exc: BaseException, *, enqueue: bool = False, look: bool = False) -> bool:
        """Count a request without an answer; True when this makes the server failed."""
        self.last_error = exc
        if self.failed:
            return False
        self.misses += 1
        self.lost_enqueues += enqueue
        self.lost_looks += look
        if MISSES_TO_FAIL <= max(self.misses, self.lost_enqueues, self.lost_looks):
            self.failed = True
            return True
        return False
