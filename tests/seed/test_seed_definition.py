"""WorkflowDefinition: the seed's names over the core's parsed (and migrated) Workflow."""

from __future__ import annotations

import copy
import json
import pathlib

import pytest
from seed_fakes import DATA, SDXL

from ivk_runtime.errors import WorkflowError
from ivk_runtime.seed import WorkflowDefinition, WorkflowDefinitionError
from ivk_runtime.workflow import Workflow


def test_from_file_reads_the_seed_attributes() -> None:
    d = WorkflowDefinition.from_file(SDXL)
    assert isinstance(d.workflow, Workflow)
    assert d.name == "sdxl-text-to-image"
    assert d.version == "3.0.0"
    assert d.node_count == 12 and d.edge_count == 24
    assert len(d.workflow.inputs) == 9
    assert d.get_node_by_id("noise:f4Bv4UWa22") is not None
    assert [n["id"] for n in d.get_nodes_by_type("string")] == [
        "positive_prompt:kjUMdcg0zO",
        "484ecc77-b7a0-4e19-b793-cc313f20fbe6",
    ]
    assert d.validate_workflow() == []
    assert "WorkflowDefinition(name='sdxl-text-to-image'" in repr(d)


def test_from_dict_never_shares_or_changes_the_callers_data() -> None:
    data = json.loads((DATA / "blank_blur_save.json").read_text())
    before = copy.deepcopy(data)
    d = WorkflowDefinition.from_dict(data)
    parsed = d.workflow
    d.nodes[0]["data"]["inputs"]["width"]["value"] = 999  # live, as 1.1.1's pydantic field
    assert d.workflow.inputs[0].value == 999  # the edit is parsed again
    assert parsed.inputs[0].value == 64  # what was parsed before (a handle's) stays
    assert data["nodes"][0]["data"]["inputs"]["width"]["value"] == 64  # not the caller's data
    d.nodes[0]["data"]["inputs"]["width"]["value"] = 64
    data["nodes"][0]["data"]["inputs"]["width"]["value"] = 1  # the caller's edit: no effect
    assert d.workflow.inputs[0].value == 64
    data["nodes"][0]["data"]["inputs"]["width"]["value"] = 64
    assert data == before
    assert d.to_dict() == before
    assert d.tags == ["test", "seed"]


def test_errors_keep_the_seed_exception_types(tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError):
        WorkflowDefinition.from_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ValueError):
        WorkflowDefinition.from_file(bad)
    with pytest.raises(WorkflowDefinitionError) as info:
        WorkflowDefinition.from_dict({"nodes": "nope"}, source="x.json")
    assert isinstance(info.value, ValueError) and isinstance(info.value, WorkflowError)


def test_validate_reports_dangling_edges_and_emptiness() -> None:
    data = json.loads((DATA / "blank_blur_save.json").read_text())
    data["edges"].append(
        {
            "id": "x",
            "type": "default",
            "source": "ghost",
            "sourceHandle": "image",
            "target": "save",
            "targetHandle": "image",
        }
    )
    assert WorkflowDefinition.from_dict(data).validate_workflow() == [
        "Edge references unknown source node: ghost"
    ]
    empty = {**data, "nodes": [], "edges": [], "form": {}}
    assert WorkflowDefinition.from_dict(empty).validate_workflow() == ["Workflow has no nodes"]


def test_save_round_trips(tmp_path: pathlib.Path) -> None:
    d = WorkflowDefinition.from_file(DATA / "upload_blur_save.json")
    d.save(tmp_path / "out" / "wf.json")
    again = WorkflowDefinition.from_file(tmp_path / "out" / "wf.json")
    assert again.to_dict() == d.to_dict()
