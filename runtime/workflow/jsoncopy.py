"""Deep copies of JSON-shaped data (dicts, lists, scalars), several times faster than
``copy.deepcopy``, which matters on every enqueue: the workflow is copied before values go in
and again as the GUI's loader would."""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["json_copy"]

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
