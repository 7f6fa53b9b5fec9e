"""Types: from field schemas (and the Form's settings) to annotations, checked both as text and
by what pydantic accepts under the annotation; then the behaviour of generated classes."""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, create_model

from codegen_support import CORPUS, OWN, attribute_defaults, generated_class, import_source
from ivk_codegen.pipeline import generate_source
from ivk_codegen.schema_source import SchemaSource
from ivk_codegen.typemap import PyType, TypeResolver, infer_from_value
from ivk_runtime.errors import SchemaError
from ivk_runtime.graph.schema_index import SchemaIndex
from ivk_runtime.values import BoardValue, Color, ImageRef, ImageValue, ModelRef

OPENAPI = {
    "info": {"version": "test"},
    "components": {
        "schemas": {
            "FooInvocation": {"class": "invocation", "properties": {"type": {"const": "foo"}}},
            "Mode": {"enum": ["fast", "slow"], "type": "string"},
            "Blob": {"type": "object", "properties": {"a": {"type": "integer"}}},
        }
    },
}


@pytest.fixture(scope="module")
def resolver() -> TypeResolver:
    return TypeResolver(SchemaIndex(copy.deepcopy(OPENAPI)))


def _probe(t: PyType) -> type[BaseModel]:
    """A model with one field of the annotation the module would hold, evaluated as the module
    would, strict as the generated classes are."""
    namespace = {"Annotated": Annotated, "Field": Field, "Literal": Literal, "JsonValue": JsonValue,
                 "ImageValue": ImageValue, "BoardValue": BoardValue, "ModelRef": ModelRef,
                 "Color": Color}  # fmt: skip
    annotation = eval(t.annotation(), namespace)  # noqa: S307 - generator output, no input
    return create_model("Probe", __config__=ConfigDict(strict=True), v=(annotation, ...))


def _accepts(t: PyType, value: Any) -> bool:
    try:
        _probe(t).model_validate({"v": value})
    except ValidationError:
        return False
    return True


# -- numbers --------------------------------------------------------------------------------------
def test_integer_bounds(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "integer", "minimum": 0, "maximum": 10}, None)
    assert t.kind == "int" and dict(t.constraints) == {"ge": 0, "le": 10}
    assert t.annotation() == "Annotated[int, Field(ge=0, le=10)]"
    assert [_accepts(t, v) for v in (-1, 0, 10, 11, 5.0, "5", True)] == [
        False, True, True, False, False, False, False]  # fmt: skip


def test_exclusive_bounds_and_multiple_of(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 64,
                          "multipleOf": 8}, None)  # fmt: skip
    assert dict(t.constraints) == {"gt": 0, "lt": 64, "multiple_of": 8}
    assert [_accepts(t, v) for v in (0, 8, 56, 64, 12)] == [False, True, True, False, False]


def test_float_bounds(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "number", "minimum": 0, "maximum": 1}, None)
    assert t.kind == "float" and t.annotation() == "Annotated[float, Field(ge=0, le=1)]"
    assert [_accepts(t, v) for v in (0.5, 1, 1.01, -0.1)] == [True, True, False, False]


def test_string_lengths(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "string", "minLength": 1, "maxLength": 3}, None)
    assert dict(t.constraints) == {"min_length": 1, "max_length": 3}
    assert [_accepts(t, v) for v in ("", "a", "abc", "abcd")] == [False, True, True, False]


def test_boolean_bounds_are_not_numbers(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "integer", "minimum": True}, None)
    assert t.constraints == ()


INT = {"type": "integer", "minimum": 0, "maximum": 100}


@pytest.mark.parametrize(
    ("settings", "bounds"),
    [
        ({"min": 10, "max": 50}, {"ge": 10, "le": 50}),  # inside the schema's: the Form's
        ({"min": -5, "max": 500}, {"ge": 0, "le": 100}),  # wider: the schema's
        ({"min": 10}, {"ge": 10, "le": 100}),
        ({"min": 0.5, "max": 9.5}, {"ge": 1, "le": 9}),  # an int input: rounded inwards
        ({"min": 60, "max": 40}, {"ge": 0, "le": 100}),  # contradictory: the schema's alone
        ({"component": "slider"}, {"ge": 0, "le": 100}),
    ],
)
def test_form_settings_intersect_schema_bounds(
    resolver: TypeResolver, settings: dict[str, Any], bounds: dict[str, int]
) -> None:
    t = resolver.resolve(INT, {"type": "integer-field-config", **settings})
    assert dict(t.constraints) == bounds


def test_form_settings_on_a_float_keep_fractions(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "number", "minimum": 0}, {"min": 0.25, "max": 0.75})
    assert dict(t.constraints) == {"ge": 0.25, "le": 0.75}


def test_form_bounds_with_an_exclusive_schema_bound(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "integer", "exclusiveMinimum": 0}, {"min": 1, "max": 2048})
    assert [_accepts(t, v) for v in (0, 1, 2048, 2049)] == [False, True, True, False]


# -- choices ----------------------------------------------------------------------------------------
def test_enum_is_a_literal(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "string", "enum": ["a", "b", "a"]}, None)
    assert t.annotation() == 'Literal["a", "b"]'
    assert [_accepts(t, v) for v in ("a", "b", "c")] == [True, True, False]


def test_ref_to_an_enum_is_a_literal(resolver: TypeResolver) -> None:
    t = resolver.resolve({"$ref": "#/components/schemas/Mode"}, None)
    assert t.annotation() == 'Literal["fast", "slow"]'
    nullable = resolver.resolve({"anyOf": [{"$ref": "#/components/schemas/Mode"}, {"type": "null"}]}, None)
    assert nullable.annotation() == 'Literal["fast", "slow"] | None'


def test_const_is_a_literal_of_one(resolver: TypeResolver) -> None:
    assert resolver.resolve({"const": "x"}, None).annotation() == 'Literal["x"]'


def test_dropdown_settings_make_a_literal(resolver: TypeResolver) -> None:
    settings = {"type": "string-field-config", "component": "dropdown",
                "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"},
                            {"label": "again", "value": "a"}]}  # fmt: skip
    t = resolver.resolve({"type": "string", "maxLength": 3}, settings)
    assert t.annotation() == 'Literal["a", "b"]'
    empty = resolver.resolve({"type": "string"}, {**settings, "options": []})
    assert empty.annotation() == "str"


def test_string_settings_that_are_no_dropdown_change_nothing(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "string"}, {"type": "string-field-config", "component": "textarea"})
    assert t.annotation() == "str"


# -- references, arrays, unions ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("ref", "annotation", "good", "bad"),
    [
        ("ImageField", "ImageValue", "x.png", 5),
        ("BoardField", "BoardValue", "none", None),
        ("ModelIdentifierField", "ModelRef", ModelRef(key="k", hash="h", name="n", base="b", type="t"), {}),
        ("ColorField", "Color", Color(r=1, g=2, b=3), "red"),
    ],
)  # fmt: skip
def test_object_refs(resolver: TypeResolver, ref: str, annotation: str, good: Any, bad: Any) -> None:
    t = resolver.resolve({"$ref": f"#/components/schemas/{ref}"}, None)
    assert t.annotation() == annotation
    assert _accepts(t, good) and not _accepts(t, bad)


def test_nullable_refs(resolver: TypeResolver) -> None:
    prop = {"anyOf": [{"$ref": "#/components/schemas/ImageField"}, {"type": "null"}]}
    assert resolver.resolve(prop, None).annotation() == "ImageValue | None"
    # a board is never None: "none" is the uncategorized board
    board = {"anyOf": [{"$ref": "#/components/schemas/BoardField"}, {"type": "null"}]}
    assert resolver.resolve(board, None).annotation() == "BoardValue"


def test_image_and_board_inputs_have_their_kind(resolver: TypeResolver) -> None:
    image = resolver.resolve({"$ref": "#/components/schemas/ImageField"}, None)
    images = resolver.resolve({"type": "array", "items": {"$ref": "#/components/schemas/ImageField"}}, None)
    board = resolver.resolve({"$ref": "#/components/schemas/BoardField"}, None)
    model = resolver.resolve({"$ref": "#/components/schemas/ModelIdentifierField"}, None)
    assert (image.input_kind, images.input_kind, board.input_kind, model.input_kind) == (
        "image", "image", "board", "value")  # fmt: skip


def test_arrays(resolver: TypeResolver) -> None:
    t = resolver.resolve({"type": "array", "items": {"type": "integer", "minimum": 1}}, None)
    assert t.annotation() == "list[Annotated[int, Field(ge=1)]]"
    assert _accepts(t, [1, 2]) and not _accepts(t, [0]) and not _accepts(t, 1)
    assert resolver.resolve({"type": "array"}, None).annotation() == "list[JsonValue]"


def test_value_or_list_of_values(resolver: TypeResolver) -> None:
    prop = {"anyOf": [{"type": "number"}, {"type": "array", "items": {"type": "number"}}]}
    t = resolver.resolve(prop, None)
    assert t.annotation() == "float | list[float]"
    assert _accepts(t, 1.5) and _accepts(t, [1.5, 2.0]) and not _accepts(t, "x")
    nullable = resolver.resolve({"anyOf": [*prop["anyOf"], {"type": "null"}]}, None)
    assert nullable.annotation() == "float | list[float] | None"


def test_nullable_scalars_and_unrelated_unions(resolver: TypeResolver) -> None:
    assert resolver.resolve({"anyOf": [{"type": "integer"}, {"type": "null"}]}, None).annotation() == "int | None"
    mixed = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert resolver.resolve(mixed, None).annotation() == "JsonValue"
    blob = resolver.resolve({"$ref": "#/components/schemas/Blob"}, None)
    assert blob.annotation() == "Blob" and blob.obj is not None  # a class of the module


def test_unresolvable_ref_is_a_schema_error(resolver: TypeResolver) -> None:
    with pytest.raises(SchemaError):
        resolver.resolve({"$ref": "#/components/schemas/Nowhere"}, None)


def test_model_filters_become_notes(resolver: TypeResolver) -> None:
    t = resolver.resolve({"$ref": "#/components/schemas/ModelIdentifierField", "ui_model_base": ["sdxl", "sd-1"],
                          "ui_model_type": "main"}, None)  # fmt: skip
    assert t.notes == ("model base: sdxl, sd-1", "model type: main")


@pytest.mark.parametrize(
    ("value", "annotation"),
    [(True, "bool"), (3, "int"), (2.5, "float"), ("x", "str"), ({"image_name": "a.png"}, "ImageValue | None"),
     ({"a": 1}, "JsonValue"), ([1, 2], "JsonValue"), (None, "JsonValue | None")],
)  # fmt: skip
def test_types_from_saved_values(value: Any, annotation: str) -> None:
    assert infer_from_value(value).annotation() == annotation


# -- in generated modules ---------------------------------------------------------------------
def _module(raw: dict[str, Any], schema: SchemaSource, tmp: pathlib.Path, name: str = "w.json") -> Any:
    gen = generate_source(raw, name, schema)
    return generated_class(import_source(gen.code, tmp)), gen


def _load(path: pathlib.Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_required_input_without_value_has_no_default(bundled_schema: SchemaSource, tmp_path: pathlib.Path) -> None:
    cls, gen = _module(_load(OWN / "resize_upload.json"), bundled_schema, tmp_path)
    assert attribute_defaults(gen.code)["input_image"] is None
    with pytest.raises(ValidationError) as info:
        cls()
    assert info.value.errors()[0]["loc"] == ("input_image",)
    assert cls(input_image="a.png").width == 32


def test_a_saved_value_that_does_not_fit_falls_back_to_the_schema_default(
    bundled_schema: SchemaSource, tmp_path: pathlib.Path
) -> None:
    raw = _load(OWN / "blur_image.json")
    raw["nodes"][0]["data"]["inputs"]["width"]["value"] = 8  # below the Form's min 16
    cls, gen = _module(raw, bundled_schema, tmp_path)
    schema_default = bundled_schema.index.node("blank_image").inputs["width"].default  # type: ignore[union-attr]
    assert 16 <= schema_default <= 1024
    assert cls().width == schema_default
    assert any("input 0 (width)" in m and "does not fit" in m for m in gen.messages)


def test_unknown_node_types_are_typed_from_saved_values_with_a_warning(
    bundled_schema: SchemaSource, tmp_path: pathlib.Path
) -> None:
    path = CORPUS / "gogurtenjoyer_latent-upscale__SDXL Upscale Latents Example@b7d89f36.json"
    raw = _load(path)
    cls, gen = _module(raw, bundled_schema, tmp_path, path.name)
    assert bundled_schema.index.node("upscale_latents") is None
    spec = next(s for s in cls._inputs if s.field == "scale_factor")
    saved = next(n for n in raw["nodes"] if n["id"] == spec.node_id)["data"]["inputs"]["scale_factor"]["value"]
    assert cls.__annotations__[spec.attribute] is type(saved)
    assert getattr(cls(), spec.attribute) == saved
    (warning,) = [m for m in gen.messages if "upscale_latents" in m]
    assert warning.startswith("warning: ") and "--server" in warning


@pytest.fixture(scope="module")
def blur_cls(bundled_schema: SchemaSource, tmp_path_factory: pytest.TempPathFactory) -> Any:
    return _module(_load(OWN / "blur_image.json"), bundled_schema, tmp_path_factory.mktemp("blur"))[0]


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("width", "64"), ("width", 8), ("width", 2000), ("width", 64.0), ("noise_amount", 1.5),
     ("blur_type", "median"), ("output_board", None), ("color", {"r": 1}), ("color", "red")],
)  # fmt: skip
def test_wrong_assignment_names_the_attribute(blur_cls: Any, attribute: str, value: Any) -> None:
    params = blur_cls()
    before = getattr(params, attribute)
    with pytest.raises(ValidationError) as info:
        setattr(params, attribute, value)
    assert {e["loc"][0] for e in info.value.errors()} == {attribute}
    assert attribute in str(info.value)
    assert getattr(params, attribute) == before  # unchanged


def test_wrong_constructor_argument_names_the_attribute(blur_cls: Any) -> None:
    with pytest.raises(ValidationError) as info:
        blur_cls(height="tall")
    assert [e["loc"][0] for e in info.value.errors()] == ["height"]


def test_to_values_maps_form_indexes_to_node_json(blur_cls: Any) -> None:
    params = blur_cls(width=100, blur_type="box", color=Color(r=1, g=2, b=3))
    values = params.to_values()
    assert sorted(values) == [s.index for s in blur_cls._inputs] == list(range(8))
    assert values[0] == 100 and values[6] == "box"
    assert values[2] == {"r": 1, "g": 2, "b": 3, "a": 255}
    assert values[7] == "auto"
    params.output_board = "none"
    assert params.to_values()[7] == "none"
    params.output_board = "board-123"
    assert params.to_values()[7] == {"board_id": "board-123"}
    json.dumps(params.to_values())  # all JSON


def test_to_values_of_images(bundled_schema: SchemaSource, tmp_path: pathlib.Path) -> None:
    cls, _ = _module(_load(OWN / "resize_upload.json"), bundled_schema, tmp_path)
    assert cls(input_image="a.png").to_values()[0] == {"image_name": "a.png"}
    assert cls(input_image=ImageRef(image_name="b.png")).to_values()[0] == {"image_name": "b.png"}
    local = pathlib.Path("some/local.png")
    assert cls(input_image=local).to_values()[0] == local  # kept, uploaded at run time


def test_to_values_of_models_leaves_out_an_empty_submodel(sdxl_cls: Any) -> None:
    model = ModelRef(key="k", hash="h", name="n", base="sdxl", type="main")
    params = sdxl_cls(board="none", model=model)
    index = next(s.index for s in sdxl_cls._inputs if s.attribute == "model")
    assert params.to_values()[index] == {"key": "k", "hash": "h", "name": "n", "base": "sdxl", "type": "main"}


@pytest.fixture(scope="module")
def sdxl_cls(bundled_schema: SchemaSource, tmp_path_factory: pytest.TempPathFactory) -> Any:
    raw = _load(CORPUS / "CodeGandee_invokeai-py-client__sdxl-text-to-image.json")
    return _module(raw, bundled_schema, tmp_path_factory.mktemp("sdxl"))[0]


def test_value_or_list_inputs_take_both(sdxl_cls: Any) -> None:
    params = sdxl_cls(board="none")
    index = next(s.index for s in sdxl_cls._inputs if s.attribute == "cfg_scale")
    params.cfg_scale = [6.0, 7.5]
    assert params.to_values()[index] == [6.0, 7.5]
    params.cfg_scale = 5.0
    assert params.to_values()[index] == 5.0


def test_mutable_defaults_are_not_shared(bundled_schema: SchemaSource, tmp_path: pathlib.Path) -> None:
    raw = _load(OWN / "blur_image.json")
    raw["nodes"].append(copy.deepcopy(raw["nodes"][0]))
    node = raw["nodes"][-1]
    node["id"] = node["data"]["id"] = "custom-node"
    node["data"]["type"] = "my_custom_node"  # unknown: typed from the saved value below
    node["data"]["inputs"] = {"items": {"name": "items", "label": "Items", "description": "", "value": [1, 2]}}
    raw["form"]["elements"]["node-field-items"] = {
        "id": "node-field-items", "parentId": "root", "type": "node-field",
        "data": {"fieldIdentifier": {"nodeId": "custom-node", "fieldName": "items"}, "showDescription": True},
    }  # fmt: skip
    raw["form"]["elements"]["root"]["data"]["children"].append("node-field-items")
    cls, gen = _module(raw, bundled_schema, tmp_path)
    one, two = cls(), cls()
    assert one.items == [1, 2]
    one.items.append(3)
    assert two.items == [1, 2]


def test_what_the_gui_would_drop_is_warned_about(bundled_schema: SchemaSource) -> None:
    """A node type the schema lacks (not in the Form), a node id used twice, and edges the
    GUI's validator drops are each a warning, as the GUI warns on load."""
    raw = _load(OWN / "blur_image.json")
    outside = copy.deepcopy(raw["nodes"][1])  # a node of a pack not installed, in no Form input
    outside["id"] = outside["data"]["id"] = "packed"
    outside["data"]["type"] = "my_pack_node"
    raw["nodes"].append(outside)
    raw["nodes"].append(copy.deepcopy(raw["nodes"][0]))
    raw["edges"].append({"id": "e-ghost", "type": "default", "source": "ghost", "sourceHandle": "image",
                         "target": raw["nodes"][0]["id"], "targetHandle": "image"})  # fmt: skip
    messages = generate_source(raw, "w.json", bundled_schema).messages
    text = "\n".join(messages)
    assert f"node {outside['id']!r} has type 'my_pack_node'" in text
    assert f"node id {raw['nodes'][0]['id']!r} is used by more than one node" in text
    assert "ghost.image ->" in text and "dropped" in text
    clean = generate_source(_load(OWN / "blur_image.json"), "w.json", bundled_schema).messages
    assert not [m for m in clean if "dropped" in m or "does not know" in m]


def test_min_and_max_items_bound_a_list(bundled_schema: SchemaSource) -> None:
    """flux_kontext_image_prep's images take 1 to 10 (minItems/maxItems were dropped)."""
    from pydantic import TypeAdapter

    resolver = TypeResolver(bundled_schema.index)
    prop = bundled_schema.index.node("flux_kontext_image_prep").inputs["images"].raw  # type: ignore[union-attr]
    t = resolver.resolve(prop, None)
    assert t.kind == "list" and dict(t.constraints) == {"min_length": 1, "max_length": 10}
    assert "Field(min_length=1, max_length=10)" in t.annotation()
    namespace: dict[str, Any] = {"Annotated": Annotated, "Field": Field, "ImageValue": ImageValue}
    adapter: TypeAdapter[Any] = TypeAdapter(eval(t.annotation(), namespace))  # our own annotation text
    with pytest.raises(ValidationError):
        adapter.validate_python([])
    assert adapter.validate_python(["a.png"]) == ["a.png"]
    with pytest.raises(Exception, match="min_length"):
        t.to_python([])  # a saved empty list is no default


def test_a_numeric_bound_on_a_string_field_is_not_applied(bundled_schema: SchemaSource) -> None:
    """A schema whose string field carries number bounds: they are no string's (it was an
    internal error: '>=' between str and int)."""
    t = TypeResolver(bundled_schema.index).resolve({"type": "string", "minimum": 0, "maxLength": 5}, None)
    assert t.kind == "str" and t.constraints == (("max_length", 5),)
    assert t.to_python("abc") == "abc"


def test_a_unions_bounds_bound_each_number(bundled_schema: SchemaSource) -> None:
    """controlnet's control_weight is ``float | list[float]`` with pydantic's ``ge``/``le``
    beside the anyOf: both the number and every item of the list are bounded (both dropped)."""
    resolver = TypeResolver(bundled_schema.index)
    prop = bundled_schema.index.node("controlnet").inputs["control_weight"].raw  # type: ignore[union-attr]
    assert (prop.get("ge"), prop.get("le")) == (-1, 2)
    t = resolver.resolve(prop, None)
    assert t.kind == "either" and t.item is not None and dict(t.item.constraints) == {"ge": -1, "le": 2}
    assert _accepts(t, 1.5) and _accepts(t, [0.5, 2.0])
    assert not _accepts(t, 3.0) and not _accepts(t, [0.5, -1.5])
    with pytest.raises(Exception, match="le=2"):
        t.to_python([1.0, 2.5])  # a saved weight out of bounds is no default


def test_model_filters_are_part_of_the_type(resolver: TypeResolver) -> None:
    t = resolver.resolve({"anyOf": [{"$ref": "#/components/schemas/ModelIdentifierField"}, {"type": "null"}],
                          "ui_model_base": ["sdxl", "sd-1"], "ui_model_type": "vae"}, None)  # fmt: skip
    assert t.annotation() == 'ModelRef[Literal["sdxl", "sd-1"], Literal["vae"]] | None'
    ref = {"key": "k", "hash": "h", "name": "n", "type": "vae"}
    assert _accepts(t, ModelRef(**ref, base="sd-1")) and _accepts(t, None)
    assert not _accepts(t, ModelRef(**ref, base="flux"))
    assert not _accepts(t, ModelRef(**{**ref, "type": "main"}, base="sdxl"))
    with pytest.raises(Exception, match="base 'flux'"):
        t.to_python({**ref, "base": "flux"})  # a saved model of another base is no default
    only_type = resolver.resolve({"$ref": "#/components/schemas/ModelIdentifierField", "ui_model_type": ["t5_encoder"]}, None)
    assert only_type.annotation() == 'ModelRef[str, Literal["t5_encoder"]]'
    listed = resolver.resolve({"type": "array", "items": {"$ref": "#/components/schemas/ModelIdentifierField"},
                               "ui_model_type": ["lora"]}, None)  # fmt: skip
    assert listed.annotation() == 'list[ModelRef[str, Literal["lora"]]]'


# -- schema objects -------------------------------------------------------------------------------
OBJECTS = {
    "info": {"version": "test"},
    "components": {"schemas": {
        "FooInvocation": {"class": "invocation", "properties": {
            "type": {"const": "foo"},
            "control": {"anyOf": [{"$ref": "#/components/schemas/Ctl"}, {"type": "null"}], "default": None},
            "loop": {"$ref": "#/components/schemas/Loop"},
            "odd": {"$ref": "#/components/schemas/Odd"},
            "open": {"$ref": "#/components/schemas/Open"},
        }},
        "Ctl": {"type": "object", "required": ["image", "model"], "description": "A control.", "properties": {
            "image": {"$ref": "#/components/schemas/ImageField"},
            "model": {"$ref": "#/components/schemas/ModelIdentifierField", "ui_model_type": ["controlnet"]},
            "weight": {"anyOf": [{"type": "number"}, {"items": {"type": "number"}, "type": "array"}],
                       "default": 1, "ge": -1, "le": 2, "description": "How strong."},
            "begin": {"type": "number", "minimum": 0, "maximum": 1, "default": 0},
            "mode": {"enum": ["balanced", "more_prompt"], "type": "string", "default": "balanced"},
            "inner": {"anyOf": [{"$ref": "#/components/schemas/Inner"}, {"type": "null"}], "default": None},
        }},
        "Inner": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 1}}},
        "Loop": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Loop"}}},
        "Odd": {"type": "object", "properties": {"not a name": {"type": "integer"}}},
        "Open": {"type": "object", "additionalProperties": True, "properties": {"a": {"type": "integer"}}},
    }},
}  # fmt: skip


def _object_module(tmp_path: pathlib.Path, value: Any) -> tuple[str, Any, tuple[str, ...]]:
    wf = _load(OWN / "blur_image.json")
    node = {"id": "foo-1", "type": "invocation", "position": {"x": 0, "y": 0},
            "data": {"id": "foo-1", "type": "foo", "version": "1.0.0", "label": "", "notes": "",
                     "isOpen": True, "isIntermediate": True, "useCache": True,
                     "inputs": {"control": {"name": "control", "label": "Control", "description": "", "value": value}}}}  # fmt: skip
    wf["nodes"].append(node)
    elements = wf["form"]["elements"]
    elements["node-field-ctl"] = {"id": "node-field-ctl", "parentId": "root", "type": "node-field",
                                  "data": {"fieldIdentifier": {"nodeId": "foo-1", "fieldName": "control"}}}  # fmt: skip
    elements["root"]["data"]["children"].append("node-field-ctl")
    schema = SchemaSource(SchemaIndex(_merged_schema()), "test schema", False)
    generated = generate_source(wf, "objects.json", schema)
    return generated.code, import_source(generated.code, tmp_path), generated.messages


def _merged_schema() -> dict[str, Any]:
    """The bundled schema (for blur_image's nodes) with OBJECTS' components added."""
    from ivk_codegen.schema_source import bundled_schema_name

    data = json.loads((pathlib.Path(__file__).parents[2] / "codegen" / "schemas" / bundled_schema_name()).read_text())
    data["components"]["schemas"].update(copy.deepcopy(OBJECTS["components"]["schemas"]))
    return data


def test_a_schema_object_becomes_a_class_with_its_types_bounds_and_defaults(tmp_path: pathlib.Path) -> None:
    code, module, _ = _object_module(tmp_path, None)
    assert "class Ctl(SchemaObject):" in code and "class Inner(SchemaObject):" in code
    assert code.index("class Inner(") < code.index("class Ctl(")  # what a class uses comes first
    assert "control: Ctl | None = None" in code
    ctl = module.Ctl
    model = ModelRef(key="k", hash="h", name="n", base="sd-1", type="controlnet")
    c = ctl(image=ImageRef(image_name="a.png"), model=model)
    assert (c.weight, c.begin, c.mode, c.inner) == (1, 0, "balanced", None)  # the schema's defaults
    for bad in ({"weight": 3.0}, {"weight": [0.5, 2.5]}, {"begin": 1.5}, {"mode": "fast"},
                {"image": "a.png"}, {"model": ModelRef(key="k", hash="h", name="n", base="sd-1", type="vae")},
                {"inner": module.Inner(n=1), "extra": 1}):  # fmt: skip
        with pytest.raises(ValidationError):
            ctl(**{"image": ImageRef(image_name="a.png"), "model": model, **bad})
    with pytest.raises(ValidationError):
        module.Inner(n=0)
    cls = generated_class(module)
    params = cls(control=ctl(image=ImageRef(image_name="a.png"), model=model, weight=[0.5, 1.0],
                             inner=module.Inner(n=2)))  # fmt: skip
    index = next(s.index for s in cls.input_specs() if s.attribute == "control")
    assert params.to_values()[index] == {
        "image": {"image_name": "a.png"},
        "model": {"key": "k", "hash": "h", "name": "n", "base": "sd-1", "type": "controlnet"},
        "weight": [0.5, 1.0], "begin": 0, "mode": "balanced", "inner": {"n": 2},
    }  # fmt: skip


def test_a_saved_object_is_the_default_and_reaches_the_node_unchanged(tmp_path: pathlib.Path) -> None:
    saved = {"image": {"image_name": "b.png"}, "model": {"key": "k", "hash": "h", "name": "n",
             "base": "sdxl", "type": "controlnet"}, "weight": 0.75, "begin": 0.25,
             "mode": "more_prompt", "inner": None}  # fmt: skip
    code, module, _ = _object_module(tmp_path, saved)
    assert "control: Ctl | None = Ctl(" in code
    cls = generated_class(module)
    index = next(s.index for s in cls.input_specs() if s.attribute == "control")
    assert cls().to_values()[index] == saved


@pytest.mark.parametrize(
    "saved",
    [{"image": {"image_name": "b.png"}},  # no model: required
     {"image": {"image_name": "b.png"}, "model": {"key": "k", "hash": "h", "name": "n", "base": "sdxl",
      "type": "controlnet"}, "nope": 1},  # a key the schema lacks
     {"image": {"image_name": "b.png"}, "model": {"key": "k", "hash": "h", "name": "n", "base": "sdxl",
      "type": "vae"}}],  # a model of another type
)  # fmt: skip
def test_a_saved_object_that_does_not_fit_is_no_default(tmp_path: pathlib.Path, saved: Any) -> None:
    code, _, messages = _object_module(tmp_path, saved)
    assert "control: Ctl | None = None" in code  # the schema's default, as for the other types
    (warning,) = [m for m in messages if "(control)" in m]
    assert "does not fit" in warning


def test_objects_that_cannot_be_classes_stay_json(resolver: TypeResolver) -> None:
    index = SchemaIndex(copy.deepcopy(OBJECTS))
    r = TypeResolver(index)
    loop = r.resolve({"$ref": "#/components/schemas/Loop"}, None)
    assert loop.obj is not None and loop.obj.fields[0].type.kind == "json"  # refers back: JSON there
    assert r.resolve({"$ref": "#/components/schemas/Odd"}, None).annotation() == "JsonValue"
    assert r.resolve({"$ref": "#/components/schemas/Open"}, None).annotation() == "JsonValue"


_FOO = {"FooInvocation": {"class": "invocation", "properties": {"type": {"const": "foo"}}}}


@pytest.mark.timeout(120)  # a hang guard: each path through the objects was walked (10^8 here)
def test_objects_reused_at_every_level_cost_their_size() -> None:
    levels = 8
    schemas: dict[str, Any] = {
        f"Level{i}": {"type": "object", "properties": {
            f"f{j}": {"$ref": f"#/components/schemas/Level{i + 1}"} for j in range(10)}}
        for i in range(levels)
    }  # fmt: skip
    schemas[f"Level{levels}"] = {"type": "object", "properties": {"x": {"type": "integer", "minimum": 0}}}
    r = TypeResolver(SchemaIndex({"info": {"version": "t"}, "components": {"schemas": {**schemas, **_FOO}}}))
    t = r.resolve({"$ref": "#/components/schemas/Level0"}, None)
    from ivk_codegen.objects import imports_of, object_classes

    assert [o.name for o in object_classes([t])][:2] == [f"Level{levels}", f"Level{levels - 1}"]
    assert ("ivk_runtime.values", "SchemaObject") in imports_of([t])


def test_a_bound_pydantic_cannot_hold_inside_an_object_is_refused() -> None:
    from ivk_codegen.typemap import SchemaProblem

    schemas = {"Obj": {"type": "object", "properties": {"n": {"type": "integer", "multipleOf": 0}}}, **_FOO}
    r = TypeResolver(SchemaIndex({"info": {"version": "t"}, "components": {"schemas": schemas}}))
    with pytest.raises(SchemaProblem, match="multiple_of"):
        r.resolve({"$ref": "#/components/schemas/Obj"}, None)
