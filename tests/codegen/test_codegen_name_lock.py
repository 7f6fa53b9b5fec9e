"""Names never re-point: a regenerated module keeps the names of the module on disk."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from ivk_codegen.naming import NameRequest, assign_names

from codegen_support import OWN, generated_class, import_path, run_cli

CANVAS = "c2a7af9e-ab79-4005-add1-77d2c700d84c"
BLUR = "fa900d46-88e1-4883-aa6f-30c077c8cd55"
NOISE = "101cd468-5a5c-4689-a4c3-8c4119613698"


def _blur(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, dict[str, Any]]:
    src = tmp_path / "blur_image.json"
    data = json.loads((OWN / "blur_image.json").read_text())
    src.write_text(json.dumps(data))
    out = tmp_path / "blur.py"
    assert run_cli([src, "-o", out]).code == 0
    return src, out, data


def _node(data: dict[str, Any], node_id: str) -> dict[str, Any]:
    return next(n for n in data["nodes"] if n["id"] == node_id)


def _bindings(path: pathlib.Path) -> dict[str, tuple[str, str]]:
    cls = generated_class(import_path(path))
    return {s.attribute: (s.node_id, s.field) for s in cls.input_specs()}


def _drop_from_form(data: dict[str, Any], node_id: str, field: str) -> None:
    elements = data["form"]["elements"]
    element_id = next(
        k for k, e in elements.items()
        if e["type"] == "node-field" and e["data"]["fieldIdentifier"] == {"nodeId": node_id, "fieldName": field}
    )  # fmt: skip
    parent = elements[element_id]["parentId"]
    elements[parent]["data"]["children"].remove(element_id)
    del elements[element_id]


def test_a_relabelled_input_keeps_its_name_and_no_name_moves(tmp_path: pathlib.Path) -> None:
    """The seen case: the blur radius relabelled "Width" took `width` from the canvas."""
    src, out, data = _blur(tmp_path)
    before = _bindings(out)
    _node(data, BLUR)["data"]["inputs"]["radius"]["label"] = "Width"
    src.write_text(json.dumps(data))

    result = run_cli([src, "-o", out])
    assert result.code == 0, result.err
    assert _bindings(out) == before  # width still sets the canvas, blur_radius the radius
    assert "keeps the name 'blur_radius' from blur.py" in result.err
    assert "would name it 'width'" in result.err
    assert "--new-names" in result.err
    assert run_cli([src, "-o", out, "--check"]).code == 0  # regenerated with the lock: current


def test_new_names_takes_the_labels_and_reports_every_binding_that_changes(tmp_path: pathlib.Path) -> None:
    src, out, data = _blur(tmp_path)
    _node(data, BLUR)["data"]["inputs"]["radius"]["label"] = "Width"
    src.write_text(json.dumps(data))

    check = run_cli([src, "-o", out, "--check", "--new-names"])
    assert check.code == 1
    assert f"blur.py: attribute 'width' now sets field 'radius' of node '{BLUR}'" in check.err
    assert f"(it set field 'width' of node '{CANVAS}')" in check.err
    assert "attribute 'blur_radius'" in check.err and "is gone" in check.err

    written = run_cli([src, "-o", out, "--new-names"])
    assert written.code == 0
    assert "warning: attribute 'width' now sets field 'radius'" in written.err
    assert _bindings(out)["width"] == (BLUR, "radius")
    assert _bindings(out)["canvas_width"] == (CANVAS, "width")


def test_a_removed_input_fails_check_naming_the_attribute(tmp_path: pathlib.Path) -> None:
    src, out, data = _blur(tmp_path)
    _drop_from_form(data, NOISE, "seed")
    src.write_text(json.dumps(data))

    check = run_cli([src, "-o", out, "--check"])
    assert check.code == 1
    assert f"blur.py: attribute 'noise_seed' is gone: field 'seed' of node '{NOISE}'" in check.err
    written = run_cli([src, "-o", out])
    assert written.code == 0 and "attribute 'noise_seed' is gone" in written.err
    assert "noise_seed" not in _bindings(out)


def _add_to_form(data: dict[str, Any], node_id: str, field: str, label: str) -> None:
    element = f"node-field-{field}"
    data["form"]["elements"][element] = {
        "id": element, "parentId": "root", "type": "node-field",
        "data": {"fieldIdentifier": {"nodeId": node_id, "fieldName": field}, "showDescription": True},
    }  # fmt: skip
    data["form"]["elements"]["root"]["data"]["children"].append(element)
    _node(data, node_id)["data"]["inputs"][field]["label"] = label


def test_a_new_input_never_takes_a_name_the_module_gave_another(tmp_path: pathlib.Path) -> None:
    """`noise_seed` leaves the Form; a regeneration later the noise's size comes in labelled
    "Noise seed": the user's ``noise_seed=`` must fail, not set the size."""
    src, out, data = _blur(tmp_path)
    _drop_from_form(data, NOISE, "seed")
    src.write_text(json.dumps(data))
    assert run_cli([src, "-o", out]).code == 0
    assert "noise_seed" not in _bindings(out)
    assert run_cli([src, "-o", out]).code == 0  # a regeneration between: the name stays retired

    _add_to_form(data, NOISE, "size", "Noise seed")
    src.write_text(json.dumps(data))
    result = run_cli([src, "-o", out])
    assert result.code == 0, result.err
    bindings = _bindings(out)
    assert "noise_seed" not in bindings
    new_name = next(a for a, key in bindings.items() if key == (NOISE, "size"))
    assert new_name == "noise_seed_2" and "is named 'noise_seed_2'" in result.err

    # with --new-names the label wins, and the retired name's new binding is reported
    taken = run_cli([src, "-o", out, "--new-names"])
    assert "attribute 'noise_seed', retired when field 'seed'" in taken.err
    assert _bindings(out)["noise_seed"] == (NOISE, "size")


def test_an_input_that_comes_back_gets_its_old_name_back(tmp_path: pathlib.Path) -> None:
    src, out, data = _blur(tmp_path)
    original = json.loads(json.dumps(data))
    before = _bindings(out)
    _drop_from_form(data, NOISE, "seed")
    _node(data, NOISE)["data"]["inputs"]["seed"]["label"] = "Grain"
    src.write_text(json.dumps(data))
    assert run_cli([src, "-o", out]).code == 0
    original_nodes = original["nodes"]
    original = {**original, "nodes": [*original_nodes]}
    _node(original, NOISE)["data"]["inputs"]["seed"]["label"] = "Grain"
    src.write_text(json.dumps(original))
    assert run_cli([src, "-o", out]).code == 0
    assert _bindings(out) == before
    assert "_retired" not in out.read_text()


def test_a_renamed_workflow_keeps_its_class_name(tmp_path: pathlib.Path) -> None:
    src, out, data = _blur(tmp_path)
    data["name"] = "Soft focus"
    src.write_text(json.dumps(data))
    result = run_cli([src, "-o", out])
    assert result.code == 0
    assert generated_class(import_path(out)).__name__ == "BlurImage"
    assert "keeps the name 'BlurImage'" in result.err and "'SoftFocus'" in result.err
    assert run_cli([src, "-o", out, "--new-names"]).code == 0
    assert generated_class(import_path(out)).__name__ == "SoftFocus"


@pytest.mark.parametrize("edited", ["class", "print", "to_values", "x y", "naïve"])
def test_an_unsafe_name_in_an_edited_module_is_not_kept(tmp_path: pathlib.Path, edited: str) -> None:
    src, out, _ = _blur(tmp_path)
    text = out.read_text()
    out.write_text(text.replace('attribute="noise_seed"', f"attribute={edited!r}"))
    result = run_cli([src, "-o", out])
    assert result.code == 0, result.err
    assert _bindings(out)["noise_seed"] == (NOISE, "seed")


def test_a_file_that_is_not_a_generated_module_locks_nothing(tmp_path: pathlib.Path) -> None:
    src, out, _ = _blur(tmp_path)
    expected = out.read_text()
    out.write_text("InputSpec(attribute='width', node_id='x', field='radius')\n")
    assert run_cli([src, "-o", out]).code == 0
    assert out.read_text() == expected


def test_numbering_many_equal_labels_stays_linear() -> None:
    """20,000 inputs labelled "Value": each numbered once, not by a scan from 2 (quadratic)."""
    requests = [NameRequest(i, "Value", "value", "") for i in range(20_000)]
    names, _ = assign_names(requests)
    assert names[:3] == ["value", "value_2", "value_3"] and names[-1] == "value_20000"
    assert len(set(names)) == len(names)
    fixed = {0: "value_3"}
    names, _ = assign_names(requests[:4], fixed, avoid={"value"})
    assert names == ["value_3", "value_2", "value_4", "value_5"]
