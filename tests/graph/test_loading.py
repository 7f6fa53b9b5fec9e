"""What the GUI does while loading: reading saved values, typing fields, updating nodes."""

from __future__ import annotations

from typing import Any

import pytest
from graph_builders import SCHEMA, node

from ivk_runtime.graph.field_types import are_types_compatible
from ivk_runtime.graph.field_values import coerce_value
from ivk_runtime.graph.node_update import update_node
from ivk_runtime.graph.templates import (
    COLLECTION,
    SINGLE,
    SINGLE_OR_COLLECTION,
    UNDEFINED,
    FieldType,
    parse_field_type,
    templates_for,
)

TEMPLATES = templates_for(SCHEMA)
MODEL = {"key": "k", "hash": "h", "name": "n", "base": "sdxl", "type": "main"}


@pytest.mark.parametrize(
    ("saved", "held"),
    [
        (3, 3),
        (2.5, 2.5),
        ("text", "text"),
        (True, True),
        ([1, 2], [1, 2]),
        (UNDEFINED, UNDEFINED),
        (None, UNDEFINED),  # null fits no value shape
        ({"image_name": " a.png "}, {"image_name": "a.png"}),  # trimmed
        # an object fitting nothing earlier fits the first generator shape, defaults filled in
        (
            {"image_name": ""},
            {"type": "float_generator_arithmetic_sequence", "start": 0, "step": 0.1, "count": 10},
        ),
        ({**MODEL, "description": "x"}, MODEL),  # unknown keys dropped
        ({**MODEL, "hash": ""}, UNDEFINED),  # no model; its "type" key rules out every generator
        ({"board_id": "b"}, {"board_id": "b"}),
        ({"r": 1, "g": 2, "b": 3, "a": 255}, {"r": 1, "g": 2, "b": 3, "a": 255}),
        ([{"lora": MODEL, "weight": 0.5}], [{"lora": MODEL, "weight": 0.5}]),
        ([{"x": 1}], UNDEFINED),
    ],
)
def test_saved_values_are_read_like_the_gui(saved: Any, held: Any) -> None:
    assert coerce_value(saved) == held


def test_nodes_with_extras_keep_what_fits_no_shape() -> None:
    assert coerce_value(None, accepts_extras=True) is None
    assert coerce_value([{"x": 1}], accepts_extras=True) == [{"x": 1}]


def test_reading_twice_changes_nothing() -> None:
    for value in [{"foo": 1}, {**MODEL, "x": 1}, {"image_name": " a "}, [1.5, 2], None, "s"]:
        once = coerce_value(value)
        assert coerce_value(once) == once


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ({"type": "integer"}, FieldType("IntegerField", SINGLE)),
        ({"type": "array", "items": {"type": "string"}}, FieldType("StringField", COLLECTION)),
        ({"$ref": "#/components/schemas/ImageField"}, FieldType("ImageField", SINGLE)),
        ({"anyOf": [{"$ref": "#/x/LatentsField"}, {"type": "null"}]}, FieldType("LatentsField", SINGLE)),
        (
            {"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]},
            FieldType("IntegerField", SINGLE_OR_COLLECTION),
        ),
        ({"enum": ["a", "b"], "type": "string"}, FieldType("EnumField", SINGLE)),
    ],
)
def test_field_types_are_read_like_the_gui(prop: dict[str, Any], expected: FieldType) -> None:
    assert parse_field_type(prop) == expected


def test_template_details_the_gui_relies_on() -> None:
    assert "board" in TEMPLATES["save_image"].inputs  # internal fields are inputs too
    assert "is_intermediate" not in TEMPLATES["save_image"].inputs
    assert "index" not in TEMPLATES["iterate"].inputs
    assert TEMPLATES["integer_batch"].inputs["integers"].type.batch
    assert TEMPLATES["integer_generator"].outputs["integers"].type.batch
    assert TEMPLATES["save_image"].inputs["board"].default == "auto"


def test_connection_type_rules() -> None:
    i, f, s = (
        FieldType("IntegerField", SINGLE),
        FieldType("FloatField", SINGLE),
        FieldType("StringField", SINGLE),
    )
    assert are_types_compatible(i, f) and are_types_compatible(i, s) and not are_types_compatible(f, i)
    assert are_types_compatible(
        FieldType("IntegerField", COLLECTION), FieldType("CollectionField", COLLECTION)
    )
    assert are_types_compatible(i, FieldType("IntegerField", SINGLE_OR_COLLECTION))
    assert not are_types_compatible(
        FieldType("IntegerField", COLLECTION, True), FieldType("IntegerField", COLLECTION)
    )
    assert are_types_compatible(s, FieldType("AnyField", SINGLE))


def test_update_keeps_a_saved_list_and_sets_the_version() -> None:
    template = TEMPLATES["integer_collection"]
    assert template.inputs["collection"].default == []
    saved = node("n", "integer_collection", version="1.0.0", collection=[5])
    updated = update_node(saved, template, set())
    assert updated is not None
    assert updated["data"]["inputs"]["collection"]["value"] == [5]
    assert updated["data"]["version"] == template.version


def test_update_refuses_another_major_version() -> None:
    assert update_node(node("n", "add", version="2.0.0", a=1), TEMPLATES["add"], set()) is None


def test_image_collection_moves_old_images_to_the_images_input() -> None:
    old = node("n", "image_collection", version="1.0.1", collection=[{"image_name": "a"}])
    updated = update_node(old, TEMPLATES["image_collection"], set())
    assert updated is not None
    inputs = updated["data"]["inputs"]
    assert inputs["images"]["value"] == [{"image_name": "a"}] and inputs["collection"]["value"] == []
    kept = update_node(old, TEMPLATES["image_collection"], {"collection"})
    assert kept is not None and kept["data"]["inputs"]["collection"]["value"] == [{"image_name": "a"}]


def test_update_merges_like_defaults_deep() -> None:
    # es-toolkit's compat defaultsDeep: missing keys filled deeply, a longer default list lends
    # its extra items, saved values (null included) win
    from ivk_runtime.graph.node_update import _defaults_deep

    target: dict[str, Any] = {"a": {"x": 1}, "l": [{"k": 1}], "n": None}
    _defaults_deep(target, {"a": {"x": 2, "y": 3}, "l": [{"k": 9, "j": 2}, {"k": 5}], "n": 4, "u": UNDEFINED})
    assert target == {"a": {"x": 1, "y": 3}, "l": [{"k": 1, "j": 2}, {"k": 5}], "n": None}
