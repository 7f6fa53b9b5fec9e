"""A server URL as it may be shown: in results, displays, links and error messages. A leaf:
every layer, and the generator, may use it. The credentials of ``http://user:password@host``
stay only in the connection that sends them."""

from __future__ import annotations

import urllib.parse

__all__ = ["public_url"]


def public_url(url: str) -> str:
    """``url`` as given, minus any user:password@ and trailing slashes."""
    parts = urllib.parse.urlsplit(url.strip())
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)).rstrip("/")
