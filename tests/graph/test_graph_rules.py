"""One test per rule of graph building, on small hand-made workflows."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from graph_builders import SCHEMA, collapsed, connector, edge, edge_tuples, node, notes, workflow

from ivk_runtime.graph import build_graph


def _graph(wf: dict[str, Any]) -> dict[str, Any]:
    return build_graph(wf, SCHEMA, graph_id="g").graph


def test_node_shape_carries_type_id_values_use_cache_and_is_intermediate() -> None:
    g = _graph(workflow([node("n1", "add", use_cache=False, intermediate=False, a=1, b=2)]))
    assert g == {
        "id": "g",
        "nodes": {
            "n1": {"type": "add", "id": "n1", "a": 1, "b": 2, "use_cache": False, "is_intermediate": False}
        },
        "edges": [],
    }


def test_graph_id_defaults_to_a_fresh_uuid() -> None:
    a = build_graph(workflow([]), SCHEMA).graph["id"]
    b = build_graph(workflow([]), SCHEMA).graph["id"]
    assert a != b
    uuid.UUID(a)


def test_connected_inputs_are_omitted() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), node("n2", "add", a=5, b=6)],
        [edge("n1", "value", "n2", "a")],
    )
    g = _graph(wf)
    assert "a" not in g["nodes"]["n2"]
    assert g["nodes"]["n2"]["b"] == 6
    assert edge_tuples(g) == {("n1", "value", "n2", "a")}


def test_notes_nodes_are_left_out() -> None:
    g = _graph(workflow([notes("note"), node("n1", "add", a=1, b=2)]))
    assert set(g["nodes"]) == {"n1"}


def test_collapsed_edges_are_ignored() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), node("n2", "add", a=5, b=6)],
        [collapsed("n1", "n2")],
    )
    g = _graph(wf)
    assert g["edges"] == []
    assert g["nodes"]["n2"]["a"] == 5


def test_edges_through_connectors_are_rewired_to_the_real_source() -> None:
    wf = workflow(
        [
            node("n1", "add", a=1, b=2),
            connector("c1"),
            connector("c2"),
            node("n2", "add", a=5, b=6),
            node("n3", "add", a=7, b=8),
        ],
        [
            edge("n1", "value", "c1", "in"),
            edge("c1", "out", "c2", "in"),
            edge("c2", "out", "n2", "a"),
            edge("c1", "out", "n3", "b"),
        ],
    )
    g = _graph(wf)
    assert set(g["nodes"]) == {"n1", "n2", "n3"}
    assert edge_tuples(g) == {("n1", "value", "n2", "a"), ("n1", "value", "n3", "b")}
    assert "a" not in g["nodes"]["n2"] and "b" not in g["nodes"]["n3"]


def test_an_unfed_connector_feeds_nothing() -> None:
    wf = workflow([connector("c1"), node("n2", "add", a=5, b=6)], [edge("c1", "out", "n2", "a")])
    g = _graph(wf)
    assert g["edges"] == []
    assert g["nodes"]["n2"]["a"] == 5


def test_duplicate_edges_through_connectors_are_sent_once() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), connector("c1"), node("n2", "collect")],
        [edge("n1", "value", "c1", "in"), edge("c1", "out", "n2", "item"), edge("n1", "value", "n2", "item")],
    )
    assert [tuple(e) for e in edge_tuples(_graph(wf))] == [("n1", "value", "n2", "item")]


def test_board_auto_and_none_mean_no_board_and_a_board_is_kept() -> None:
    wf = workflow(
        [
            node("auto", "save_image", board="auto"),
            node("none", "save_image", board="none"),
            node("unset", "save_image"),
            node("mine", "save_image", board={"board_id": "b-1"}),
        ]
    )
    g = _graph(wf)
    assert "board" not in g["nodes"]["auto"]
    assert "board" not in g["nodes"]["none"]
    assert "board" not in g["nodes"]["unset"]
    assert g["nodes"]["mine"]["board"] == {"board_id": "b-1"}


def test_nodes_unknown_to_the_schema_are_dropped_with_their_edges() -> None:
    wf = workflow(
        [node("x", "some_custom_node", version="1.0.0", foo=1), node("n2", "add", a=5, b=6)],
        [edge("x", "value", "n2", "a")],
    )
    g = _graph(wf)
    assert set(g["nodes"]) == {"n2"}
    assert g["edges"] == []
    assert g["nodes"]["n2"]["a"] == 5  # the edge was refused on load, so the value stays


def test_inputs_the_schema_does_not_know_are_left_out() -> None:
    g = _graph(workflow([node("n1", "add", a=1, b=2, stale_field=3)]))
    assert "stale_field" not in g["nodes"]["n1"]


def test_edges_of_mismatched_types_are_dropped_on_load() -> None:
    wf = workflow(
        [node("s", "string", value="hi"), node("n2", "add", a=5, b=6)],
        [edge("s", "value", "n2", "a")],  # string -> integer: the GUI refuses it
    )
    g = _graph(wf)
    assert g["edges"] == []
    assert g["nodes"]["n2"]["a"] == 5


def test_integer_to_float_is_a_valid_connection() -> None:
    wf = workflow(
        [node("i", "integer", value=3), node("f", "float_math", operation="ADD", a=1.5, b=2.5)],
        [edge("i", "value", "f", "a")],
    )
    assert edge_tuples(_graph(wf)) == {("i", "value", "f", "a")}


def test_a_second_edge_into_one_input_is_dropped() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), node("n2", "add", a=3, b=4), node("n3", "add", a=5, b=6)],
        [edge("n1", "value", "n3", "a"), edge("n2", "value", "n3", "a")],
    )
    assert edge_tuples(_graph(wf)) == {("n1", "value", "n3", "a")}


def test_collect_items_may_have_many_edges() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), node("n2", "add", a=3, b=4), node("c", "collect")],
        [edge("n1", "value", "c", "item"), edge("n2", "value", "c", "item")],
    )
    assert edge_tuples(_graph(wf)) == {("n1", "value", "c", "item"), ("n2", "value", "c", "item")}


def test_an_edge_closing_a_cycle_is_dropped() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), node("n2", "add", a=3, b=4)],
        [edge("n1", "value", "n2", "a"), edge("n2", "value", "n1", "a")],
    )
    g = _graph(wf)
    assert edge_tuples(g) == {("n1", "value", "n2", "a")}
    assert g["nodes"]["n1"]["a"] == 1


def test_edges_to_missing_fields_or_nodes_are_dropped() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), node("n2", "add", a=3, b=4)],
        [edge("n1", "nope", "n2", "a"), edge("n1", "value", "n2", "nope"), edge("ghost", "value", "n2", "b")],
    )
    g = _graph(wf)
    assert g["edges"] == []
    assert g["nodes"]["n2"] == {
        "type": "add",
        "id": "n2",
        "a": 3,
        "b": 4,
        "use_cache": True,
        "is_intermediate": True,
    }


def test_an_old_node_is_updated_against_the_schema() -> None:
    # add is 1.0.1 in the schema: a 1.0.0 node gets the missing input's default, loses stale ones
    old = node("n1", "add", version="1.0.0", a=7, gone=1)
    g = _graph(workflow([old]))
    assert g["nodes"]["n1"] == {
        "type": "add",
        "id": "n1",
        "a": 7,
        "b": 0,
        "use_cache": True,
        "is_intermediate": True,
    }


def test_an_old_node_with_another_major_version_is_left_as_saved() -> None:
    old = node("n1", "add", version="0.9.0", a=7)
    g = _graph(workflow([old]))
    assert g["nodes"]["n1"] == {"type": "add", "id": "n1", "a": 7, "use_cache": True, "is_intermediate": True}


def test_node_update_fills_values_missing_on_existing_inputs() -> None:
    old = node(
        "n1", "blank_image", version="1.0.0", width=64, raw_inputs={"height": {"name": "height", "label": ""}}
    )
    g = _graph(workflow([old]))
    n = g["nodes"]["n1"]
    assert n["width"] == 64 and n["height"] == 512 and n["mode"] == "RGB"
    assert n["color"] == {"r": 0, "g": 0, "b": 0, "a": 255}
    assert "board" not in n  # the default "auto" means no board


def test_node_update_keeps_connected_inputs_out_of_the_graph() -> None:
    wf = workflow(
        [node("n1", "add", a=1, b=2), node("n2", "add", version="1.0.0", a=3)],
        [edge("n1", "value", "n2", "a")],
    )
    g = _graph(wf)
    assert g["nodes"]["n2"] == {"type": "add", "id": "n2", "b": 0, "use_cache": True, "is_intermediate": True}


def test_saved_values_are_read_as_the_gui_reads_them() -> None:
    wf = workflow(
        [
            node(
                "m",
                "main_model_loader",
                model={"key": "k", "hash": "", "name": "n", "base": "sd-1", "type": "main"},
            ),
            node("i", "save_image", image=None),
            node("g", "main_model_loader", model={"model_name": "old", "base_model": "sd-1"}),
            node(
                "ok",
                "main_model_loader",
                model={"key": "k", "hash": "h", "name": "n", "base": "sd-1", "type": "main", "extra": 1},
            ),
        ]
    )
    g = _graph(wf)
    assert "model" not in g["nodes"]["m"]  # an empty hash is no model at all
    assert "image" not in g["nodes"]["i"]  # null is no value
    # any other object fits the first generator shape (the GUI's parser does exactly this)
    assert g["nodes"]["g"]["model"] == {
        "type": "float_generator_arithmetic_sequence",
        "start": 0,
        "step": 0.1,
        "count": 10,
    }
    assert g["nodes"]["ok"]["model"] == {"key": "k", "hash": "h", "name": "n", "base": "sd-1", "type": "main"}


def test_core_metadata_keeps_extra_inputs() -> None:
    meta = node("meta", "core_metadata", positive_prompt="p", my_extra=[{"x": 1}], nothing=None, other=True)
    g = _graph(workflow([meta]))
    assert g["nodes"]["meta"]["my_extra"] == [{"x": 1}]
    assert g["nodes"]["meta"]["nothing"] is None  # elsewhere null means no value; here it is kept
    assert g["nodes"]["meta"]["other"] is True
    assert g["nodes"]["meta"]["positive_prompt"] == "p"


def test_the_input_workflow_is_never_mutated() -> None:
    wf = workflow(
        [
            node("n1", "add", version="1.0.0", a=None),
            connector("c"),
            node("n2", "add", a=1, b=2),
            node("s", "save_image", board="auto"),
        ],
        [edge("n1", "value", "c", "in"), edge("c", "out", "n2", "a")],
    )
    before = copy.deepcopy(wf)
    build_graph(wf, SCHEMA)
    assert wf == before


def test_the_graph_shares_nothing_with_the_input() -> None:
    wf = workflow([node("m", "save_image", board={"board_id": "b-1"})])
    g = _graph(wf)
    g["nodes"]["m"]["board"]["board_id"] = "changed"
    assert wf["nodes"][0]["data"]["inputs"]["board"]["value"] == {"board_id": "b-1"}


def _saved_workflow_node(field: str, value: Any) -> dict[str, Any]:
    n = node(
        "call",
        "call_saved_workflow",
        workflow_id="wf-1",
        raw_inputs={field: {"name": field, "label": "", "value": value}},
    )
    n["data"]["dynamicInputTemplates"] = {
        field: {
            "name": field,
            "input": "any",
            "type": {"name": "IntegerField", "cardinality": "SINGLE", "batch": False},
        }
    }
    return n


def test_saved_workflow_inputs_are_gathered_into_workflow_inputs() -> None:
    field = "saved_workflow_input::node-1::a"
    g = _graph(workflow([_saved_workflow_node(field, 23)]))
    assert g["nodes"]["call"]["workflow_id"] == "wf-1"
    assert g["nodes"]["call"]["workflow_inputs"] == {field: 23}
    assert field not in g["nodes"]["call"]


def test_a_connected_saved_workflow_input_leaves_workflow_inputs_but_keeps_its_edge() -> None:
    field = "saved_workflow_input::node-1::a"
    wf = workflow(
        [node("n1", "add", a=1, b=2), _saved_workflow_node(field, 23)], [edge("n1", "value", "call", field)]
    )
    g = _graph(wf)
    assert g["nodes"]["call"]["workflow_inputs"] == {}
    assert edge_tuples(g) == {("n1", "value", "call", field)}
