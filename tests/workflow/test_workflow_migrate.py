"""Each migration step on small hand-written workflows, and the final 4.0.0 shape."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from wf_builders import container, invocation, node_field, workflow

from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow import parse_workflow
from ivk_runtime.workflow.migrate import migrate_v1_to_v2, migrate_v2_to_v3, migrate_v3_to_v4


def v1_workflow() -> dict[str, Any]:
    """A 1.0.0 export as InvokeAI 3.2 wrote it: typed fields, outputs, embedWorkflow, no useCache."""
    return {
        "name": "old",
        "meta": {"version": "1.0.0"},
        "nodes": [
            {
                "id": "n1",
                "type": "invocation",
                "width": 320,
                "position": {"x": 5, "y": 6},
                "data": {
                    "id": "n1",
                    "type": "noise",
                    "label": "Noise",
                    "isOpen": True,
                    "notes": "",
                    "embedWorkflow": False,
                    "isIntermediate": True,
                    "inputs": {
                        "seed": {
                            "id": "i1",
                            "name": "seed",
                            "type": "integer",
                            "fieldKind": "input",
                            "label": "Seed",
                            "value": 3,
                        },
                        "ids": {
                            "id": "i2",
                            "name": "ids",
                            "type": "IntegerCollection",
                            "fieldKind": "input",
                            "label": "",
                        },
                        "any": {
                            "id": "i3",
                            "name": "any",
                            "type": "FloatPolymorphic",
                            "fieldKind": "input",
                            "label": "",
                            "value": 0.5,
                        },
                    },
                    "outputs": {"noise": {"id": "o1", "name": "noise", "type": "LatentsField", "fieldKind": "output"}},
                },
            },
            {
                "id": "note",
                "type": "notes",
                "position": {"x": 0, "y": 0},
                "data": {"id": "note", "type": "notes", "label": "", "isOpen": True, "notes": "read me"},
            },
        ],
        "edges": [],
        "exposedFields": [{"nodeId": "n1", "fieldName": "seed"}],
    }


def test_v1_to_v2_restructures_field_types_and_adds_node_pack() -> None:
    wf = v1_workflow()
    migrate_v1_to_v2(wf, "old.json")
    data = wf["nodes"][0]["data"]
    assert data["inputs"]["seed"]["type"] == {
        "name": "IntegerField",
        "isCollection": False,
        "isCollectionOrScalar": False,
    }
    assert data["inputs"]["ids"]["type"] == {
        "name": "IntegerField",
        "isCollection": True,
        "isCollectionOrScalar": False,
    }
    assert data["inputs"]["any"]["type"] == {"name": "FloatField", "isCollection": False, "isCollectionOrScalar": True}
    assert data["outputs"]["noise"]["type"]["name"] == "LatentsField"
    assert data["nodePack"] == "Unknown"
    assert data["version"] == "1.0.0"
    assert data["useCache"] is True
    assert "embedWorkflow" not in data
    assert wf["meta"] == {"version": "2.0.0", "category": "user"}
    assert wf["author"] == "" and wf["notes"] == ""  # v1 defaults


def test_v1_keeps_an_existing_node_version() -> None:
    wf = v1_workflow()
    wf["nodes"][0]["data"]["version"] = "1.1.0"
    migrate_v1_to_v2(wf, "old.json")
    assert wf["nodes"][0]["data"]["version"] == "1.1.0"


def test_v1_field_type_without_a_v2_counterpart_is_refused() -> None:
    wf = v1_workflow()
    wf["nodes"][0]["data"]["inputs"]["seed"]["type"] = "ONNXModelField"
    with pytest.raises(WorkflowError) as info:
        migrate_v1_to_v2(wf, "old.json")
    assert info.value.element == "node 'n1' field 'seed'"
    assert "'ONNXModelField'" in info.value.message


# (v1 type, saved value, value after migration or None if dropped) - zWorkflowV2 keeps a value only
# for a stateful (UI-widget) v2 type whose value schema it fits.
V1_VALUES = [
    ("Collection", [], None),  # CollectionField is stateless: iterate.collection loses its []
    ("Collection", [1, 2], None),
    ("CollectionItem", 3, None),
    ("Any", "x", None),
    ("IntegerCollection", [1, 2], None),  # IntegerField holds a single number
    ("StringCollection", [], None),
    ("ImageCollection", [], None),
    ("integer", 3, 3),
    ("integer", 3.0, 3.0),  # the JS number 3
    ("integer", 2.5, None),
    ("integer", True, None),
    ("integer", None, None),  # .optional() admits undefined, not null
    ("IntegerPolymorphic", 4, 4),
    ("FloatPolymorphic", 1, 1),
    ("float", "1", None),
    ("string", "", ""),
    ("boolean", 0, None),
    ("enum", "bicubic", "bicubic"),
    ("Scheduler", "euler_a", "euler_a"),
    ("Scheduler", "nope", None),
    ("ImageField", {"image_name": " a.png ", "x": 1}, {"image_name": "a.png"}),  # trimmed, stripped
    ("ImageField", {"image_name": "  "}, None),
    ("BoardField", {"board_id": "b"}, {"board_id": "b"}),
    ("ColorField", {"r": 1, "g": 2, "b": 3, "a": 255}, {"r": 1, "g": 2, "b": 3, "a": 255}),
    ("ColorField", {"r": 1, "g": 2, "b": 3, "a": 256}, None),
    (
        "MainModelField",
        {"model_name": "sd15", "base_model": "sd-1", "model_type": "main", "extra": 1},
        {"model_name": "sd15", "base_model": "sd-1", "model_type": "main"},
    ),
    ("MainModelField", {"model_name": "sd", "base_model": "sd-1", "model_type": "main"}, None),  # min(3)
    ("VaeModelField", {"model_name": "vae", "base_model": "sd-1"}, {"model_name": "vae", "base_model": "sd-1"}),
    ("LoRAModelField", {"model_name": "lora", "base_model": "flux"}, None),  # v2 base models only
    ("ConditioningField", {"conditioning_name": "c"}, None),
]


@pytest.mark.parametrize(("v1_type", "saved", "expected"), V1_VALUES)
def test_v1_input_keeps_its_value_only_if_v2_can_hold_it(v1_type: str, saved: Any, expected: Any) -> None:
    wf = v1_workflow()
    wf["nodes"][0]["data"]["inputs"]["seed"].update(type=v1_type, value=saved)
    migrate_v1_to_v2(wf, "old.json")
    field = wf["nodes"][0]["data"]["inputs"]["seed"]
    assert field.get("value", None) == expected
    assert ("value" in field) == (expected is not None)


def test_v1_collection_value_is_gone_after_a_full_load() -> None:
    wf = v1_workflow()
    wf["nodes"][0]["data"]["inputs"]["ids"].update(type="Collection", value=[])
    node = parse_workflow(wf, "old.json").data["nodes"][0]
    assert node["data"]["inputs"]["ids"] == {"name": "ids", "label": "", "description": ""}
    assert node["data"]["inputs"]["any"]["value"] == 0.5


def test_v2_and_v3_steps_only_bump_the_version() -> None:
    wf: dict[str, Any] = {"meta": {"version": "2.0.0", "category": "default"}, "nodes": [1]}
    migrate_v2_to_v3(wf)
    assert wf == {"meta": {"version": "4.0.0", "category": "default"}, "nodes": [1]}
    wf = {"meta": {"version": "3.0.0"}}
    migrate_v3_to_v4(wf)
    assert wf == {"meta": {"version": "4.0.0"}}


def test_v1_workflow_loads_in_the_newest_shape() -> None:
    original = v1_workflow()
    kept = copy.deepcopy(original)
    wf = parse_workflow(original, "old.json")
    assert original == kept  # the caller's dict is untouched
    assert wf.original_version == "1.0.0"
    assert wf.data["meta"] == {"category": "user", "version": "4.0.0"}
    node = wf.data["nodes"][0]
    assert set(node) == {"id", "type", "data", "position"}  # width stripped, as zod strips it
    assert "outputs" not in node["data"]
    assert node["data"]["inputs"]["seed"] == {"name": "seed", "label": "Seed", "description": "", "value": 3}
    assert node["data"]["inputs"]["ids"] == {"name": "ids", "label": "", "description": ""}
    assert node["data"]["dynamicInputTemplates"] == {}
    assert wf.data["nodes"][1]["data"] == {
        "id": "note",
        "type": "notes",
        "label": "",
        "notes": "read me",
        "isOpen": True,
    }
    (item,) = wf.inputs
    assert (item.node_id, item.field_name, item.label, item.value, item.node_label) == (
        "n1",
        "seed",
        "Seed",
        3,
        "Noise",
    )


def test_v2_workflow_gets_an_empty_form_and_null_labels_become_empty() -> None:
    node = invocation("n", "integer", value=4)
    node["width"] = 200
    node["data"]["outputs"] = {}
    node["data"]["inputs"]["value"].update(label=None, id="x", fieldKind="input", type={"name": "IntegerField"})
    wf = parse_workflow(workflow([node], None, exposed=[("n", "value")], version="2.0.0"), "v2.json")
    assert wf.original_version == "2.0.0"
    assert wf.data["nodes"][0]["data"]["inputs"]["value"] == {
        "name": "value",
        "label": "",
        "description": "",
        "value": 4,
    }
    assert [(i.node_id, i.field_name) for i in wf.inputs] == [("n", "value")]


def test_v3_form_is_kept_and_version_bumped() -> None:
    elements = [container("root", ["f"]), node_field("f", "root", "n", "value")]
    wf = parse_workflow(workflow([invocation("n", "integer", value=1)], elements, version="3.0.0"), "v3.json")
    assert wf.original_version == "3.0.0"
    assert wf.data["meta"]["version"] == "4.0.0"
    assert wf.data["form"]["elements"]["f"]["data"]["fieldIdentifier"] == {"nodeId": "n", "fieldName": "value"}
    assert [i.element_id for i in wf.inputs] == ["f"]


def test_v4_connector_nodes_are_kept_and_hold_no_inputs() -> None:
    connector = {
        "id": "k",
        "type": "connector",
        "position": {"x": 1, "y": 2},
        "data": {"id": "k", "type": "connector", "label": "", "isOpen": True},
    }
    edges = [
        {"id": "e1", "type": "default", "source": "n", "sourceHandle": "value", "target": "k", "targetHandle": "in"},
        {"id": "e2", "type": "collapsed", "source": "k", "target": "m"},
    ]
    elements = [
        container("root", ["f", "on-connector"]),
        node_field("f", "root", "n", "value"),
        node_field("on-connector", "root", "k", "in"),
    ]
    data = workflow([invocation("n", "integer", value=1), invocation("m", "integer", value=2), connector], elements)
    data["edges"] = edges
    wf = parse_workflow(data, "v4.json")
    assert wf.data["nodes"][2] == connector
    assert wf.data["edges"] == edges
    assert [i.element_id for i in wf.inputs] == ["f"]
    assert len(wf.warnings) == 1 and "connector node" in wf.warnings[0]


def test_3_0_0_connector_node_is_read_like_the_gui_reads_it() -> None:
    # The GUI checks 3.0.0 files against the 4.0.0 schema after the bump, so a connector passes.
    connector = {"id": "k", "type": "connector", "data": {"id": "k", "type": "connector", "label": "", "isOpen": False}}
    wf = parse_workflow(workflow([connector], None, version="3.0.0"), "v3.json")
    assert wf.data["nodes"][0]["position"] == {"x": 0, "y": 0}  # zod default


@pytest.mark.parametrize(
    ("change", "element", "words"),
    [
        (lambda d: d["meta"].update(category="system"), "meta.category", "'system'"),
        (lambda d: d["meta"].update(version="5.0.0"), "meta.version", "'5.0.0'"),
        (lambda d: d.pop("author"), "author", "must be a string"),
        (lambda d: d["nodes"][0]["data"].pop("useCache"), "node 'n' data.useCache", "true or false"),
        (lambda d: d["nodes"][0]["data"].update(version="one"), "node 'n' data.version", "'one'"),
        (lambda d: d["nodes"][0].update(type="progress_image"), "node 'n'", "'progress_image'"),
        (lambda d: d["nodes"][0]["data"]["inputs"]["value"].pop("name"), "node 'n' field 'value' name", "string"),
        (lambda d: d["edges"].append({"id": "e", "source": "n", "target": "n"}), "edge 'e' type", "'default'"),
        (lambda d: d["exposedFields"].append({"nodeId": "n"}), "exposedFields[0] fieldName", "string"),
        (
            lambda d: d["nodes"].extend([invocation("r1", "workflow_return"), invocation("r2", "workflow_return")]),
            "nodes",
            "workflow_return",
        ),
    ],
    ids=[
        "category",
        "version",
        "author",
        "useCache",
        "node-version",
        "node-type",
        "field-name",
        "edge-type",
        "exposed",
        "returns",
    ],
)
def test_shape_errors_name_the_element(change: Any, element: str, words: str) -> None:
    data = workflow([invocation("n", "integer", value=1)])
    change(data)
    with pytest.raises(WorkflowError) as info:
        parse_workflow(data, "/some/dir/bad.json")
    assert info.value.source == "bad.json"
    assert info.value.element == element
    assert words in info.value.message
    assert str(info.value).startswith(f"bad.json: {element}: ")
