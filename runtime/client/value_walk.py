"""The walk over a run's values that uploads need: each value, and the members of an image
collection (lists and tuples), found or replaced. Pure, and light to import."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

__all__ = ["leaves", "map_leaves"]


def leaves(values_list: Sequence[Mapping[int, Any]]) -> Iterator[Any]:
    """Every value of every value set, a collection's members in its place, in order."""

    def walk(v: Any) -> Iterator[Any]:
        if isinstance(v, (list, tuple)):
            for x in v:
                yield from walk(x)
        else:
            yield v

    for values in values_list:
        for v in values.values():
            yield from walk(v)


def map_leaves(values: Mapping[int, Any], fn: Callable[[Any], Any]) -> dict[int, Any]:
    """A value set with ``fn`` applied to each value (a collection: to each member; the
    collection becomes a list)."""

    def sub(v: Any) -> Any:
        return [sub(x) for x in v] if isinstance(v, (list, tuple)) else fn(v)

    return {int(k): sub(v) for k, v in values.items()}
