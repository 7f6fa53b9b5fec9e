"""The suite's own graph comparator applies exactly its documented rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph_compare import graph_differences, load_null_defaults, values_equal

NULLS = load_null_defaults()


def _g(nodes: dict[str, Any], edges: Sequence[tuple[str, str, str, str]] = ()) -> dict[str, Any]:
    return {
        "id": "x",
        "nodes": nodes,
        "edges": [
            {"source": {"node_id": a, "field": b}, "destination": {"node_id": c, "field": d}}
            for a, b, c, d in edges
        ],
    }


def test_values() -> None:
    assert values_equal(7, 7.0)
    assert not values_equal(True, 1)
    assert not values_equal([1, 2], [2, 1])
    assert not values_equal({"a": None}, {})  # inside values absent != null
    assert values_equal({"a": [1.0]}, {"a": [1]})


def test_graph_id_and_extra_keys_are_ignored() -> None:
    a = _g({"n": {"type": "add", "id": "n", "a": 1}})
    b = {**_g({"n": {"type": "add", "id": "n", "a": 1.0}}), "id": "other", "extra": 1}
    assert graph_differences(a, b, NULLS) == []


def test_absent_equals_null_only_where_the_default_is_null() -> None:
    base = {"type": "save_image", "id": "n"}
    assert graph_differences(_g({"n": base}), _g({"n": {**base, "board": None}}), NULLS) == []
    diffs = graph_differences(_g({"n": base}), _g({"n": {**base, "use_cache": None}}), NULLS)
    assert len(diffs) == 1 and "use_cache" in diffs[0]


def test_edges_are_a_multiset() -> None:
    e1, e2 = ("a", "value", "b", "a"), ("a", "value", "c", "a")
    nodes: dict[str, Any] = {}
    assert graph_differences(_g(nodes, [e1, e2]), _g(nodes, [e2, e1]), NULLS) == []
    assert len(graph_differences(_g(nodes, [e1, e1]), _g(nodes, [e1]), NULLS)) == 1


def test_missing_and_extra_nodes_are_reported() -> None:
    diffs = graph_differences(_g({"a": {"type": "add"}}), _g({"b": {"type": "add"}}), NULLS)
    assert diffs == ["node only in expected: a", "node only in actual: b"]
