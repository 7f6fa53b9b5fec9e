"""Telling "no such board or image" apart from other refusals (pure)."""

from __future__ import annotations

from ..errors import AuthError, HTTPStatusError, NotFound

__all__ = ["as_not_found"]


def as_not_found(
    exc: HTTPStatusError, kind: str, name: str, statuses: tuple[int, ...] = (404,)
) -> HTTPStatusError:
    """``exc`` as a NotFound naming the ``kind`` and ``name`` when its status says the thing is
    missing, else ``exc`` itself (auth refusals are never "not found")."""
    if isinstance(exc, (AuthError, NotFound)) or exc.status not in statuses:
        return exc
    return NotFound(kind, name, exc.method, exc.url, exc.status, exc.body)
