"""The generator's own small type tree: from a ``PyType`` come the annotation written into the
module, the imports it needs, the check of a saved value (the rules the runtime's strict
validation applies, without pydantic, so that the generator starts fast) and the expression
of a default value. ``typemap`` makes them from field schemas."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ivk_runtime.graph.value_shapes import MODEL_REQUIRED

from .ext_defaults import ExtValue, ext_default
from .extensions import TypeExtension
from .pysyntax import Code, value_literal

if TYPE_CHECKING:
    from .objects import ObjectType

__all__ = ["DefaultError", "Import", "Obj", "PyType", "short_number"]

Import = tuple[str, str]  # (module, name)


class DefaultError(ValueError):
    """The saved value does not fit the input's type."""


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
        if self.obj:  # its class's own imports: objects.imports_of, once a class, not once a use
            found.add(("ivk_runtime.values", "SchemaObject"))
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
                args = ", ".join(
                    f"{k}={value_literal(v)}" for k, v in value.fields if v is not None
                )
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
    return Obj(
        t.obj.name, tuple((k, fields[k].type.to_python(v)) for k, v in value.items()), local=True
    )


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
    if any(
        isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 255 for v in parts.values()
    ):
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
        ok = {"ge": value >= bound, "le": value <= bound, "gt": value > bound, "lt": value < bound}[
            name
        ]
    if not ok:
        raise DefaultError(f"{value!r:.60} breaks {name}={short_number(bound)}")


def _is_multiple(value: int | float, bound: int | float) -> bool:
    if isinstance(value, int) and isinstance(bound, int):
        return value % bound == 0  # exact, as pydantic checks integers
    try:
        quotient = value / bound
    except OverflowError:  # a huge integer by a float
        return False
    # 0.25 by 1e-320 is infinite: no multiple, as pydantic finds too
    return math.isfinite(quotient) and math.isclose(quotient, round(quotient), abs_tol=1e-9)


def short_number(number: int | float) -> str:
    """A bound for a message: a 4,000-digit integer is said by its length."""
    text = str(number)
    return text if len(text) <= 24 else f"<an integer of {len(text.lstrip('-'))} digits>"
