"""Requests described without doing them, and how any answer is read (pure, no I/O).

A ``Call`` is one HTTP request; the connection (``connection_async`` and its sync twin) sends
it and hands the status and body back to ``parse_json``. Which calls may be repeated, and
after what pause, is decided here once for both clients.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from ..errors import AuthError, HTTPStatusError, RequestTimeout, ServerError, ServerUnreachable

__all__ = [
    "Call",
    "base_headers",
    "check_status",
    "parse_json",
    "retry_delay",
    "segment",
    "transport_error",
]

USER_AGENT = "ivk-runtime/0.1"

# GETs are retried on connection errors and 5xx; these are the pauses between attempts.
RETRY_DELAYS = (0.1, 0.4, 1.0)
RETRY_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class Call:
    """One HTTP request, described without doing it."""

    method: str
    path: str  # relative to the server root, e.g. "/api/v1/app/version"
    params: Mapping[str, Any] | None = None
    json_body: Any = None
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    form: Mapping[str, Any] | None = None  # a form body (with ``files``: the multipart's fields)
    content: bytes | None = None  # a raw body
    headers: Mapping[str, str] | None = None  # added to (or replacing) the connection's own
    # Only reads may be repeated: a POST that timed out may have been applied (no double enqueue).
    idempotent: bool = False
    timeout: float | None = None  # overrides the client's default when set
    expect: tuple[int, ...] = field(default=(200, 201))


def base_headers(token: str | None) -> dict[str, str]:
    # identity: InvokeAI's socket.io long-polling answers 500 to gzip-accepting clients.
    headers = {"Accept-Encoding": "identity", "User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def retry_delay(
    call: Call, attempt: int, status: int | None, *, timed_out: bool = False
) -> float | None:
    """Pause before retry number ``attempt`` (0-based), or None to give up.

    ``status`` is the HTTP status, or None for a connection error (nothing was received). A
    request that timed out is not repeated: the server is slow, and repeating multiplies it.
    """
    if not call.idempotent or timed_out or attempt >= len(RETRY_DELAYS):
        return None
    if status is None or status in RETRY_STATUSES:
        return RETRY_DELAYS[attempt]
    return None


def transport_error(call: Call, url: str, base_url: str, exc: httpx.TransportError) -> ServerError:
    """The typed error for an httpx transport failure."""
    if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeout(call.method, url, call.timeout)
    reason = str(exc) or type(exc).__name__
    never_left = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
    return ServerUnreachable(base_url, reason, request_sent=not never_left)


def check_status(call: Call, url: str, status: int, text: str, *, token_sent: bool = False) -> None:
    if status in call.expect or 200 <= status < 300:
        return
    if status in (401, 403):
        raise AuthError(call.method, url, status, text, token_sent=token_sent)
    raise HTTPStatusError(call.method, url, status, text)


def parse_json(call: Call, url: str, status: int, text: str, *, token_sent: bool = False) -> Any:
    check_status(call, url, status, text, token_sent=token_sent)
    try:
        return json.loads(text) if text else None
    except ValueError as exc:
        raise HTTPStatusError(call.method, url, status, f"not JSON: {text[:200]}") from exc


# --- endpoints --------------------------------------------------------------------------------


def segment(value: str) -> str:
    """One URL path segment: a name must not add path parts ("/", "..") to the URL."""
    text = urllib.parse.quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text
