"""Which ``Ivk*Field`` a Form input gets, read from the server's OpenAPI schema.

The seed guessed the type from the saved value and the field's name (a float saved as 1.0
became an integer, an unknown field a string). The schema says what the node takes, with its
bounds, so the type is right even when the workflow holds no value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ...errors import WorkflowError
from ...graph.schema_index import SchemaIndex
from ...workflow import FormInput, Workflow
from . import field_plugins
from ..fields import (
    IvkBoardField,
    IvkBooleanField,
    IvkCollectionField,
    IvkColorField,
    IvkEnumField,
    IvkField,
    IvkFloatField,
    IvkImageField,
    IvkIntegerField,
    IvkJsonField,
    IvkModelIdentifierField,
    IvkSchedulerField,
    IvkStringField,
)

__all__ = ["build_field", "field_schema", "input_field", "is_required", "takes_null"]


def node_field_json(workflow: Workflow, node_id: str, field_name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A node's ``data`` and its input ``field_name`` as the workflow JSON holds them."""
    nodes: list[dict[str, Any]] = workflow.data.get("nodes") or []
    node = next((n for n in nodes if n.get("id") == node_id), {})
    data = node.get("data") or {}
    info = (data.get("inputs") or {}).get(field_name)
    return data, info if isinstance(info, dict) else {}


def input_field(schema: SchemaIndex | None, inp: FormInput, workflow: Workflow) -> tuple[IvkField[Any], bool]:
    """The field of a Form input and whether it is required. The user's registered rules and
    plugins (``field_plugins``) come first; then the schema; without one (a handle made with
    no client, to inspect a workflow), the built-in rules on the workflow JSON."""
    node_data, info = node_field_json(workflow, inp.node_id, inp.field_name)
    custom = field_plugins.custom_field(inp.node_type, inp.field_name, info)
    if schema is None:
        field = custom or field_plugins.build_field(node_data, inp.field_name, info)
        return field, bool(info.get("required", False))
    field = custom or build_field(schema, inp, workflow.source)
    return field, is_required(schema, inp.node_type, inp.field_name)


def field_schema(schema: SchemaIndex, node_type: str, field_name: str) -> dict[str, Any] | None:
    """The property schema of a node field, internal ones included (``board`` is internal)."""
    node = schema.node(node_type)
    if node is None:
        return None
    props = node.raw.get("properties") or {}
    prop = props.get(field_name)
    return prop if isinstance(prop, dict) else None


def is_required(schema: SchemaIndex, node_type: str, field_name: str) -> bool:
    prop = field_schema(schema, node_type, field_name)
    return bool(prop and prop.get("orig_required"))


def takes_null(schema: SchemaIndex | None, node_type: str, field_name: str) -> bool:
    """Whether the node field may be sent as null: optional, with a null alternative."""
    prop = field_schema(schema, node_type, field_name) if schema is not None else None
    if not prop or prop.get("orig_required"):
        return False
    options = prop.get("anyOf") or [prop]
    return any(isinstance(o, dict) and o.get("type") == "null" for o in options)


def build_field(schema: SchemaIndex, inp: FormInput, source: str) -> IvkField[Any]:
    """The typed field for a Form input, holding the workflow's saved value.

    A saved value the schema refuses (out of bounds, not a choice) raises WorkflowError naming
    the input: the server would refuse it at submit time anyway, with a vaguer message.
    """
    prop = field_schema(schema, inp.node_type, inp.field_name)
    try:
        if prop is None:
            return _from_value(inp.value)  # a node this server lacks: the value is all we know
        return _from_schema(schema, prop, inp)
    except ValidationError as exc:
        where = f"input {inp.index} (node {inp.node_id!r} field {inp.field_name!r})"
        problems = "; ".join(str(e.get("msg")) for e in exc.errors())
        raise WorkflowError(source, where, f"saved value {inp.value!r}: {problems}") from exc


def _alternatives(schema: SchemaIndex, prop: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null shapes a property allows, ``$ref``s resolved (refs kept in ``_ref``)."""
    raw = prop.get("anyOf") or prop.get("oneOf") or [prop]
    out: list[dict[str, Any]] = []
    for alt in raw:
        if not isinstance(alt, dict) or alt.get("type") == "null":
            continue
        ref = alt.get("$ref")
        if isinstance(ref, str):
            out.append({**schema.resolve(alt), "_ref": ref.rsplit("/", 1)[-1]})
        else:
            out.append(alt)
    return out


def _bounds(prop: Mapping[str, Any]) -> dict[str, Any]:
    names = {
        "minimum": "minimum",
        "maximum": "maximum",
        "exclusiveMinimum": "exclusive_minimum",
        "exclusiveMaximum": "exclusive_maximum",
        "multipleOf": "multiple_of",
    }
    return {ours: prop[theirs] for theirs, ours in names.items() if prop.get(theirs) is not None}


def _from_schema(schema: SchemaIndex, prop: dict[str, Any], inp: FormInput) -> IvkField[Any]:
    alts = _alternatives(schema, prop)
    # ``cfg_scale`` is "number or list of numbers": the scalar is what a Form input sets,
    # unless the workflow saved a list.
    if len(alts) > 1 and not isinstance(inp.value, list):
        alts = [a for a in alts if a.get("type") != "array"] or alts
    shape = alts[0] if alts else {}
    ref = shape.get("_ref")
    value = inp.value
    if ref == "ImageField":
        return IvkImageField(value=value)
    if ref == "BoardField":
        return IvkBoardField(value=value)
    if ref == "ModelIdentifierField":
        return IvkModelIdentifierField.from_api_format(value if isinstance(value, dict) else {})
    if ref == "ColorField":
        return IvkColorField(**value) if isinstance(value, dict) else IvkColorField()
    kind = shape.get("type")
    if isinstance(shape.get("enum"), list):
        choices = [str(c) for c in shape["enum"]]
        cls = IvkSchedulerField if prop.get("ui_type") == "SchedulerField" else IvkEnumField
        return cls(choices=choices, value=value)
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # some exports save 512 as 512.0
        return IvkIntegerField(**_bounds({**shape, **prop}), value=value)
    if kind == "number":
        return IvkFloatField(**_bounds({**shape, **prop}), value=value)
    if kind == "boolean":
        return IvkBooleanField(value=value)
    if kind == "string":
        return _string_field(shape, inp)
    if kind == "array":
        return IvkCollectionField(
            min_length=shape.get("minItems"), max_length=shape.get("maxItems"), value=value
        )
    return IvkJsonField(value=value)


def _string_field(shape: Mapping[str, Any], inp: FormInput) -> IvkField[Any]:
    settings = inp.settings or {}
    options = settings.get("options") if settings.get("component") == "dropdown" else None
    if isinstance(options, list) and options:
        # The Form's dropdown limits the value to its options, as the GUI does.
        choices = [str(o.get("value")) if isinstance(o, dict) else str(o) for o in options]
        return IvkEnumField(choices=choices, value=inp.value)
    return IvkStringField(
        min_length=shape.get("minLength"),
        max_length=shape.get("maxLength"),
        pattern=shape.get("pattern"),
        value=inp.value,
    )


def _from_value(value: Any) -> IvkField[Any]:
    if isinstance(value, bool):
        return IvkBooleanField(value=value)
    if isinstance(value, int):
        return IvkIntegerField(value=value)
    if isinstance(value, float):
        return IvkFloatField(value=value)
    if isinstance(value, str):
        return IvkStringField(value=value)
    if isinstance(value, dict) and "image_name" in value:
        return IvkImageField(value=value)
    if isinstance(value, dict) and "board_id" in value:
        return IvkBoardField(value=value)
    if isinstance(value, dict) and "key" in value and "base" in value:
        return IvkModelIdentifierField.from_api_format(value)
    return IvkJsonField(value=value)
