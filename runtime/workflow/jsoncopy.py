"""Deep copies of JSON-shaped data (dicts, lists, scalars), several times faster than
``copy.deepcopy``, which matters on every enqueue: the workflow is copied before values go in
and again as the GUI's loader would. And how deep such data is nested, measured without
recursion, so that a hostile file is refused before anything recursive meets it."""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["MAX_DEPTH", "json_copy", "too_deep"]

# Deeper values are refused: copies, the GUI-loader passes and Python literals all recurse.
MAX_DEPTH = 100

T = TypeVar("T")


def json_copy(value: T) -> T:
    """Dicts and lists are copied all the way down; anything else is shared, as JSON scalars
    are immutable."""
    return _copy(value)  # type: ignore[no-any-return]


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) if isinstance(v, (dict, list)) else v for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) if isinstance(v, (dict, list)) else v for v in value]
    return value


def too_deep(value: Any, limit: int = MAX_DEPTH) -> list[str | int] | None:
    """The path to the first place nested deeper than ``limit``, or None (one pass, no
    recursion)."""
    stack: list[tuple[Any, list[str | int]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if len(path) > limit:
            return path
        if isinstance(item, dict):
            stack.extend((v, [*path, str(k)]) for k, v in item.items() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend((v, [*path, i]) for i, v in enumerate(item) if isinstance(v, (dict, list)))
    return None
