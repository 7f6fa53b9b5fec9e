"""Node templates as InvokeAI's GUI derives them from the OpenAPI schema.

The GUI does not use the schema directly: it parses every invocation into a template (field types
with cardinality, the default a new field gets, which fields exist at all). Graph building, edge
validation and node updates all consult these templates, so we rebuild them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from weakref import WeakKeyDictionary

from .schema_index import SchemaIndex

__all__ = [
    "UNDEFINED",
    "FieldType",
    "InputTemplate",
    "NodeTemplate",
    "OutputTemplate",
    "Undefined",
    "templates_for",
]


class Undefined:
    """JavaScript's ``undefined``: a key that is absent once serialised (unlike ``null``)."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = Undefined()

SINGLE: Final = "SINGLE"
COLLECTION: Final = "COLLECTION"
SINGLE_OR_COLLECTION: Final = "SINGLE_OR_COLLECTION"


@dataclass(frozen=True)
class FieldType:
    name: str
    cardinality: str
    batch: bool = False
    # the type before a ``ui_type`` override (the GUI compares both when matching types)
    original: FieldType | None = None

    def bare(self) -> tuple[str, str, bool]:
        return (self.name, self.cardinality, self.batch)


@dataclass(frozen=True)
class InputTemplate:
    name: str
    type: FieldType
    input: str  # "connection" | "direct" | "any"
    default: Any  # the value a newly added field gets; UNDEFINED when none


@dataclass(frozen=True)
class OutputTemplate:
    name: str
    type: FieldType


@dataclass(frozen=True)
class NodeTemplate:
    type: str
    version: str
    use_cache: Any
    inputs: Mapping[str, InputTemplate] = field(default_factory=dict)
    outputs: Mapping[str, OutputTemplate] = field(default_factory=dict)


class FieldParseError(Exception):
    """The GUI cannot type this field; it leaves the field out of the template."""


# Field types the GUI holds a value for (everything else is connection-only, "stateless").
STATEFUL_TYPES: Final = frozenset(
    {
        "IntegerField", "FloatField", "StringField", "BooleanField", "EnumField", "ImageField",
        "VideoField", "BoardField", "StylePresetField", "SystemPromptField",
        "ModelIdentifierField", "LoRAField", "ColorField", "SchedulerField",
        "SavedWorkflowField", "FloatGeneratorField", "IntegerGeneratorField",
        "StringGeneratorField", "ImageGeneratorField", "LoRAMetadataField",
        "ControlNetMetadataField", "IPAdapterMetadataField", "T2IAdapterMetadataField",
        "MetadataExtraField",
    }
)  # fmt: skip

_PRIMITIVES: Final = {
    "integer": "IntegerField",
    "number": "FloatField",
    "string": "StringField",
    "boolean": "BooleanField",
}
_RESERVED_INPUTS: Final = frozenset({"id", "type", "use_cache"})
_DENYLIST: Final = frozenset({"graph", "linear_ui_output"})
_BATCH_INPUTS: Final = {
    ("float_batch", "floats"),
    ("integer_batch", "integers"),
    ("string_batch", "strings"),
    ("image_batch", "images"),
}
_BATCH_OUTPUTS: Final = {
    ("float_generator", "floats"),
    ("integer_generator", "integers"),
    ("string_generator", "strings"),
    ("image_generator", "images"),
}

# Generator fields default to a fixed generator, not to the schema's default.
_GENERATOR_DEFAULTS: Final[dict[str, dict[str, Any]]] = {
    "FloatGeneratorField": {
        "type": "float_generator_arithmetic_sequence", "start": 0, "step": 0.1, "count": 10,
    },
    "IntegerGeneratorField": {
        "type": "integer_generator_arithmetic_sequence", "start": 0, "step": 1, "count": 10,
    },
    "StringGeneratorField": {
        "type": "string_generator_parse_string", "input": "foo,bar,baz,qux", "splitOn": ",",
    },
    "ImageGeneratorField": {"type": "image_generator_images_from_board", "category": "images"},
}  # fmt: skip

# core_metadata's opaque lists: their templates never take the schema's default
_PASS_THROUGH: Final = frozenset(
    {
        "LoRAMetadataField",
        "ControlNetMetadataField",
        "IPAdapterMetadataField",
        "T2IAdapterMetadataField",
        "MetadataExtraField",
    }
)
# A template's default when the schema's is null/absent, by type name (buildFieldInputTemplate).
_TEMPLATE_FALLBACKS: Final[dict[str, Any]] = {
    "IntegerField": 0,
    "FloatField": 0,
    "StringField": "",
    "BooleanField": False,
    "BoardField": "auto",
    "ColorField": {"r": 127, "g": 127, "b": 127, "a": 255},
    "SchedulerField": "dpmpp_3m_k",
    "SavedWorkflowField": "",
}
# A new field's value when the template has no default (buildFieldInputInstance).
_INSTANCE_FALLBACKS: Final[dict[str, Any]] = {
    "EnumField": "",
    "BooleanField": False,
    "ColorField": {"r": 0, "g": 0, "b": 0, "a": 1},
    "FloatField": 0,
    "IntegerField": 0,
    "LoRAField": [],
    "SchedulerField": "dpmpp_3m_k",
    "SavedWorkflowField": "",
    "StringField": "",
}


def _is_ref(obj: Any) -> bool:
    return isinstance(obj, dict) and "$ref" in obj


def _ref_name(obj: Mapping[str, Any]) -> str:
    name = str(obj["$ref"]).split("/")[-1]
    if not name:
        raise FieldParseError("cannot extract the schema name from a $ref")
    return name


def _is_nonarray_schema(obj: Any) -> bool:
    return isinstance(obj, dict) and "$ref" not in obj and obj.get("type") != "array"


def _is_array_schema(obj: Any) -> bool:
    return isinstance(obj, dict) and "$ref" not in obj and obj.get("type") == "array"


def parse_field_type(schema: Mapping[str, Any]) -> FieldType:
    """The field type the GUI reads from one property schema (its parseFieldType)."""
    if _is_ref(schema):
        return FieldType(_ref_name(schema), SINGLE)
    if schema.get("const"):
        return FieldType("EnumField", SINGLE)
    stype = schema.get("type")
    if not stype:
        all_of = schema.get("allOf")
        any_of = schema.get("anyOf")
        if all_of:
            if _is_ref(all_of[0]):
                return FieldType(_ref_name(all_of[0]), SINGLE)
        elif any_of:
            members = [m for m in any_of if not (not _is_ref(m) and m.get("type") == "null")]
            if len(members) == 1:
                if _is_ref(members[0]):
                    return FieldType(_ref_name(members[0]), SINGLE)
                return parse_field_type(members[0])
            if len(members) != 2:
                raise FieldParseError(f"unsupported union of {len(members)} types")
            first_t: str | None = None
            second_t: str | None = None
            pair: tuple[Any, Any] | None = None
            if _is_array_schema(members[0]):
                pair = (members[0].get("items"), members[1])
            elif _is_array_schema(members[1]):
                pair = (members[0], members[1].get("items"))
            if pair is not None:
                a, b = pair
                if _is_ref(a) and _is_ref(b):
                    first_t, second_t = _ref_name(a), _ref_name(b)
                elif _is_nonarray_schema(a) and _is_nonarray_schema(b):
                    first_t, second_t = a.get("type"), b.get("type")
            if first_t and first_t == second_t:
                return FieldType(_PRIMITIVES.get(first_t, first_t), SINGLE_OR_COLLECTION)
            raise FieldParseError(f"unsupported union of {first_t} and {second_t}")
    elif schema.get("enum"):
        return FieldType("EnumField", SINGLE)
    elif stype == "array":
        items = schema.get("items")
        if isinstance(items, dict) and not _is_ref(items):
            item_type = items.get("type")
            if not isinstance(item_type, str) or item_type not in _PRIMITIVES:
                raise FieldParseError(f"unsupported array item type {item_type!r}")
            return FieldType(_PRIMITIVES[item_type], COLLECTION)
        if isinstance(items, dict):
            return FieldType(_ref_name(items), COLLECTION)
        raise FieldParseError("array without items")
    elif isinstance(stype, str):
        if stype not in _PRIMITIVES:
            raise FieldParseError(f"unsupported primitive type {stype!r}")
        return FieldType(_PRIMITIVES[stype], SINGLE)
    raise FieldParseError("unable to parse the field type")


def _enum_options(schema: Mapping[str, Any]) -> list[Any]:
    any_of = schema.get("anyOf")
    if any_of:
        members = [m for m in any_of if not (not _is_ref(m) and m.get("type") == "null")]
        if len(members) != 1 or _is_ref(members[0]):
            return []
        first = members[0]
        return [first["const"]] if first.get("const") else list(first.get("enum") or [])
    if schema.get("const"):
        return [schema["const"]]
    return list(schema.get("enum") or [])


def _nullish(value: Any) -> bool:
    return value is None or value is UNDEFINED


def _template_default(schema: Mapping[str, Any], ftype: FieldType) -> Any:
    """The template's default (buildFieldInputTemplate): the schema's, else a per-type fallback."""
    raw = schema.get("default", UNDEFINED)
    name = ftype.name
    if name not in STATEFUL_TYPES:
        return UNDEFINED
    if name in _GENERATOR_DEFAULTS:
        return dict(_GENERATOR_DEFAULTS[name])
    if name in _PASS_THROUGH:
        return UNDEFINED  # metadata pass-through lists never take the schema's default
    if name in ("IntegerField", "FloatField", "StringField", "ImageField") and (
        ftype.cardinality == COLLECTION
    ):
        if not _nullish(raw):
            return raw
        return [] if schema.get("orig_required") else UNDEFINED
    if name == "LoRAField":
        return raw if not _nullish(raw) else []
    if name == "EnumField":
        options = _enum_options(schema)
        if not options:
            raise FieldParseError("unable to extract enum options")
        return raw if not _nullish(raw) else options[0]
    if name in _TEMPLATE_FALLBACKS:
        return raw if not _nullish(raw) else _TEMPLATE_FALLBACKS[name]
    # models, images, videos, presets, metadata lists: no value unless the schema gives one
    return raw if not _nullish(raw) else UNDEFINED


def _instance_default(template_default: Any, ftype: FieldType) -> Any:
    """A new field's value (buildFieldInputInstance): note an optional int/float/string
    collection without a default ends up with the scalar fallback (0 or ""), as in the GUI."""
    if not _nullish(template_default):
        return template_default
    return _INSTANCE_FALLBACKS.get(ftype.name, UNDEFINED)


def _field_type_with_override(prop: Mapping[str, Any]) -> FieldType | None:
    try:
        original: FieldType | None = parse_field_type(prop)
    except FieldParseError:
        original = None
    ui_type = prop.get("ui_type")
    if isinstance(ui_type, str) and ui_type:
        card = COLLECTION if ui_type == "CollectionField" else SINGLE
        override = FieldType(ui_type, card)
        if ui_type in STATEFUL_TYPES and original is not None and original != override:
            return FieldType(ui_type, card, original=original)
        return override
    return original


def _with_batch(ftype: FieldType) -> FieldType:
    return FieldType(ftype.name, ftype.cardinality, True, ftype.original)


def _build_template(
    node_type: str, comp: Mapping[str, Any], components: Mapping[str, Any]
) -> NodeTemplate | None:
    props: Mapping[str, Any] = comp.get("properties") or {}
    inputs: dict[str, InputTemplate] = {}
    for name, prop in props.items():
        if name in _RESERVED_INPUTS or (node_type == "iterate" and name == "index"):
            continue
        if not isinstance(prop, dict) or "field_kind" not in prop:
            continue
        ftype = _field_type_with_override(prop)
        if ftype is None or ftype.name == "IsIntermediate":
            continue
        if (node_type, name) in _BATCH_INPUTS:
            ftype = _with_batch(ftype)
        try:
            default = _instance_default(_template_default(prop, ftype), ftype)
        except FieldParseError:
            continue  # the GUI logs "Problem building input field template" and drops the field
        kind = "connection" if ftype.name not in STATEFUL_TYPES else str(prop.get("input", "any"))
        inputs[name] = InputTemplate(name, ftype, kind, default)

    out_ref = comp.get("output")
    if not isinstance(out_ref, Mapping) or "$ref" not in out_ref:
        return None
    out_comp = components.get(_ref_name(out_ref))
    if not isinstance(out_comp, dict) or out_comp.get("class") != "output":
        return None
    outputs: dict[str, OutputTemplate] = {}
    for name, prop in (out_comp.get("properties") or {}).items():
        if name == "type" or not isinstance(prop, dict) or "field_kind" not in prop:
            continue
        ftype = _field_type_with_override(prop)
        if ftype is None:
            continue
        if (node_type, name) in _BATCH_OUTPUTS:
            ftype = _with_batch(ftype)
        outputs[name] = OutputTemplate(name, ftype)

    use_cache = (props.get("use_cache") or {}).get("default", UNDEFINED)
    return NodeTemplate(node_type, str(comp.get("version", "")), use_cache, inputs, outputs)


def build_templates(schema: SchemaIndex) -> dict[str, NodeTemplate]:
    out: dict[str, NodeTemplate] = {}
    for comp in schema.components.values():
        if not isinstance(comp, dict) or comp.get("class") != "invocation":
            continue
        props = comp.get("properties")
        type_prop = props.get("type") if isinstance(props, dict) else None  # a hostile schema's
        node_type = type_prop.get("default") if isinstance(type_prop, dict) else None
        if not isinstance(node_type, str) or node_type in _DENYLIST:
            continue
        try:
            template = _build_template(node_type, comp, schema.components)
        except (AttributeError, TypeError, KeyError, IndexError):
            continue  # a component of a shape no InvokeAI writes (a hostile schema): no template
        if template is not None:
            out[node_type] = template
    return out


_CACHE: WeakKeyDictionary[SchemaIndex, dict[str, NodeTemplate]] = WeakKeyDictionary()


def templates_for(schema: SchemaIndex) -> dict[str, NodeTemplate]:
    """The GUI's templates for ``schema`` (computed once per SchemaIndex)."""
    cached = _CACHE.get(schema)
    if cached is None:
        cached = build_templates(schema)
        _CACHE[schema] = cached
    return cached


_SEMVER = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def parse_semver(version: Any) -> tuple[int, int, int] | None:
    if not isinstance(version, str):
        return None
    m = _SEMVER.match(version)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None
