"""The one path by which text from a workflow becomes Python source.

Exported workflows are untrusted. Every label, description, name or value that reaches a
generated module is turned into a string literal, a docstring body or a checked identifier
here, and comes out as ``Code``; the template environment refuses anything else.
"""

from __future__ import annotations

import keyword
import math
import re
from typing import Any

__all__ = ["Code", "comment_text", "docstring", "identifier", "string_literal", "value_literal"]


class Code(str):
    """Python source that this module made (or that the generator wrote itself)."""

    __slots__ = ()


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _escape_char(ch: str, quote: str) -> str:
    if ch == "\\":
        return "\\\\"
    if ch == quote:
        return "\\" + quote
    if ch == "\n":
        return "\\n"
    if ch == "\t":
        return "\\t"
    if ch.isprintable() and ch not in "\u2028\u2029" and not ("\ud800" <= ch <= "\udfff"):
        return ch
    code = ord(ch)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def string_literal(text: str) -> Code:
    """A single-line Python string literal whose value is ``text``.

    Quotes as black would leave them (double unless single needs fewer escapes), so that
    formatting never has to touch it.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    if text.isprintable():  # the common case, done in C: only \\ and the quote to escape
        return Code(quote + text.replace("\\", "\\\\").replace(quote, "\\" + quote) + quote)
    return Code(quote + "".join(_escape_char(c, quote) for c in text) + quote)


def docstring(text: str, indent: int = 0) -> Code:
    """A triple-quoted docstring literal whose value is ``text`` (newlines kept as lines);
    lines after the first are indented to sit in a body ``indent`` spaces deep."""
    lines = text.strip().split("\n")
    escaped = ["".join(_escape_char(c, '"') for c in line).rstrip() for line in lines]
    pad = " " * indent
    body = "\n".join([escaped[0]] + [pad + line if line else "" for line in escaped[1:]])
    if body.endswith("\\"):  # a lone trailing backslash would escape the closing quotes
        body += " "
    return Code('"""' + body + '"""')


def comment_text(text: str) -> Code:
    """Text for a ``#`` comment: one line, as a string literal so nothing can end it."""
    return string_literal(text)


def identifier(name: str) -> Code:
    """A name the generator chose; checked, never trusted."""
    if not _IDENT.match(name) or keyword.iskeyword(name):
        raise ValueError(f"not a safe identifier: {name!r}")
    return Code(name)


def value_literal(value: Any) -> Code:
    """A Python expression equal to a JSON value (dicts, lists, str, numbers, bool, None)."""
    if value is None or isinstance(value, bool):
        return Code(repr(value))
    if isinstance(value, int):
        return Code(str(value))
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError("NaN and infinity are not JSON values")
        return Code(repr(value))
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, (list, tuple)):
        return Code("[" + ", ".join(value_literal(v) for v in value) + "]")
    if isinstance(value, dict):
        items = (f"{string_literal(str(k))}: {value_literal(v)}" for k, v in value.items())
        return Code("{" + ", ".join(items) + "}")
    raise ValueError(f"not a JSON value: {type(value).__name__}")
