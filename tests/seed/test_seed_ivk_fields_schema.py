"""The node-field JSON of each ``Ivk*Field`` is what InvokeAI 6.14.2's OpenAPI schema describes,
and reading it back gives the same field: samples shaped as the server sends them (the
values a completed SDXL/FLUX run's session holds) and the corpus workflows' saved values."""

from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

from ivk_runtime.seed import ivk_fields as F

REPO = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS: dict[str, Any] = json.loads(
    (REPO / "codegen" / "schemas" / "invokeai-6.14.2.json").read_text(encoding="utf-8")
)["components"]["schemas"]


def problems(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """What in ``value`` the (OpenAPI subset of) JSON schema refuses: refs, anyOf, types,
    required and unknown properties, enums, number bounds, array items."""
    if "$ref" in schema:
        return problems(value, SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]], where)
    if "anyOf" in schema:
        options = [problems(value, s, where) for s in schema["anyOf"]]
        return [] if any(not p for p in options) else [f"{where}: no anyOf matches: {options}"]
    kind = schema.get("type")
    checks = {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }
    if kind is not None and not checks[kind]:
        return [f"{where}: {value!r} is not {kind}"]
    out: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{where}: {value!r} not in enum")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{where}: {value} < {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{where}: {value} > {schema['maximum']}")
    if kind == "object":
        props = schema.get("properties", {})
        out += [f"{where}: {r!r} missing" for r in schema.get("required", []) if r not in value]
        for k, v in value.items():
            if k in props:
                out += problems(v, props[k], f"{where}.{k}")
            elif props and not schema.get("additionalProperties", False):
                out.append(f"{where}: unknown property {k!r}")
    if kind == "array" and "items" in schema:
        for i, item in enumerate(value):
            out += problems(item, schema["items"], f"{where}[{i}]")
    return out


def check(value: Any, ref: str) -> None:
    assert problems(value, {"$ref": ref}) == []


def test_the_checker_refuses_what_the_schema_refuses() -> None:
    assert problems({"image_name": 3}, {"$ref": "ImageField"})
    assert problems({}, {"$ref": "ImageField"})
    assert problems({"board_id": "b", "x": 1}, {"$ref": "BoardField"})
    assert problems({"r": 256, "g": 0, "b": 0, "a": 0}, {"$ref": "ColorField"})
    assert problems(
        {"key": "k", "hash": "h", "name": "n", "base": "nope", "type": "main"},
        {"$ref": "ModelIdentifierField"},
    )


def mid(sub: str | None, base: str = "sdxl", type_: str = "main") -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": "914b2e5a",
        "hash": "blake3:7bb02e93",
        "name": "juggernautXL_v9",
        "base": base,
        "type": type_,
    }
    if sub is not None:
        out["submodel_type"] = sub
    return out


LORA = {"lora": {**mid(None, type_="lora"), "submodel_type": None}, "weight": 0.75}

# (field class, schema object, the JSON a server sends) for the classes whose attributes are the value
STRUCTURED: list[tuple[type[Any], str, dict[str, Any]]] = [
    (F.IvkModelIdentifierField, "ModelIdentifierField", mid("unet")),
    (F.IvkLoRAField, "LoRAField", LORA),
    (
        F.IvkUNetField,
        "UNetField",
        {
            "unet": mid("unet"),
            "scheduler": mid("scheduler"),
            "loras": [LORA],
            "seamless_axes": ["x"],
            "freeu_config": {"s1": 0.9, "s2": 0.2, "b1": 1.2, "b2": 1.4},
        },
    ),
    (
        F.IvkCLIPField,
        "CLIPField",
        {
            "tokenizer": mid("tokenizer"),
            "text_encoder": mid("text_encoder"),
            "skipped_layers": 0,
            "loras": [],
        },
    ),
    (
        F.IvkTransformerField,
        "TransformerField",
        {"transformer": mid("transformer", "flux"), "loras": [LORA]},
    ),
    (F.IvkColorField, "ColorField", {"r": 255, "g": 128, "b": 0, "a": 200}),
    (
        F.IvkBoundingBoxField,
        "BoundingBoxField",
        {"x_min": 1, "x_max": 10, "y_min": 2, "y_max": 20, "score": 0.5},
    ),
]


@pytest.mark.parametrize(("cls", "ref", "sample"), STRUCTURED, ids=[r for _, r, _ in STRUCTURED])
def test_structured_fields_round_trip_schema_json(
    cls: type[Any], ref: str, sample: dict[str, Any]
) -> None:
    check(sample, ref)
    field = cls.from_api_format(sample)
    assert field.to_api_format() == sample
    assert field.to_json_value() == sample
    check(field.to_api_format(), ref)


def test_a_lora_with_a_null_submodel_is_taken() -> None:
    # 1.1.1 typed the model dict[str, str] and refused this, the JSON every LoRA loader sends.
    assert F.IvkLoRAField.from_api_format(LORA).lora_model == LORA["lora"]


# (field class, schema object, the node field's JSON) for the fields holding a ``.value``
VALUED: list[tuple[type[Any], str, Any]] = [
    (F.IvkImageField, "ImageField", {"image_name": "208c6dbc.png"}),
    (F.IvkBoardField, "BoardField", {"board_id": "e53baf1e"}),
    (F.IvkLatentsField, "LatentsField", {"latents_name": "Tensor_ab3d496b", "seed": 427480069}),
    (F.IvkLatentsField, "LatentsField", {"latents_name": "Tensor_00cca2c0"}),
    (F.IvkTensorField, "TensorField", {"tensor_name": "Tensor_1"}),
    (
        F.IvkDenoiseMaskField,
        "DenoiseMaskField",
        {"mask_name": "m", "gradient": True, "masked_latents_name": "ml"},
    ),
    (
        F.IvkConditioningField,
        "ConditioningField",
        {"conditioning_name": "ConditioningFieldData_e8e6"},
    ),
    (
        F.IvkConditioningField,
        "ConditioningField",
        {"conditioning_name": "c", "mask": {"tensor_name": "t"}},
    ),
    (
        F.IvkFluxConditioningField,
        "FluxConditioningField",
        {"conditioning_name": "c", "mask": {"tensor_name": "t"}},
    ),
    (
        F.IvkFluxReduxConditioningField,
        "FluxReduxConditioningField",
        {"conditioning": {"tensor_name": "c"}, "mask": {"tensor_name": "m"}},
    ),
    (
        F.IvkFluxFillConditioningField,
        "FluxFillConditioningField",
        {"image": {"image_name": "i.png"}, "mask": {"tensor_name": "m"}},
    ),
    (
        F.IvkFluxKontextConditioningField,
        "FluxKontextConditioningField",
        {"image": {"image_name": "r.png"}},
    ),
    (F.IvkSD3ConditioningField, "SD3ConditioningField", {"conditioning_name": "c3"}),
    (F.IvkCogView4ConditioningField, "CogView4ConditioningField", {"conditioning_name": "c4"}),
    (F.IvkMetadataField, "MetadataField", {"prompt": "a cat", "seed": 1}),
]


@pytest.mark.parametrize(
    ("cls", "ref", "sample"), VALUED, ids=[f"{r}-{i}" for i, (_, r, _) in enumerate(VALUED)]
)
def test_valued_fields_round_trip_schema_json(cls: type[Any], ref: str, sample: Any) -> None:
    check(sample, ref)
    field = cls.from_api_format({"value": sample})
    api = field.to_api_format()
    assert api["value"] == sample and field.to_json_value() == sample
    check(api["value"], ref)
    again = cls.from_api_format(api)
    assert again.to_api_format() == api


def test_fields_built_from_parts_give_schema_json() -> None:
    made = [
        (F.IvkLatentsField(value="l", seed=3), "LatentsField"),
        (F.IvkDenoiseMaskField(mask_name="m"), "DenoiseMaskField"),
        (F.IvkConditioningField(value="c", mask="t"), "ConditioningField"),
        (F.IvkFluxReduxConditioningField(conditioning="c"), "FluxReduxConditioningField"),
        (F.IvkFluxFillConditioningField(image="i.png", mask="m"), "FluxFillConditioningField"),
        (F.IvkFluxKontextConditioningField(image="r.png"), "FluxKontextConditioningField"),
        (F.IvkImageField(value="a.png"), "ImageField"),
        (F.IvkBoardField(value="b1"), "BoardField"),
    ]
    for field, ref in made:
        check(field.to_json_value(), ref)
    ident = F.IvkModelIdentifierField(
        key="k", hash="h", name="n", base="flux2", type="qwen3_encoder"
    )
    check(ident.to_api_format(), "ModelIdentifierField")  # a 6.14 base and type, kept as given


def test_empty_fields_send_nothing_rather_than_an_invalid_object() -> None:
    # 1.1.1 sent {"seed": 3} (no latents_name) and {} (no conditioning), which the server refuses.
    assert F.IvkLatentsField(seed=3).to_json_value() is None
    assert F.IvkFluxReduxConditioningField(mask="m").to_json_value() is None
    assert F.IvkFluxFillConditioningField(image="i.png").to_json_value() is None
    assert F.IvkConditioningField(mask="m").to_json_value() is None


CORPUS_REFS = {
    "ImageField": F.IvkImageField,
    "BoardField": F.IvkBoardField,
    "ModelIdentifierField": F.IvkModelIdentifierField,
    "ColorField": F.IvkColorField,
}


def _saved_values() -> list[tuple[str, str, Any]]:
    """(schema object, where, saved value) for every corpus node input whose schema property
    is one of ``CORPUS_REFS`` and whose saved value the schema accepts."""
    out = []
    for path in sorted((REPO / "tests" / "corpus" / "workflows").glob("*.json")):
        for node in json.loads(path.read_text(encoding="utf-8")).get("nodes") or []:
            data = node.get("data") or {}
            invocation = SCHEMAS.get(_invocation_class(data.get("type")))
            inputs = data.get("inputs") or {}
            if invocation is None or not isinstance(inputs, dict):
                continue
            for name, inp in inputs.items():
                prop = (invocation.get("properties") or {}).get(name) or {}
                refs = [
                    a["$ref"].rsplit("/", 1)[-1] for a in prop.get("anyOf", [prop]) if "$ref" in a
                ]
                value = inp.get("value") if isinstance(inp, dict) else None
                if refs and refs[0] in CORPUS_REFS and isinstance(value, dict):
                    if not problems(value, {"$ref": refs[0]}):
                        out.append((refs[0], f"{path.name}:{node.get('id')}.{name}", value))
    return out


def _invocation_class(node_type: Any) -> str:
    for name, schema in SCHEMAS.items():
        t = (schema.get("properties") or {}).get("type") or {}
        if t.get("default") == node_type and name.endswith("Invocation"):
            return name
    return ""


def test_corpus_saved_values_round_trip() -> None:
    seen: dict[str, int] = {}
    for ref, where, value in _saved_values():
        cls = CORPUS_REFS[ref]
        field = cls.from_api_format({"value": value})
        # A null submodel_type is left out (the schema's default): the same reference.
        assert field.to_json_value() == {k: v for k, v in value.items() if v is not None}, where
        check(field.to_json_value(), ref)
        seen[ref] = seen.get(ref, 0) + 1
    # The corpus's one saved colour is on a custom node the schema lacks (ColorField is in STRUCTURED).
    assert set(seen) == {"ImageField", "BoardField", "ModelIdentifierField"}, seen
