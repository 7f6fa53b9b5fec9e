"""From a field's OpenAPI schema (and the Form's settings) to a ``PyType``."""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ivk_runtime.graph.schema_index import SchemaIndex

from .extensions import TypeExtension
from .objects import object_type
from .pytype import DefaultError, PyType, short_number

__all__ = [
    "MAX_CHOICES",
    "DefaultError",
    "PyType",
    "SchemaProblem",
    "TypeResolver",
    "infer_from_value",
]


_SCALARS = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}
_REF_KINDS = {"ImageField": "image", "BoardField": "board", "ModelIdentifierField": "model",
              "ColorField": "color", "VideoField": "video"}  # fmt: skip
_BOUNDS = {"minimum": "ge", "maximum": "le", "exclusiveMinimum": "gt", "exclusiveMaximum": "lt",
           "multipleOf": "multiple_of", "minLength": "min_length", "maxLength": "max_length"}  # fmt: skip
_NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_LENGTHS = ("minLength", "maxLength")


class SchemaProblem(ValueError):
    """A field schema no server makes and no module can hold (the caller names the field)."""


# More choices than this are no type a reader or a checker can use (and black takes a third of
# a millisecond a choice): such a field is typed by its values' type, and the server checks it.
MAX_CHOICES = 1000


@dataclass
class TypeResolver:
    """Resolves field schemas against one OpenAPI schema and the registered extensions."""

    schema: SchemaIndex
    extensions: Sequence[TypeExtension] = ()
    # one class per schema object, made once: a field that refers back gets the same class
    _objects: dict[str, PyType] = field(default_factory=dict, init=False, repr=False)
    _building: set[str] = field(default_factory=set, init=False, repr=False)

    def resolve(self, prop: Mapping[str, Any], settings: Mapping[str, Any] | None) -> PyType:
        """SchemaProblem when the field's schema cannot be typed at all."""
        t = self._resolve(prop)
        _check_bounds(t)  # the schema's bounds only: the Form's are the GUI's
        if t.kind == "board":  # "none" is the uncategorized board; null is not a GUI value
            t = replace(t, nullable=False)
        t = _apply_settings(t, settings)
        t = _with_model_filters(t, prop)
        notes = list(t.notes) + list(t.all_warnings) + _model_notes(prop)
        return replace(t, notes=tuple(notes))

    def _extension(self, prop: Mapping[str, Any]) -> TypeExtension | None:
        ref = prop.get("$ref")
        ref_name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
        ui_type = prop.get("ui_type")
        for ext in self.extensions:
            if (ext.ref and ext.ref == ref_name) or (ext.ui_type and ext.ui_type == ui_type):
                return ext
        return None

    def _field_of_object(self, prop: Mapping[str, Any], depth: int) -> PyType:
        """A schema object's field, checked as an input's is (a class with a bound pydantic
        cannot hold would fail on import)."""
        t = _with_model_filters(self._resolve(prop, depth + 1, nested=True), prop)
        _check_bounds(t)
        return t

    def _object(self, ref: str, target: Mapping[str, Any], depth: int) -> PyType:
        if ref in self._objects:
            return self._objects[ref]
        if ref in self._building or target.get("type") != "object":
            return PyType("json")  # a schema that refers back to itself ends in JSON
        self._building.add(ref)
        try:
            found = object_type(
                ref,
                target,
                lambda p: self._field_of_object(p, depth),
                avoid=[e.name for e in self.extensions],
            )
        finally:
            self._building.discard(ref)
        t = PyType("object", obj=found) if found else PyType("json")
        self._objects[ref] = t
        return t

    def _resolve(self, prop: Mapping[str, Any], depth: int = 0, *, nested: bool = False) -> PyType:
        if depth > 8:
            return PyType("json")
        ext = self._extension(prop)
        if ext:
            return PyType("ext", ext=ext, notes=(ext.description,) if ext.description else ())
        if "anyOf" in prop or "oneOf" in prop:
            members = prop.get("anyOf") or prop.get("oneOf") or []
            if not isinstance(members, list):
                raise SchemaProblem(f"its {'anyOf' if 'anyOf' in prop else 'oneOf'} is not a list")
            nullable = any(isinstance(m, dict) and m.get("type") == "null" for m in members)
            rest = [m for m in members if isinstance(m, dict) and m.get("type") != "null"]
            # the extension may be named on the non-null member
            for m in rest:
                if self._extension(m):
                    return replace(self._resolve(m, depth + 1, nested=nested), nullable=nullable)
            types = [
                _with_union_bounds(self._resolve(m, depth + 1, nested=nested), prop) for m in rest
            ]
            if len(types) == 1:
                return replace(types[0], nullable=nullable or types[0].nullable)
            if len(types) == 2:
                one, many = sorted(types, key=lambda t: t.kind == "list")
                if many.kind == "list" and many.item == one:
                    return PyType("either", item=one, nullable=nullable)
            return PyType("json", nullable=nullable)
        if "$ref" in prop:
            ref = str(prop["$ref"]).rsplit("/", 1)[-1]
            if ref in _REF_KINDS:
                ref_kind = _REF_KINDS[ref]
                if nested and ref_kind not in ("model", "color"):  # no upload inside objects
                    return PyType("image_ref") if ref_kind == "image" else PyType("json")
                return PyType(ref_kind)
            target = self.schema.resolve(dict(prop))
            if "enum" in target:
                return _literal(target["enum"])
            return self._object(ref, target, depth)
        if "const" in prop:
            return _literal([prop["const"]])
        if "enum" in prop:
            return _literal(prop["enum"])
        kind = prop.get("type")
        if kind == "array":
            items = prop.get("items")
            item = (
                self._resolve(items, depth + 1, nested=nested)
                if isinstance(items, dict)
                else PyType("json")
            )
            sizes = tuple(
                (name, prop[key]) for key, name in (("minItems", "min_length"), ("maxItems", "max_length"))
                if isinstance(prop.get(key), int) and not isinstance(prop.get(key), bool)
            )  # fmt: skip
            return PyType("list", item=item, constraints=sizes)
        if isinstance(kind, str) and kind in _SCALARS:
            # a bound that fits the type only: a number's for numbers, a length's for strings
            fits = (
                _LENGTHS if kind == "string" else _NUMERIC if kind in ("integer", "number") else ()
            )
            bounds = tuple(
                (name, prop[key]) for key, name in _BOUNDS.items()
                if key in fits and isinstance(prop.get(key), (int, float)) and not isinstance(prop.get(key), bool)
            )  # fmt: skip
            return PyType(_SCALARS[kind], constraints=bounds)
        return PyType("json")


# pydantic writes a union field's bounds beside the anyOf in its own spelling (a JSON schema
# "minimum" cannot sit on a union): `"anyOf": [number, array of number], "ge": -1, "le": 2`.
_UNION_BOUNDS = ("gt", "ge", "lt", "le", "multiple_of")


def _with_union_bounds(t: PyType, prop: Mapping[str, Any]) -> PyType:
    """A union's bounds on its number members, and on the items of its list of numbers."""
    bounds = tuple(
        (k, prop[k]) for k in _UNION_BOUNDS
        if isinstance(prop.get(k), (int, float)) and not isinstance(prop.get(k), bool)
    )  # fmt: skip
    if not bounds:
        return t
    if t.kind in ("int", "float"):
        known = dict(t.constraints)
        return replace(t, constraints=t.constraints + tuple(b for b in bounds if b[0] not in known))
    if t.kind == "list" and t.item is not None and t.item.kind in ("int", "float"):
        return replace(t, item=_with_union_bounds(t.item, prop))
    return t


def _literal(values: Any) -> PyType:
    if not isinstance(values, list):  # a string would be taken letter by letter
        shown = {dict: "an object", str: "a string", bool: "a boolean", type(None): "null"}
        raise SchemaProblem(f"its enum is {shown.get(type(values), 'a number')}, not a list")
    # keyed by type too: a dict would merge True with 1
    keyed = dict.fromkeys((type(v), v) for v in values if isinstance(v, (str, int, bool)))
    unique = tuple(v for _, v in keyed)
    if not unique:
        return PyType("json")
    if len(unique) > MAX_CHOICES:
        kinds = {type(v) for v in unique}
        kind = "str" if kinds == {str} else "int" if kinds == {int} else "json"
        return PyType(kind, warnings=(
            f"one of {len(unique)} choices, too many for a Literal (over {MAX_CHOICES}): typed "
            f"{kind}; the server checks the choice when the run is enqueued",))  # fmt: skip
    bad = next((v for v in unique if isinstance(v, str) and not _is_text(v)), None)
    if bad is not None:  # pydantic (the server's too) cannot build a Literal holding it
        raise SchemaProblem(f"the choice {bad!r:.60} holds a lone surrogate, which is not text")
    return PyType("literal", options=unique)


def _is_text(value: str) -> bool:
    """No lone surrogate: "\\ud800" is JSON, but no UTF-8, and pydantic refuses it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_bounds(t: PyType) -> None:
    """Bounds pydantic can hold (the server's pydantic too), or the module would not import: a
    length fits an unsigned 64-bit size, a multiple is above 0, a float's bound is within a
    float's range and an integer's is an integer."""
    for name, bound in t.constraints:
        if name in ("min_length", "max_length"):
            ok, problem = isinstance(bound, int) and 0 <= bound < 2**64, "is not a size"
        elif name == "multiple_of" and not bound > 0:
            ok, problem = False, "is not above 0"
        elif t.kind == "float":
            ok = not isinstance(bound, int) or abs(bound) <= sys.float_info.max
            problem = "is beyond a float's range"
        elif t.kind == "int":
            ok = isinstance(bound, int) or (bound.is_integer() and abs(bound) < 2**63)
            problem = "is not an integer"
        else:
            ok, problem = True, ""
        if not ok:
            raise SchemaProblem(f"its bound {name}={short_number(bound)} {problem}")
    if t.item is not None:
        _check_bounds(t.item)


def _form_bound(value: Any, kind: str) -> Any:
    """A Form's min/max, or None when no float holds it (a 400-digit integer on a float input:
    pydantic could not build the module's validator); the GUI's own number is a float too."""
    if kind == "float" and isinstance(value, int) and not isinstance(value, bool) and abs(value) > sys.float_info.max:
        return None
    return value


def _apply_settings(t: PyType, settings: Mapping[str, Any] | None) -> PyType:
    """The Form's own limits: number min/max, and a string dropdown's options."""
    if not settings:
        return t
    if settings.get("component") == "dropdown" and t.kind == "str":
        options = [o.get("value") for o in settings.get("options") or [] if isinstance(o, dict)]
        values = [v for v in options if isinstance(v, str)]
        choices = tuple(dict.fromkeys(values))
        if len(choices) > MAX_CHOICES or not all(map(_is_text, choices)):
            why = (
                f"its dropdown offers {len(choices)} choices, too many for a Literal (over {MAX_CHOICES})"
                if len(choices) > MAX_CHOICES
                else "a choice of its dropdown holds a lone surrogate"
            )
            return replace(
                t, warnings=t.warnings + (f"{why}: typed str, as the server takes any string",)
            )
        if choices:
            return replace(t, kind="literal", options=choices, constraints=())
        return t
    if t.kind not in ("int", "float"):
        return t
    bounds = dict(t.constraints)
    lo, hi = (_form_bound(settings.get(k), t.kind) for k in ("min", "max"))
    number = (int, float)
    if isinstance(lo, number) and not isinstance(lo, bool):
        lo = math.ceil(lo) if t.kind == "int" else lo
        bounds["ge"] = max(lo, bounds["ge"]) if "ge" in bounds else lo
    if isinstance(hi, number) and not isinstance(hi, bool):
        hi = math.floor(hi) if t.kind == "int" else hi
        bounds["le"] = min(hi, bounds["le"]) if "le" in bounds else hi
    if "ge" in bounds and "le" in bounds and bounds["ge"] > bounds["le"]:
        return t  # contradictory settings: the schema's bounds alone
    order = ["ge", "gt", "le", "lt", "multiple_of", "min_length", "max_length"]
    return replace(t, constraints=tuple((k, bounds[k]) for k in order if k in bounds))


def _filter_values(value: Any) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    found = tuple(dict.fromkeys(v for v in values if isinstance(v, str) and v))
    bad = next((v for v in found if not _is_text(v)), None)
    if bad is not None:  # no Literal can hold it, as for an enum's choice
        raise SchemaProblem(
            f"the model filter {bad!r:.60} holds a lone surrogate, which is not text"
        )
    return found


def _with_model_filters(t: PyType, prop: Mapping[str, Any]) -> PyType:
    """The schema's ``ui_model_base``/``ui_model_type`` as the model's type parameters (also
    for a list of models); a filter the schema leaves out allows any."""
    models = (_filter_values(prop.get("ui_model_base")), _filter_values(prop.get("ui_model_type")))
    if any(len(m) > MAX_CHOICES for m in models):  # as for an enum: no Literal of them
        many = [
            f"{len(m)} model {w}s" for m, w in zip(models, ("base", "type")) if len(m) > MAX_CHOICES
        ]
        warning = f"its schema allows {' and '.join(many)}, too many for a Literal (over {MAX_CHOICES}): typed str"
        t = replace(t, warnings=t.warnings + (warning,))
        models = (models[0] if len(models[0]) <= MAX_CHOICES else (),
                  models[1] if len(models[1]) <= MAX_CHOICES else ())  # fmt: skip
    if not any(models):
        return t
    if t.kind == "model":
        return replace(t, models=models)
    if t.kind in ("list", "either") and t.item is not None and t.item.kind == "model":
        return replace(t, item=replace(t.item, models=models))
    return t


def _model_notes(prop: Mapping[str, Any]) -> list[str]:
    notes = []
    for key, label in (("ui_model_base", "base"), ("ui_model_type", "type"),
                       ("ui_model_variant", "variant"), ("ui_model_format", "format")):  # fmt: skip
        value = prop.get(key)
        if isinstance(value, list) and len(value) > MAX_CHOICES:
            notes.append(f"model {label}: one of {len(value)}")
        elif isinstance(value, list) and value:
            notes.append(f"model {label}: {', '.join(str(v) for v in value)}")
        elif isinstance(value, str):
            notes.append(f"model {label}: {value}")
    return notes


def infer_from_value(value: Any) -> PyType:
    """A type for an input the schema does not know, from the value the workflow saved."""
    if isinstance(value, bool):
        return PyType("bool")
    if isinstance(value, int):
        return PyType("int")
    if isinstance(value, float):
        return PyType("float")
    if isinstance(value, str):
        return PyType("str")
    if isinstance(value, dict) and set(value) == {"image_name"}:
        return PyType("image", nullable=True)
    if isinstance(value, dict) and set(value) == {"video_name"}:
        return PyType("video", nullable=True)
    return PyType("json", nullable=value is None)
