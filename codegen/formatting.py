"""black at pinned settings: the user's own configuration never changes our bytes.

Modules are formatted a statement at a time: the template lays out what black would leave
as it is (exploded calls with magic trailing commas, blank lines, docstrings it does not
touch), and each statement whose layout depends on its length goes through black here.
Statements repeat across workflows (the same scheduler or model input), so the results
are cached; the tests check that every generated module is exactly what black makes of it.
"""

from __future__ import annotations

import functools

import black
from black.mode import Mode, TargetVersion

__all__ = ["LINE_LENGTH", "format_source", "format_statement"]

LINE_LENGTH = 100


@functools.cache
def _mode(line_length: int) -> Mode:
    return Mode(
        target_versions={TargetVersion.PY310},
        line_length=line_length,
        string_normalization=True,
        magic_trailing_comma=True,
        is_pyi=False,
    )


def format_source(source: str) -> str:
    """A whole module, as black formats it."""
    return black.format_str(source, mode=_mode(LINE_LENGTH))


@functools.lru_cache(maxsize=8192)
def format_statement(statement: str, indent: int = 0) -> str:
    """One statement as black lays it out ``indent`` spaces deep (no trailing newline).

    Black measures a line with its indentation, so formatting the statement at the top level
    with the line length reduced by ``indent`` gives the same breaks. A one-line statement that
    fits is returned as it is: the generator writes its tokens the way black does, and the
    test suite holds every generated module to black's own output.
    """
    if "\n" not in statement.rstrip("\n") and len(statement.rstrip("\n")) + indent <= LINE_LENGTH:
        return " " * indent + statement.rstrip("\n")
    text = black.format_str(statement, mode=_mode(LINE_LENGTH - indent)).rstrip("\n")
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in text.split("\n"))
