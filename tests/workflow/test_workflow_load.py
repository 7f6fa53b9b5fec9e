"""Reading files (and refusing non-workflows), and with_values."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from wf_builders import container, invocation, node_field, workflow

from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow import load_workflow, parse_workflow, with_values


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def small() -> dict[str, Any]:
    nodes = [
        invocation("a", "integer", value=1),
        invocation("b", "image_resize", width=64, image={"image_name": "x.png"}),
    ]
    elements = [
        container("root", ["f0", "f1", "f2"]),
        node_field("f0", "root", "a", "value"),
        node_field("f1", "root", "b", "width"),
        node_field("f2", "root", "b", "image"),
    ]
    data = workflow(nodes, elements)
    data["edges"] = [
        {"id": "e", "type": "default", "source": "a", "sourceHandle": "value", "target": "b", "targetHandle": "height"}
    ]
    return data


def test_load_reads_a_file_and_names_it_without_its_directory(tmp_path: Path) -> None:
    path = _write(tmp_path, "ünïcode wf.json", json.dumps(small(), ensure_ascii=False))
    wf = load_workflow(str(path))
    assert wf.source == "ünïcode wf.json"
    assert [i.value for i in wf.inputs] == [1, 64, {"image_name": "x.png"}]
    assert wf.name == "test"


def test_load_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    path = _write(tmp_path, "bom.json", b"\xef\xbb\xbf" + json.dumps(small()).encode())
    assert len(load_workflow(path).inputs) == 3


@pytest.mark.parametrize(
    ("content", "element", "words"),
    [
        ('{"name": "cut', None, "not valid JSON (line 1"),
        ("", None, "not valid JSON"),
        (b"\xff\xfe{", None, "not UTF-8"),
        ("[1, 2]", None, "top level is a JSON array"),
        ("42", None, "top level is a JSON number"),
        ('{"hello": "world"}', "meta.version", "not an InvokeAI workflow"),
        ('{"nodes": [], "edges": [], "viewport": {}}', "meta.version", "React-Flow"),
        ('{"meta": []}', "meta", "must be an object"),
        ('{"meta": {"version": 3}}', "meta.version", "not a string"),
        ('{"meta": {"version": "3.0.0"}, "nodes": {}}', "name", "must be a string"),
    ],
    ids=[
        "truncated",
        "empty",
        "binary",
        "array",
        "number",
        "random-object",
        "reactflow",
        "meta-list",
        "meta-int",
        "partial",
    ],
)
def test_non_workflow_files_raise_workflow_error(
    tmp_path: Path, content: str | bytes, element: str | None, words: str
) -> None:
    path = _write(tmp_path, "bad.json", content)
    with pytest.raises(WorkflowError) as info:
        load_workflow(path)
    assert info.value.source == "bad.json"
    assert info.value.element == element
    assert words in info.value.message
    assert str(tmp_path) not in str(info.value)


def test_missing_file_raises_workflow_error(tmp_path: Path) -> None:
    with pytest.raises(WorkflowError) as info:
        load_workflow(tmp_path / "nope.json")
    assert info.value.source == "nope.json"
    assert "cannot read" in info.value.message


def test_parse_never_changes_its_input() -> None:
    data = small()
    data["nodes"][0]["width"] = 100  # a key the reader strips
    kept = copy.deepcopy(data)
    wf = parse_workflow(data, "w.json")
    assert data == kept
    assert "width" not in wf.data["nodes"][0]
    wf.data["nodes"][0]["data"]["inputs"]["value"]["value"] = 99  # data is not shared with the input
    assert data == kept


def test_with_values_changes_only_the_chosen_values() -> None:
    wf = parse_workflow(small(), "w.json")
    before = copy.deepcopy(wf.data)
    new_image = {"image_name": "y.png"}
    out = with_values(wf, {0: 5, 2: new_image})
    assert wf.data == before  # the workflow itself is untouched
    assert out["nodes"][0]["data"]["inputs"]["value"]["value"] == 5
    assert out["nodes"][1]["data"]["inputs"]["image"]["value"] == {"image_name": "y.png"}
    new_image["image_name"] = "z.png"  # the value was copied in
    assert out["nodes"][1]["data"]["inputs"]["image"]["value"] == {"image_name": "y.png"}
    # Everything else is identical: put the old values back and compare whole documents.
    out["nodes"][0]["data"]["inputs"]["value"]["value"] = 1
    out["nodes"][1]["data"]["inputs"]["image"]["value"] = {"image_name": "x.png"}
    assert out == before
    assert out["nodes"] is not wf.data["nodes"]


def test_with_values_can_set_a_field_saved_without_a_value() -> None:
    data = small()
    del data["nodes"][0]["data"]["inputs"]["value"]["value"]
    wf = parse_workflow(data, "w.json")
    assert wf.inputs[0].value is None
    assert with_values(wf, {0: 3})["nodes"][0]["data"]["inputs"]["value"]["value"] == 3


def test_with_no_values_is_a_deep_copy() -> None:
    wf = parse_workflow(small(), "w.json")
    out = with_values(wf, {})
    assert out == wf.data
    out["form"]["elements"].clear()
    assert wf.data["form"]["elements"]


@pytest.mark.parametrize("index", [3, -1, True, "0"])
def test_with_values_refuses_an_unknown_index(index: Any) -> None:
    wf = parse_workflow(small(), "w.json")
    with pytest.raises(WorkflowError) as info:
        with_values(wf, {index: 1})
    assert info.value.source == "w.json"
    assert info.value.element == f"input {index!r}"
    assert "3 (indexes 0 to 2)" in info.value.message


def test_form_input_values_are_copies() -> None:
    wf = parse_workflow(small(), "w.json")
    wf.inputs[2].value["image_name"] = "changed.png"
    assert wf.data["nodes"][1]["data"]["inputs"]["image"]["value"] == {"image_name": "x.png"}
