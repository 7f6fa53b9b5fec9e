"""From a field's OpenAPI schema (and the Form's settings) to a Python type.

``PyType`` is the generator's own small type tree; from it come the annotation written into
the module, the imports it needs, the runtime type a default is validated against, and the
expression of a default value.
"""

from __future__ import annotations

import math
import sys

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ivk_runtime.graph.schema_index import SchemaIndex

from ivk_runtime.graph.value_shapes import MODEL_REQUIRED

from .ext_defaults import ExtValue, ext_default
from .extensions import TypeExtension
from .objects import ObjectType, object_type
from .pysyntax import Code, value_literal

__all__ = ["MAX_CHOICES", "PyType", "TypeResolver", "DefaultError", "SchemaProblem"]

Import = tuple[str, str]  # (module, name)

_SCALARS = {"integer": "int", "number": "float", "string": "str", "boolean": "bool"}
_REF_KINDS = {"ImageField": "image", "BoardField": "board", "ModelIdentifierField": "model",
              "ColorField": "color", "VideoField": "video"}  # fmt: skip
_BOUNDS = {"minimum": "ge", "maximum": "le", "exclusiveMinimum": "gt", "exclusiveMaximum": "lt",
           "multipleOf": "multiple_of", "minLength": "min_length", "maxLength": "max_length"}  # fmt: skip
_NUMERIC = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_LENGTHS = ("minLength", "maxLength")


class DefaultError(ValueError):
    """The saved value does not fit the input's type."""


class SchemaProblem(ValueError):
    """A field schema no server makes and no module can hold (the caller names the field)."""


# More choices than this are no type a reader or a checker can use (and black takes a third of
# a millisecond a choice): such a field is typed by its values' type, and the server checks it.
MAX_CHOICES = 1000


@dataclass(frozen=True)
class PyType:
    kind: str  # int float str bool literal image video board model color json list either ext
    options: tuple[Any, ...] = ()  # literal values
    item: PyType | None = None  # list and either
    constraints: tuple[tuple[str, int | float], ...] = ()
    ext: TypeExtension | None = None
    nullable: bool = False
    models: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # a model's allowed bases, types
    obj: ObjectType | None = None  # kind "object": a class of the module
    notes: tuple[str, ...] = field(default=(), compare=False)  # for the docstring
    warnings: tuple[str, ...] = field(default=(), compare=False)  # for the user, and the docstring

    @property
    def all_warnings(self) -> tuple[str, ...]:
        return self.warnings + (self.item.all_warnings if self.item else ())

    @property
    def input_kind(self) -> str:
        """What the runtime needs to know to turn the value into JSON."""
        base = self.item if self.kind in ("list", "either") and self.item else self
        return base.kind if base.kind in ("image", "board", "video") else "value"

    # -- source -----------------------------------------------------------------------------
    def annotation(self) -> Code:
        return Code(self._annotation() + (" | None" if self.nullable else ""))

    def _annotation(self) -> str:
        simple = {"int": "int", "float": "float", "str": "str", "bool": "bool",
                  "image": "ImageValue", "board": "BoardValue", "model": "ModelRef",
                  "color": "Color", "json": "JsonValue", "video": "VideoValue",
                  "image_ref": "ImageRef"}  # fmt: skip
        if self.kind == "model" and any(self.models):
            bases, types = (("Literal[" + ", ".join(map(value_literal, v)) + "]") if v else "str"
                            for v in self.models)  # fmt: skip
            text = f"ModelRef[{bases}, {types}]"
        elif self.kind in simple:
            text = simple[self.kind]
        elif self.kind == "literal":
            text = "Literal[" + ", ".join(value_literal(o) for o in self.options) + "]"
        elif self.kind == "list":
            assert self.item
            text = f"list[{self.item.annotation()}]"
        elif self.kind == "either":
            assert self.item
            inner = self.item.annotation()
            return f"{inner} | list[{inner}]"
        elif self.kind == "ext":
            assert self.ext
            text = self.ext.name
        elif self.kind == "object":
            assert self.obj
            text = self.obj.name
        else:
            raise AssertionError(self.kind)
        if self.constraints:
            args = ", ".join(f"{k}={value_literal(v)}" for k, v in self.constraints)
            text = f"Annotated[{text}, Field({args})]"
        return text

    def imports(self) -> set[Import]:
        found: set[Import] = set()
        if self.constraints:
            found |= {("typing", "Annotated"), ("pydantic", "Field")}
        by_kind = {"literal": ("typing", "Literal"), "json": ("pydantic", "JsonValue"),
                   "image": ("ivk_runtime.values", "ImageValue"),
                   "board": ("ivk_runtime.values", "BoardValue"),
                   "model": ("ivk_runtime.values", "ModelRef"),
                   "color": ("ivk_runtime.values", "Color"),
                   "video": ("ivk_runtime.values", "VideoValue"),
                   "image_ref": ("ivk_runtime.values", "ImageRef")}  # fmt: skip
        if self.kind in by_kind:
            found.add(by_kind[self.kind])
        if self.kind == "model" and any(self.models):
            found.add(("typing", "Literal"))
        if self.ext:
            found.add((self.ext.module, self.ext.name))
        if self.item:
            found |= self.item.imports()
        if self.obj:
            found.add(("ivk_runtime.values", "SchemaObject"))
            for f in self.obj.fields:
                found |= f.type.imports()
                if f.has_default:
                    found |= f.type.expression_imports(f.default)
        return found

    # -- defaults -----------------------------------------------------------------------------
    def to_python(self, value: Any) -> Any:
        """The saved JSON value as this type's value (``Obj`` for images, models, colours);
        DefaultError when it is not one. Checked here, without pydantic, so that the
        generator starts fast; the rules are the ones the runtime's strict validation applies.
        """
        if value is None:
            if self.nullable or self.kind == "json":
                return None
            raise DefaultError("empty")
        if self.kind == "either" and self.item:
            if isinstance(value, list):
                return [self.item.to_python(v) for v in value]
            return self.item.to_python(value)
        if self.kind == "list" and self.item:
            if not isinstance(value, list):
                raise DefaultError("not a list")
            for name, bound in self.constraints:  # minItems / maxItems
                _check_bound(name, bound, value)
            return [self.item.to_python(v) for v in value]
        checked = _CHECKS[self.kind](self, value)
        for name, bound in self.constraints:
            _check_bound(name, bound, checked)
        return checked

    def expression(self, value: Any) -> Code:
        """Source for a value made by ``to_python``."""
        if isinstance(value, ExtValue):
            return value.code
        if isinstance(value, Obj):
            if value.local and self.obj:  # every field the saved value holds, None included
                types = {f.name: f.type for f in self.obj.fields}
                args = ", ".join(f"{k}={types[k].expression(v)}" for k, v in value.fields)
            else:
                args = ", ".join(f"{k}={value_literal(v)}" for k, v in value.fields if v is not None)
            return Code(f"{value.cls}({args})")
        if isinstance(value, list):
            inner = self.item if self.item else self
            return Code("[" + ", ".join(inner.expression(v) for v in value) + "]")
        return value_literal(value)

    def expression_imports(self, value: Any) -> set[Import]:
        if isinstance(value, Obj) and value.local and self.obj:
            types = {f.name: f.type for f in self.obj.fields}
            return set().union(set(), *(types[k].expression_imports(v) for k, v in value.fields))
        if isinstance(value, Obj):
            return {("ivk_runtime.values", value.cls)}
        if isinstance(value, list):
            return set().union(*(self.expression_imports(v) for v in value)) if value else set()
        return set()


@dataclass(frozen=True)
class Obj:
    """A default that is a runtime value object (ImageRef, ModelRef, Color), or an instance of
    a schema object's class of the module (``local``)."""

    cls: str
    fields: tuple[tuple[str, Any], ...]
    local: bool = False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _check_int(t: PyType, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DefaultError(f"not an integer: {value!r:.60}")
    return value


def _check_float(t: PyType, value: Any) -> Any:
    if not _is_number(value) or not math.isfinite(value):
        raise DefaultError(f"not a finite number: {value!r:.60}")
    return float(value)


def _check_type(kind: type) -> Any:
    def check(t: PyType, value: Any) -> Any:
        if not isinstance(value, kind):
            raise DefaultError(f"not a {kind.__name__}: {value!r:.60}")
        return value

    return check


def _check_literal(t: PyType, value: Any) -> Any:
    if not any(type(value) is type(o) and value == o for o in t.options):
        raise DefaultError(f"{value!r:.60} is not one of the choices")
    return value


def _check_image(t: PyType, value: Any) -> Any:
    name = value.get("image_name") if isinstance(value, dict) else None
    if not isinstance(name, str) or not name:
        raise DefaultError("no image_name")
    return Obj("ImageRef", (("image_name", name),))


def _check_video(t: PyType, value: Any) -> Any:
    name = value.get("video_name") if isinstance(value, dict) else None
    if not isinstance(name, str) or not name:
        raise DefaultError("no video_name")
    return Obj("VideoRef", (("video_name", name),))


def _check_object(t: PyType, value: Any) -> Any:
    assert t.obj
    if not isinstance(value, dict):
        raise DefaultError(f"not a {t.obj.name}")
    fields = {f.name: f for f in t.obj.fields}
    extra = sorted(str(k) for k in value if k not in fields)
    if extra:
        raise DefaultError(f"{t.obj.name} has no field {extra[0]!r:.40}")
    missing = [f.name for f in t.obj.fields if f.name not in value and not f.has_default]
    if missing:
        raise DefaultError(f"{t.obj.name} without {', '.join(missing)}")
    return Obj(t.obj.name, tuple((k, fields[k].type.to_python(v)) for k, v in value.items()), local=True)


def _check_board(t: PyType, value: Any) -> Any:
    board = value.get("board_id") if isinstance(value, dict) else value
    if not isinstance(board, str) or not board:
        raise DefaultError("not a board")
    return board


def _check_model(t: PyType, value: Any) -> Any:
    if not isinstance(value, dict):
        raise DefaultError("not a model")
    missing = [k for k in MODEL_REQUIRED if not isinstance(value.get(k), str)]
    if missing:
        raise DefaultError(f"model reference without {', '.join(missing)}")
    sub = value.get("submodel_type")
    if sub is not None and not isinstance(sub, str):
        raise DefaultError("submodel_type is not a string")
    for key, allowed in zip(("base", "type"), t.models):
        if allowed and value[key] not in allowed:
            raise DefaultError(f"a model of {key} {value[key]!r:.40}, not {' or '.join(allowed)}")
    return Obj("ModelRef", tuple((k, value.get(k)) for k in MODEL_REQUIRED + ("submodel_type",)))


def _check_color(t: PyType, value: Any) -> Any:
    if not isinstance(value, dict):
        raise DefaultError("not a colour")
    parts = {k: value.get(k, 255 if k == "a" else None) for k in "rgba"}
    if any(isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 255 for v in parts.values()):
        raise DefaultError("colour components must be integers 0-255")
    return Obj("Color", tuple(parts.items()))


def _check_ext(t: PyType, value: Any) -> Any:
    """An instance of the extension's type (an ``ExtValue`` call), or plain JSON for an alias."""
    assert t.ext
    try:
        return ext_default(t.ext, value)
    except ValueError as exc:
        raise DefaultError(str(exc)) from None


_CHECKS: dict[str, Any] = {
    "int": _check_int, "float": _check_float, "str": _check_type(str), "bool": _check_type(bool),
    "literal": _check_literal, "image": _check_image, "board": _check_board, "model": _check_model,
    "color": _check_color, "json": lambda t, v: v, "ext": _check_ext, "video": _check_video,
    "object": _check_object, "image_ref": _check_image,
}  # fmt: skip



def _check_bound(name: str, bound: int | float, value: Any) -> None:
    if name in ("min_length", "max_length"):
        size = len(value)
        ok = size >= bound if name == "min_length" else size <= bound
    elif name == "multiple_of":
        ok = bound == 0 or _is_multiple(value, bound)
    else:
        ok = {"ge": value >= bound, "le": value <= bound, "gt": value > bound, "lt": value < bound}[name]
    if not ok:
        raise DefaultError(f"{value!r:.60} breaks {name}={_short(bound)}")


def _is_multiple(value: int | float, bound: int | float) -> bool:
    if isinstance(value, int) and isinstance(bound, int):
        return value % bound == 0  # exact, as pydantic checks integers
    try:
        quotient = value / bound
    except OverflowError:  # a huge integer by a float
        return False
    # 0.25 by 1e-320 is infinite: no multiple, as pydantic finds too
    return math.isfinite(quotient) and math.isclose(quotient, round(quotient), abs_tol=1e-9)


def _short(number: int | float) -> str:
    """A bound for a message: a 4,000-digit integer is said by its length."""
    text = str(number)
    return text if len(text) <= 24 else f"<an integer of {len(text.lstrip('-'))} digits>"


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

    def _object(self, ref: str, target: Mapping[str, Any], depth: int) -> PyType:
        if ref in self._objects:
            return self._objects[ref]
        if ref in self._building or target.get("type") != "object":
            return PyType("json")  # a schema that refers back to itself ends in JSON
        self._building.add(ref)
        try:
            found = object_type(
                ref, target, lambda p: _with_model_filters(self._resolve(p, depth + 1, nested=True), p),
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
            types = [_with_union_bounds(self._resolve(m, depth + 1, nested=nested), prop) for m in rest]
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
            item = self._resolve(items, depth + 1, nested=nested) if isinstance(items, dict) else PyType("json")
            sizes = tuple(
                (name, prop[key]) for key, name in (("minItems", "min_length"), ("maxItems", "max_length"))
                if isinstance(prop.get(key), int) and not isinstance(prop.get(key), bool)
            )  # fmt: skip
            return PyType("list", item=item, constraints=sizes)
        if isinstance(kind, str) and kind in _SCALARS:
            # a bound that fits the type only: a number's for numbers, a length's for strings
            fits = _LENGTHS if kind == "string" else _NUMERIC if kind in ("integer", "number") else ()
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
            raise SchemaProblem(f"its bound {name}={_short(bound)} {problem}")
    if t.item is not None:
        _check_bounds(t.item)


def _apply_settings(t: PyType, settings: Mapping[str, Any] | None) -> PyType:
    """The Form's own limits: number min/max, and a string dropdown's options."""
    if not settings:
        return t
    if settings.get("component") == "dropdown" and t.kind == "str":
        options = [o.get("value") for o in settings.get("options") or [] if isinstance(o, dict)]
        values = [v for v in options if isinstance(v, str)]
        choices = tuple(dict.fromkeys(values))
        if len(choices) > MAX_CHOICES or not all(map(_is_text, choices)):
            why = (f"its dropdown offers {len(choices)} choices, too many for a Literal (over {MAX_CHOICES})"
                   if len(choices) > MAX_CHOICES else "a choice of its dropdown holds a lone surrogate")
            return replace(t, warnings=t.warnings + (f"{why}: typed str, as the server takes any string",))
        if choices:
            return replace(t, kind="literal", options=choices, constraints=())
        return t
    if t.kind not in ("int", "float"):
        return t
    bounds = dict(t.constraints)
    lo, hi = settings.get("min"), settings.get("max")
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
        raise SchemaProblem(f"the model filter {bad!r:.60} holds a lone surrogate, which is not text")
    return found


def _with_model_filters(t: PyType, prop: Mapping[str, Any]) -> PyType:
    """The schema's ``ui_model_base``/``ui_model_type`` as the model's type parameters (also
    for a list of models); a filter the schema leaves out allows any."""
    models = (_filter_values(prop.get("ui_model_base")), _filter_values(prop.get("ui_model_type")))
    if any(len(m) > MAX_CHOICES for m in models):  # as for an enum: no Literal of them
        many = [f"{len(m)} model {w}s" for m, w in zip(models, ("base", "type")) if len(m) > MAX_CHOICES]
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


