"""The seed's workflow package offline: handles made without a client (inputs typed from the
workflow JSON), input index maps, output JSONPaths, obsolete nodes, upstream models and field
plugins."""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

import pytest
from seed_fakes import REPO, SDXL, FakeClient

from ivk_runtime.graph.schema_index import SchemaIndex
from ivk_runtime.seed import workflow as seed_workflow
from ivk_runtime.seed.fields import (
    IvkBoardField,
    IvkEnumField,
    IvkFloatField,
    IvkIntegerField,
    IvkModelIdentifierField,
    IvkSchedulerField,
    IvkStringField,
)
from ivk_runtime.seed.workflow import WorkflowDefinition, WorkflowHandle, WorkflowRepository
from ivk_runtime.seed.workflow import field_plugins
from ivk_runtime.seed.workflow.upstream_models import (
    enumerate_output_nodes,
    is_field_connected,
    iter_form_input_fields,
    load_workflow_json,
    update_node_input_value,
    update_output_boards,
    workflow_to_dict,
)

BLUR = REPO / "tests" / "workflows" / "blur_image.json"


def blur_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(BLUR.read_text(encoding="utf-8"))
    return data


def test_the_package_has_the_seed_module_paths() -> None:
    from ivk_runtime.seed.workflow.workflow_handle import IvkWorkflowInput, OutputMapping
    from ivk_runtime.seed.workflow.workflow_handle import WorkflowHandle as H
    from ivk_runtime.seed.workflow.workflow_model import WorkflowDefinition as D
    from ivk_runtime.seed.workflow.workflow_repo import WorkflowRepository as R

    assert (H, D, R) == (WorkflowHandle, WorkflowDefinition, WorkflowRepository)
    assert seed_workflow.IvkWorkflowInput is IvkWorkflowInput
    assert seed_workflow.OutputMapping is OutputMapping
    # the flat modules of before still import, as the same objects
    from ivk_runtime.seed.handle import WorkflowHandle as old_handle
    from ivk_runtime.seed.repos import WorkflowRepository as old_repo

    assert old_handle is WorkflowHandle and old_repo is WorkflowRepository


def test_a_handle_without_client_types_inputs_from_the_json() -> None:
    handle = WorkflowHandle(client=None, definition=WorkflowDefinition.from_file(SDXL))
    kinds = {i.field_name: type(i.field) for i in handle.inputs}
    assert kinds["value"] is IvkStringField  # the prompts
    assert kinds["model"] is IvkModelIdentifierField
    assert kinds["board"] is IvkBoardField
    assert issubclass(kinds["scheduler"], IvkEnumField) and kinds["scheduler"] is IvkSchedulerField
    assert kinds["steps"] is IvkIntegerField and kinds["cfg_scale"] is IvkFloatField
    assert [i.input_index for i in handle.inputs] == list(range(len(handle.inputs)))
    with pytest.raises(RuntimeError, match="no client"):
        handle.submit_sync()


def test_a_client_less_handle_matches_one_with_a_schema_where_both_know(fake: FakeClient) -> None:
    bare = WorkflowHandle(None, WorkflowDefinition.from_file(BLUR))
    served = WorkflowHandle(fake, WorkflowDefinition.from_file(BLUR))
    for a, b in zip(bare.inputs, served.inputs):
        assert (a.input_index, a.node_id, a.field_name, a.jsonpath) == (
            b.input_index,
            b.node_id,
            b.field_name,
            b.jsonpath,
        )
    # the schema knows a blur radius is a float even where the JSON holds 2.5 or 2
    radius = next(i for i in served.inputs if i.field_name == "radius")
    assert isinstance(radius.field, IvkFloatField)


def test_index_map_roundtrip_reports_moves_missing_and_new(tmp_path: pathlib.Path) -> None:
    path = tmp_path / "map.json"
    handle = WorkflowHandle(None, WorkflowDefinition.from_file(BLUR))
    handle.export_input_index_map(path)
    saved = json.loads(path.read_text())
    assert [e["index"] for e in saved["inputs"]] == list(range(len(handle.inputs)))
    assert saved["generated_at"].endswith("Z")
    assert handle.verify_input_index_map(path) == {
        "unchanged": [{"index": i.input_index, "label": i.label} for i in handle.inputs],
        "moved": [],
        "missing": [],
        "new": [],
    }
    # A new export: the first two Form fields swapped, the last one dropped.
    data = blur_data()
    root = data["form"]["elements"]["root"]["data"]["children"]
    container = data["form"]["elements"][root[0]]["data"]["children"]
    container[0], container[1] = container[1], container[0]
    changed = WorkflowHandle(None, WorkflowDefinition.from_dict(data))
    report = changed.verify_input_index_map(path)
    moved = {(m["from"], m["to"]) for m in report["moved"]}
    assert {(0, 1), (1, 0)} <= moved
    assert report["missing"] == [] and report["new"] == []
    dropped = data["form"]["elements"][root[0]]["data"]["children"].pop(0)
    del data["form"]["elements"][dropped]
    fewer = WorkflowHandle(None, WorkflowDefinition.from_dict(data))
    gone = fewer.verify_input_index_map(path)["missing"]
    assert [g["field_name"] for g in gone] == [handle.inputs[1].field_name]


def test_output_jsonpath_templates_name_each_output_node() -> None:
    handle = WorkflowHandle(None, WorkflowDefinition.from_file(BLUR))
    outputs = handle.list_outputs()
    templates = handle.get_output_image_jsonpath_templates()
    assert [t["node_id"] for t in templates] == [o.node_id for o in outputs] != []
    node = outputs[0].node_id
    assert templates[0]["board_jsonpath"] == f"$.session.graph.nodes['{node}'].board.board_id"
    assert templates[0]["results_wildcard_jsonpath"] == "$.session.results.*.image.image_name"


def test_validate_accepts_4_0_0_which_the_seed_refused(fake: FakeClient) -> None:
    repo = WorkflowRepository(fake)
    definition = WorkflowDefinition.from_file(BLUR)
    assert definition.version == "4.0.0"
    assert repo.validate_workflow_definition(definition) == []
    assert repo.create_workflow(definition).inputs  # no "may not be fully compatible"
    broken = blur_data()
    broken["edges"][0]["source"] = "no-such-node"
    with pytest.raises(ValueError):  # the core refuses the edge already
        repo.create_workflow(WorkflowDefinition.from_dict(broken))
    future = blur_data()
    future["meta"]["version"] = "9.0.0"
    with pytest.raises(ValueError, match="9.0.0"):  # a format nobody reads yet
        WorkflowDefinition.from_dict(future)


def test_obsolete_nodes_need_a_schema(schema: SchemaIndex) -> None:
    definition = WorkflowDefinition.from_file(BLUR)
    assert definition.obsolete_nodes(schema) == []
    assert definition.has_obsolete_nodes() is False
    data = blur_data()
    data["nodes"][0]["data"]["type"] = "a_node_this_server_lacks"
    data["nodes"][1]["data"]["version"] = "0.0.1"  # older major than 6.14.2's img_noise
    old = WorkflowDefinition.from_dict(data)
    found = old.obsolete_nodes(schema)
    assert data["nodes"][0]["id"] in found
    assert old.has_obsolete_nodes(schema) is True


def test_upstream_models_keep_what_they_do_not_declare() -> None:
    raw = json.loads(SDXL.read_text(encoding="utf-8"))
    root = load_workflow_json(copy.deepcopy(raw))
    dumped = workflow_to_dict(root)
    assert [n["id"] for n in dumped["nodes"]] == [n["id"] for n in raw["nodes"]]
    assert dumped["meta"] == raw["meta"] and dumped["exposedFields"] == raw["exposedFields"]
    assert set(root.form.elements) == set(raw["form"]["elements"])
    typed = list(root.iter_typed_nodes())
    assert len(typed) == len(raw["nodes"]) and typed[0].data.type == raw["nodes"][0]["data"]["type"]


def test_upstream_helpers_edit_the_raw_nodes() -> None:
    root = load_workflow_json(blur_data())
    fields = list(iter_form_input_fields(root))
    assert ("board" in {f for _, f, _, _ in fields}) and all(e for _, _, e, _ in fields)
    outputs = list(enumerate_output_nodes(root))
    save = next(o for o in outputs if o[1] == "save_image")
    assert save[2] is True  # its board is on the Form
    noise = next(n for n in root.nodes if n["data"]["type"] == "img_noise")
    assert update_node_input_value(root, noise["id"], "seed", 99) is True
    assert noise["data"]["inputs"]["seed"]["value"] == 99
    assert update_node_input_value(root, noise["id"], "no_such_input", 1) is False
    edge = root.edges[0]
    assert is_field_connected(root, edge["target"], edge["targetHandle"]) is True
    assert is_field_connected(root, edge["target"], "not-an-input") is False
    # boards left at "auto" are routed; a chosen board stays unless overridden
    count = update_output_boards(root, "board-1")
    assert count >= 1
    board_of = lambda: [  # noqa: E731
        n["data"]["inputs"]["board"]["value"]
        for n in root.nodes
        if "board" in n["data"]["inputs"]
    ]
    assert {"board_id": "board-1"} in board_of()
    assert update_output_boards(root, "board-2") == 0
    assert update_output_boards(root, "board-2", override=True) == count


def test_field_plugins_detect_without_a_schema() -> None:
    info: dict[str, Any] = {"value": 3.0, "minimum": 0, "maximum": 10}
    assert field_plugins.detect_field_type("some_node", "steps", info) == "integer"
    assert field_plugins.detect_field_type("some_node", "x", {"value": 0.5}) == "float"
    assert field_plugins.detect_field_type("some_node", "x", {}) == "string"  # the fallback
    built = field_plugins.build_field({"type": "some_node"}, "steps", info)
    assert isinstance(built, IvkIntegerField) and built.value == 3


def test_a_registered_rule_comes_before_the_schema(fake: FakeClient) -> None:
    seen: list[str] = []

    class Plugin:
        def detect_field_type(self, node_type: str, field_name: str, info: dict[str, Any]) -> str | None:
            return "tagged" if field_name == "radius" else None

        def build_field(self, field_type: str, value: Any, info: dict[str, Any]) -> Any:
            if field_type != "tagged":
                return None
            seen.append(field_type)
            return IvkStringField(value=str(value))

    plugin = Plugin()
    field_plugins.register_field_plugin(plugin, first=True)
    try:
        handle = WorkflowHandle(fake, WorkflowDefinition.from_file(BLUR))
        radius = next(i for i in handle.inputs if i.field_name == "radius")
        assert isinstance(radius.field, IvkStringField) and radius.field.value == "2.5"
        assert seen == ["tagged"]
        assert plugin in field_plugins.get_field_plugin_manager().get_plugins()
    finally:
        field_plugins.reset_field_plugin_manager()
    again = WorkflowHandle(fake, WorkflowDefinition.from_file(BLUR))
    assert isinstance(next(i for i in again.inputs if i.field_name == "radius").field, IvkFloatField)
