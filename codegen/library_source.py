"""Where a module generated from a server's workflow library came from, as its header records it:
the server (as given, without user:password@), the workflow's id and name, and the library copy's
``updated_at``. Written as ``#`` comment lines holding string literals, so that nothing a server
says can end the comment; read back with ``ast.literal_eval``, never by importing the module."""

from __future__ import annotations

import ast
import pathlib
import re
from dataclasses import dataclass

# what is recorded and shown of a server's URL: the runtime's one helper (no user:password@)
from ivk_runtime.urls import public_url

__all__ = ["LibrarySource", "ModuleHeader", "parse_header", "public_url", "read_header", "shown"]

# The header's lines of a library source, in order: (label, attribute).
_LINES = (
    ("Library server", "server"),
    ("Library workflow id", "workflow_id"),
    ("Library workflow name", "name"),
    ("Library updated at", "updated_at"),
)
_HASH = re.compile(r"# Content hash: sha256:([0-9a-f]{64})\Z")
_HEADER_LINES = 20  # a header is a handful of lines: no need to read a whole module's text


@dataclass(frozen=True)
class LibrarySource:
    server: str  # as given, without credentials (public_url)
    workflow_id: str
    name: str
    updated_at: str = ""  # "" when the server gives none

    def describe(self) -> str:
        """library workflow 'Blur image' (id '2864...'), for messages; escaped for a terminal."""
        return f"library workflow {shown(self.name)} (id {shown(self.workflow_id)})"

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) per header line; no updated-at line when the server gave none."""
        return [(label, getattr(self, attr)) for label, attr in _LINES if getattr(self, attr)]


@dataclass(frozen=True)
class ModuleHeader:
    """What a generated module's header records of its source."""

    content_hash: str  # "" when the header has none
    library: LibrarySource | None


def shown(text: str) -> str:
    """Text from a server, quoted for a message: no control character reaches the terminal."""
    return repr(text) if text.isprintable() else ascii(text)


def _literal(text: str) -> str | None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, str) else None


def parse_header(text: str) -> ModuleHeader:
    """The content hash and library source of a module's text (its leading comment lines)."""
    content_hash = ""
    values: dict[str, str] = {}
    labels = dict(_LINES)
    for line in text.split("\n", _HEADER_LINES)[:_HEADER_LINES]:
        if not line.startswith("#"):
            break
        if match := _HASH.match(line):
            content_hash = match.group(1)
            continue
        label, sep, rest = line[2:].partition(": ")
        if sep and label in labels and (value := _literal(rest)) is not None:
            values[labels[label]] = value
    library = None
    if values.get("server") and values.get("workflow_id"):
        library = LibrarySource(
            values["server"],
            values["workflow_id"],
            values.get("name", ""),
            values.get("updated_at", ""),
        )
    return ModuleHeader(content_hash, library)


def read_header(path: pathlib.Path) -> ModuleHeader | None:
    """The header of the module at ``path``; None when it cannot be read as text."""
    try:
        with path.open(encoding="utf-8") as handle:
            head = "".join(handle.readline(10_000) for _ in range(_HEADER_LINES))
    except (OSError, UnicodeDecodeError):
        return None
    return parse_header(head)
