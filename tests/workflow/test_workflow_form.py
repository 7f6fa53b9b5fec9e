"""The Form: depth-first order, static elements, legacy exposedFields, elements pointing nowhere."""

from __future__ import annotations

from typing import Any

import pytest
from wf_builders import container, invocation, node_field, workflow

from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow import parse_workflow


def _static(element_id: str, parent: str, kind: str) -> dict[str, Any]:
    element: dict[str, Any] = {"id": element_id, "parentId": parent, "type": kind}
    if kind != "divider":
        element["data"] = {"content": f"{kind} text"}
    return element


NODES = [
    invocation("a", "integer", label="Width node", value=1),
    invocation("b", "string", value="x"),
    invocation("c", "float_math", a=1.0, b=2.0),
]


def nested_form() -> list[dict[str, Any]]:
    """root: [heading, row(c.b, col(b.value, divider, a.value)), text, c.a] - saved in scrambled order."""
    return [
        container("root", ["h", "row", "t", "last"]),
        node_field("last", "root", "c", "a"),
        container("col", ["f-b", "div", "f-a"], parent="row"),
        _static("h", "root", "heading"),
        node_field("f-a", "col", "a", "value", settings={"type": "integer-field-config", "min": 0}),
        container("row", ["f-cb", "col"], parent="root"),
        _static("div", "col", "divider"),
        node_field("f-b", "col", "b", "value"),
        _static("t", "root", "text"),
        node_field("f-cb", "row", "c", "b"),
    ]


def test_depth_first_order_across_nested_containers_skips_static_elements() -> None:
    wf = parse_workflow(workflow(NODES, nested_form()), "w.json")
    assert [i.element_id for i in wf.inputs] == ["f-cb", "f-b", "f-a", "last"]
    assert [i.index for i in wf.inputs] == [0, 1, 2, 3]
    assert [(i.node_id, i.field_name) for i in wf.inputs] == [("c", "b"), ("b", "value"), ("a", "value"), ("c", "a")]
    assert wf.warnings == ()


def test_input_carries_labels_settings_and_value() -> None:
    nodes = [invocation("a", "integer", label="Width node", value=7)]
    nodes[0]["data"]["inputs"]["value"].update(label="Width", description="pixels")
    elements = [
        container("root", ["f"]),
        node_field("f", "root", "a", "value", settings={"type": "integer-field-config", "max": 64}),
    ]
    (item,) = parse_workflow(workflow(nodes, elements), "w.json").inputs
    assert (item.node_label, item.label, item.description, item.node_type) == (
        "Width node",
        "Width",
        "pixels",
        "integer",
    )
    assert item.value == 7
    # The GUI's schema fills the settings defaults.
    assert item.settings == {
        "type": "integer-field-config",
        "showShuffle": False,
        "component": "number-input",
        "max": 64,
    }


def test_legacy_exposed_fields_make_the_form_and_dangling_entries_warn() -> None:
    wf = parse_workflow(
        workflow(
            NODES, None, exposed=[("b", "value"), ("gone", "value"), ("a", "nope"), ("a", "value")], version="3.0.0"
        ),
        "legacy.json",
    )
    assert [(i.node_id, i.field_name) for i in wf.inputs] == [("b", "value"), ("a", "value")]
    assert [i.element_id for i in wf.inputs] == ["", ""]
    assert all(i.settings is None for i in wf.inputs)
    assert len(wf.warnings) == 2
    assert "legacy.json: exposedFields[1] node 'gone'" in wf.warnings[0]
    assert "exposedFields[2] node 'a' field 'nope'" in wf.warnings[1]
    # The derived Form is written into data, as the GUI does, in exposedFields order.
    form = wf.data["form"]
    children = form["elements"][form["rootElementId"]]["data"]["children"]
    fields = [form["elements"][c]["data"]["fieldIdentifier"] for c in children]
    assert fields == [{"nodeId": "b", "fieldName": "value"}, {"nodeId": "a", "fieldName": "value"}]
    assert all(form["elements"][c]["data"]["showDescription"] is False for c in children)
    assert wf.data["exposedFields"][1] == {"nodeId": "gone", "fieldName": "value"}  # kept, as the GUI does


def test_a_non_empty_form_wins_over_stale_exposed_fields() -> None:
    elements = [container("root", ["f"]), node_field("f", "root", "c", "b")]
    wf = parse_workflow(workflow(NODES, elements, exposed=[("a", "value"), ("b", "value")]), "w.json")
    assert [(i.node_id, i.field_name) for i in wf.inputs] == [("c", "b")]


def test_a_form_of_headings_only_is_not_empty_for_the_gui() -> None:
    # getIsFormEmpty: only a childless root is empty; a heading keeps exposedFields out.
    elements = [container("root", ["h"]), _static("h", "root", "heading")]
    wf = parse_workflow(workflow(NODES, elements, exposed=[("a", "value")]), "w.json")
    assert wf.inputs == ()


def test_an_empty_form_lets_exposed_fields_in() -> None:
    wf = parse_workflow(workflow(NODES, [container("root", [])], exposed=[("a", "value")]), "w.json")
    assert [(i.node_id, i.field_name) for i in wf.inputs] == [("a", "value")]


def test_form_elements_pointing_nowhere_are_dropped_with_a_warning() -> None:
    notes = {
        "id": "n",
        "type": "notes",
        "position": {"x": 0, "y": 0},
        "data": {"id": "n", "type": "notes", "label": "", "isOpen": True, "notes": "hi"},
    }
    elements = [
        container("root", ["f1", "lost-node", "lost-field", "on-notes", "f2"]),
        node_field("f1", "root", "a", "value"),
        node_field("lost-node", "root", "zzz", "value"),
        node_field("lost-field", "root", "a", "nope"),
        node_field("on-notes", "root", "n", "notes"),
        node_field("f2", "root", "b", "value"),
    ]
    wf = parse_workflow(workflow([*NODES, notes], elements), "w.json")
    assert [i.element_id for i in wf.inputs] == ["f1", "f2"]
    assert len(wf.warnings) == 3
    assert all(w.startswith("w.json: form element '") for w in wf.warnings)
    assert "'lost-node'" in wf.warnings[0] and "no such node" in wf.warnings[0]
    form = wf.data["form"]
    assert set(form["elements"]) == {"root", "f1", "f2"}
    assert form["elements"]["root"]["data"]["children"] == ["f1", "f2"]


def test_a_form_the_gui_schema_rejects_becomes_empty_with_a_warning() -> None:
    elements = [container("root", ["f"]), node_field("f", "root", "a", "value")]
    elements[1]["data"]["settings"] = {"type": "integer-field-config", "component": "knob"}
    wf = parse_workflow(workflow(NODES, elements, exposed=[("b", "value")]), "w.json")
    # The GUI's zod .catch() swaps the whole Form for an empty one; exposedFields then apply.
    assert [(i.node_id, i.field_name) for i in wf.inputs] == [("b", "value")]
    assert len(wf.warnings) == 1 and "'knob'" in wf.warnings[0] and "form element 'f'" in wf.warnings[0]


def test_string_dropdown_settings_keep_their_options() -> None:
    options = [{"label": "Small", "value": "s"}, {"label": "Large", "value": "l"}]
    elements = [
        container("root", ["f"]),
        node_field(
            "f",
            "root",
            "b",
            "value",
            settings={"type": "string-field-config", "component": "dropdown", "options": options},
        ),
    ]
    (item,) = parse_workflow(workflow(NODES, elements), "w.json").inputs
    assert item.settings == {"type": "string-field-config", "component": "dropdown", "options": options}


@pytest.mark.parametrize(
    ("elements", "element", "words"),
    [
        ([container("root", ["f"])], "form element 'f'", "not in the form"),
        ([container("root", []), node_field("f", "root", "a", "value")], "form element 'f'", "not reachable"),
        ([container("root", ["f"]), node_field("f", "other", "a", "value")], "form element 'f'", "'other'"),
        ([node_field("root", "x", "a", "value")], "form element 'root'", "container"),
        (
            [container("root", ["c"]), container("c", ["c"], parent="c")],
            "form element 'c'",
            "itself",
        ),
    ],
    ids=["missing-child", "stray-element", "wrong-parent", "root-not-container", "cycle"],
)
def test_a_broken_form_tree_is_refused_naming_the_element(
    elements: list[dict[str, Any]], element: str, words: str
) -> None:
    with pytest.raises(WorkflowError) as info:
        parse_workflow(workflow(NODES, elements), "broken.json")
    assert info.value.source == "broken.json"
    assert info.value.element == element
    assert words in info.value.message


def test_same_labels_on_different_inputs_stay_distinct() -> None:
    nodes = [invocation("a", "integer", value=1), invocation("b", "integer", value=2)]
    for node in nodes:
        node["data"]["inputs"]["value"]["label"] = "Seed"
    elements = [
        container("root", ["f1", "f2"]),
        node_field("f1", "root", "a", "value"),
        node_field("f2", "root", "b", "value"),
    ]
    wf = parse_workflow(workflow(nodes, elements), "w.json")
    assert [(i.label, i.node_id, i.value) for i in wf.inputs] == [("Seed", "a", 1), ("Seed", "b", 2)]
