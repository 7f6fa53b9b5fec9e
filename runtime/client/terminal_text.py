"""Text from workflows and servers, made safe to print on a terminal: control characters
(ESC and the rest, which could move the cursor, retitle the window or clear the screen) are
shown as escapes instead of being obeyed."""

from __future__ import annotations

import re

__all__ = ["printable"]

# C0 (but tab and newline), DEL, C1, and the line/paragraph separators
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str, *, newlines: bool = False) -> str:
    """``text`` with each control character written as ``\\xNN`` (newlines kept if asked)."""
    pattern = _CONTROL if newlines else _CONTROL_OR_NEWLINE
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
