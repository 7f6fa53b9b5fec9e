"""Docstrings say what the GUI shows: the field's title (startCase of an untitled field's name),
the schema's description, the labels of an enum's choices."""

from __future__ import annotations

import json
import pathlib
import sys
from typing import Any

import pytest

from codegen_support import OWN, class_node
from ivk_codegen.docs import MAX_CHOICES, gui_title
from ivk_codegen.pipeline import generate_source
from ivk_codegen.schema_source import SchemaSource

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "runtime"))
from wfbuild import workflow  # noqa: E402


def _docs(code: str) -> dict[str, str]:
    import ast
    import inspect

    body = class_node(code).body
    docs = {}
    for stmt, after in zip(body, body[1:]):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant):
                docs[stmt.target.id] = inspect.cleandoc(str(after.value.value))
    return docs


@pytest.mark.parametrize(
    ("field", "title"),
    [("full_output", "Full Output"), ("clip_embed_model", "Clip Embed Model"), ("t5_encoder", "T 5 Encoder"),
     ("color", "Color"), ("VAEModel", "VAE Model"), ("a", "A")],
)  # fmt: skip
def test_an_untitled_field_reads_as_the_gui_titles_it(field: str, title: str) -> None:
    assert gui_title(field) == title  # lodash's startCase, as buildFieldInputTemplate.ts uses it


def test_docstrings_hold_the_gui_title_and_the_schema_description(bundled_schema: SchemaSource) -> None:
    raw = json.loads((OWN / "blur_image.json").read_text())
    docs = _docs(generate_source(raw, "blur_image.json", bundled_schema).code)
    assert docs["color"].startswith("Input 2: Color.\n\nThe color of the image.\n\n")  # was "color."
    assert "The blur radius." in docs["blur_radius"]
    assert docs["width"].splitlines()[0] == "Input 0: Width."


def test_choice_labels_are_in_the_docstring(bundled_schema: SchemaSource) -> None:
    wf = workflow([("m", "float_math", {"operation": "ADD", "a": 1.0, "b": 2.0})], [], [("m", "operation")])
    code = generate_source(wf.data, "math.json", bundled_schema).code
    (doc,) = _docs(code).values()
    labels = bundled_schema.index.node("float_math").inputs["operation"].raw["ui_choice_labels"]  # type: ignore[union-attr]
    assert f"'ADD' ({labels['ADD']})" in doc and f"'DIV' ({labels['DIV']})" in doc


def test_a_huge_enum_lists_a_bounded_number_of_choice_labels(bundled_schema: SchemaSource) -> None:
    from ivk_codegen.docs import _choices
    from ivk_codegen.typemap import PyType

    options = tuple(f"v{i}" for i in range(100_000))
    text = _choices(PyType("literal", options=options), {"ui_choice_labels": {o: o.upper() for o in options}})
    assert text.count("(V") == MAX_CHOICES and text.endswith(f"and {100_000 - MAX_CHOICES} more.")


def test_a_user_description_is_not_repeated_by_the_schemas(bundled_schema: SchemaSource) -> None:
    raw: dict[str, Any] = json.loads((OWN / "blur_image.json").read_text())
    for node in raw["nodes"]:
        if node["data"]["type"] == "img_blur":
            node["data"]["inputs"]["radius"]["description"] = "The blur radius."
    doc = _docs(generate_source(raw, "blur_image.json", bundled_schema).code)["blur_radius"]
    assert doc.count("The blur radius.") == 1
