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
    """A failure of the server rather than of the request: no answer, or a broken one."""
    if isinstance(exc, (ServerUnreachable, RequestTimeout)):
        return True
    if isinstance(exc, (AuthError, NotFound)):
        return False
    if isinstance(exc, HTTPStatusError):
        return exc.status >= 500
    return isinstance(exc, ServerError) and not isinstance(exc, HTTPStatusError)


class Health:
    """One server's answers during a batch."""

    def __init__(self) -> None:
        self.misses = 0  # requests in a row without an answer
        self.failed = False  # declared failed: its runs moved, never used again this batch
        self.last_error: BaseException | None = None

    @property
    def usable(self) -> bool:
        """Takes new runs: it answered its last request."""
        return not self.failed and self.misses == 0

    def answered(self) -> None:
        if not self.failed:
            self.misses = 0

    def missed(self, exc: BaseException) -> bool:
        """Count a request without an answer; True when this makes the server failed."""
        self.last_error = exc
        if self.failed:
            return False
        self.misses += 1
        if self.misses >= MISSES_TO_FAIL:
            self.failed = True
            return True
        return False
