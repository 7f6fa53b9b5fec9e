"""Batch and generator nodes become the enqueue_batch ``data``, never graph nodes."""

from __future__ import annotations

from typing import Any

import pytest
from graph_builders import SCHEMA, connector, edge, node, workflow

from ivk_runtime.errors import WorkflowError
from ivk_runtime.graph.generators import MersenneTwister
from ivk_runtime.graph import BuiltGraph, build_graph


def _build(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **kw: Any) -> BuiltGraph:
    return build_graph(workflow(nodes, edges), SCHEMA, graph_id="g", **kw)


def _entry(node_path: str, field: str, items: list[Any]) -> dict[str, Any]:
    return {"node_path": node_path, "field_name": field, "items": items}


def test_a_workflow_without_batch_nodes_has_no_data() -> None:
    assert _build([node("n", "add", a=1, b=2)], []).batch_data == []


def test_a_batch_node_lists_its_values_for_each_input_it_feeds() -> None:
    built = _build(
        [
            node("batch", "integer_batch", batch_group_id="None", integers=[1, 2, 3]),
            node("n1", "add", a=0, b=5),
            node("n2", "add", a=0, b=6),
        ],
        [edge("batch", "value", "n1", "a"), edge("batch", "value", "n2", "b")],
    )
    assert built.batch_data == [[_entry("n1", "a", [1, 2, 3]), _entry("n2", "b", [1, 2, 3])]]
    # the batch node is not a graph node, its edges are not graph edges; the fed value stays
    assert set(built.graph["nodes"]) == {"n1", "n2"}
    assert built.graph["edges"] == []
    assert built.graph["nodes"]["n1"]["a"] == 0


def test_grouped_batches_are_zipped_and_ungrouped_ones_multiply() -> None:
    built = _build(
        [
            node("g1", "integer_batch", batch_group_id="Group 1", integers=[1, 2]),
            node("g2", "string_batch", batch_group_id="Group 1", strings=["a", "b"]),
            node("u1", "integer_batch", batch_group_id="None", integers=[7, 8, 9]),
            node("u2", "float_batch", batch_group_id="None", floats=[0.5]),
            node("n", "add", a=0, b=0),
            node("s", "string", value=""),
            node("f", "float_math", operation="ADD", a=0.0, b=0.0),
        ],
        [
            edge("g1", "value", "n", "a"),
            edge("g2", "value", "s", "value"),
            edge("u1", "value", "n", "b"),
            edge("u2", "value", "f", "a"),
        ],
    )
    assert built.batch_data == [
        [_entry("n", "a", [1, 2]), _entry("s", "value", ["a", "b"])],
        [_entry("n", "b", [7, 8, 9])],
        [_entry("f", "a", [0.5])],
    ]


def test_image_batch_feeds_from_its_image_output() -> None:
    images = [{"image_name": "a.png"}, {"image_name": "b.png"}]
    built = _build(
        [node("b", "image_batch", batch_group_id="None", images=images), node("blur", "img_blur", radius=2)],
        [edge("b", "image", "blur", "image")],
    )
    assert built.batch_data == [[_entry("blur", "image", images)]]


def test_a_batch_wired_through_a_connector_names_the_real_input() -> None:
    built = _build(
        [
            node("batch", "integer_batch", batch_group_id="None", integers=[1, 2]),
            connector("c"),
            node("n", "add", a=0, b=0),
        ],
        [edge("batch", "value", "c", "in"), edge("c", "out", "n", "a")],
    )
    assert built.batch_data == [[_entry("n", "a", [1, 2])]]
    assert built.graph["edges"] == []


def _generated(generator: dict[str, Any], kind: str = "integer", **kw: Any) -> list[Any]:
    batch_field = {"integer": "integers", "float": "floats", "string": "strings", "image": "images"}[kind]
    # a node taking one item of the batch: (type, input)
    target_type, target_field = {
        "integer": ("add", "a"),
        "float": ("float_math", "a"),
        "string": ("string_join", "string_left"),
        "image": ("img_blur", "image"),
    }[kind]
    built = _build(
        [
            node("gen", f"{kind}_generator", generator=generator),
            node("batch", f"{kind}_batch", batch_group_id="None"),
            node("n", target_type),
        ],
        [
            edge("gen", batch_field, "batch", batch_field),
            edge("batch", "image" if kind == "image" else "value", "n", target_field),
        ],
        **kw,
    )
    assert "gen" not in built.graph["nodes"]
    return list(built.batch_data[0][0]["items"])


def test_integer_generators() -> None:
    arith = {"type": "integer_generator_arithmetic_sequence", "start": 3, "step": 2, "count": 4}
    assert _generated(arith) == [3, 5, 7, 9]
    assert _generated({**arith, "step": 0}) == [3]
    linear = {"type": "integer_generator_linear_distribution", "start": 0, "end": 5, "count": 3}
    assert _generated(linear) == [0, 3, 5]  # 2.5 rounds up, as Math.round does
    parse = {"type": "integer_generator_parse_string", "input": "1, 2x, ,abc, -4", "splitOn": ","}
    assert _generated(parse) == [1, 2, -4]


def test_float_generators() -> None:
    linear = {"type": "float_generator_linear_distribution", "start": 0, "end": 1, "count": 5}
    assert _generated(linear, "float") == [0, 0.25, 0.5, 0.75, 1]
    parse = {"type": "float_generator_parse_string", "input": "0.5\n1e1\nx", "splitOn": "\\n"}
    assert _generated(parse, "float") == [0.5, 10.0]
    given = {
        "type": "float_generator_arithmetic_sequence",
        "start": 0,
        "step": 1,
        "count": 3,
        "values": [9.5],
    }
    assert _generated(given, "float") == [9.5]


def test_seeded_random_generators_repeat() -> None:
    gen = {
        "type": "integer_generator_random_distribution_uniform",
        "min": 1,
        "max": 6,
        "count": 20,
        "seed": 42,
    }
    first = _generated(gen)
    assert first == _generated(gen)
    assert len(first) == 20 and all(1 <= v <= 6 for v in first)


def test_mersenne_twister_matches_the_reference_sequence() -> None:
    # the first outputs of MT19937 (init_genrand) for the reference seed 5489 and for 0
    mt = MersenneTwister(5489)
    assert [mt.uint32() for _ in range(3)] == [3499211612, 581869302, 3890346734]
    assert MersenneTwister(0).uint32() == 2357136044


def test_string_generator_splits() -> None:
    gen = {"type": "string_generator_parse_string", "input": "a cat;;a dog", "splitOn": ";"}
    assert _generated(gen, "string") == ["a cat", "a dog"]


class _FakeServer:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def board_image_names(self, board_id: str, category: str) -> list[str]:
        self.calls.append(("board", board_id, category))
        return ["x.png", "y.png"]

    def dynamic_prompts(
        self, prompt: str, max_prompts: int, combinatorial: bool, seed: int | None
    ) -> list[str]:
        self.calls.append(("prompts", prompt, max_prompts, combinatorial, seed))
        return ["p1", "p2"]


def test_server_backed_generators_ask_the_resolver() -> None:
    server = _FakeServer()
    images = {"type": "image_generator_images_from_board", "board_id": "b1", "category": "assets"}
    assert _generated(images, "image", generators=server) == [
        {"image_name": "x.png"},
        {"image_name": "y.png"},
    ]
    combi = {"type": "string_generator_dynamic_prompts_combinatorial", "input": "{a|b}", "maxPrompts": 5}
    assert _generated(combi, "string", generators=server) == ["p1", "p2"]
    assert server.calls == [("board", "b1", "assets"), ("prompts", "{a|b}", 5, True, None)]


def test_server_backed_generators_without_a_resolver_are_refused() -> None:
    images = {"type": "image_generator_images_from_board", "board_id": "b1", "category": "images"}
    with pytest.raises(WorkflowError, match="GeneratorResolver"):
        _generated(images, "image")


def test_an_image_generator_without_a_board_yields_nothing() -> None:
    assert _generated({"type": "image_generator_images_from_board", "category": "images"}, "image") == []


def test_unusable_generator_settings_are_refused() -> None:
    with pytest.raises(WorkflowError, match="count"):
        _generated({"type": "integer_generator_arithmetic_sequence", "start": 0, "step": 1, "count": "many"})


class _Asks(Exception):
    pass


class _AskingServer(_FakeServer):
    def board_image_names(self, board_id: str, category: str) -> list[str]:
        raise _Asks(board_id)


def test_what_the_resolver_raises_reaches_the_caller_unchanged() -> None:
    # a client may raise to fetch the answer first and build again
    images = {"type": "image_generator_images_from_board", "board_id": "b1", "category": "images"}
    with pytest.raises(_Asks):
        _generated(images, "image", generators=_AskingServer())
