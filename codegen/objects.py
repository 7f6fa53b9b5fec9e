"""Schema objects (LoRAField, ControlField, IPAdapterField...) as classes of the module.

A node field whose schema is an object of known fields gets a class of its own, made from the
schema: typed fields with their bounds, their defaults and their descriptions. The classes
derive from the runtime's ``SchemaObject`` (frozen, strict, no extra keys), whose JSON is the
object the node takes. An object the generator cannot write safely (a property that is no
safe Python name, a class name the module already uses) stays ``JsonValue``.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from .naming import is_safe_class
from .pytype import DefaultError, Import, PyType

__all__ = ["ObjectField", "ObjectType", "imports_of", "object_classes", "object_type"]

_BASEMODEL_NAMES = frozenset(dir(BaseModel))


@dataclass(frozen=True)
class ObjectField:
    name: str
    type: PyType
    has_default: bool
    default: Any  # the Python value (PyType.to_python) when has_default
    doc: str


@dataclass(frozen=True)
class ObjectType:
    name: str  # the class's name: the schema component's own
    doc: str
    fields: tuple[ObjectField, ...]


def _safe_field(name: str) -> bool:
    return (
        name.isidentifier() and name.isascii() and not keyword.iskeyword(name)
        and not name.startswith(("_", "model_")) and name not in _BASEMODEL_NAMES
    )  # fmt: skip


def _safe_class(name: str, avoid: Iterable[str]) -> bool:
    # the module's own names (naming.MODULE_NAMES, SchemaObject among them) and the base's
    return name[:1].isupper() and name != "BaseModel" and is_safe_class(name, avoid)


def object_type(
    name: str,
    target: Mapping[str, Any],
    resolve: Callable[[Mapping[str, Any]], PyType],
    *,
    avoid: Iterable[str] = (),
) -> ObjectType | None:
    """The class for the object schema ``target`` (component ``name``); None when it has no
    fields, takes extra keys, or a name cannot be written safely."""
    props = target.get("properties")
    if not isinstance(props, Mapping) or not props or not _safe_class(name, avoid):
        return None
    if target.get("additionalProperties") not in (None, False):
        return None  # open objects take keys a class cannot name
    required = set(target.get("required") or ())
    fields = []
    for key, prop in props.items():
        if not isinstance(key, str) or not _safe_field(key) or not isinstance(prop, Mapping):
            return None
        t = resolve(prop)
        has_default, default = False, None
        if "default" in prop:
            try:
                default, has_default = t.to_python(prop["default"]), True
            except DefaultError:
                pass  # a schema default that does not fit: the field is set by whoever builds it
        elif key not in required and t.nullable:
            has_default = True
        if key in required and not has_default:
            t = _not_null(t)
        doc = str(prop.get("description") or prop.get("title") or "").strip()
        fields.append(ObjectField(key, t, has_default, default, doc))
    doc = str(target.get("description") or "").strip()
    return ObjectType(name, f"{name}, as InvokeAI's schema defines it." + (f"\n\n{doc}" if doc else ""), tuple(fields))


def _not_null(t: PyType) -> PyType:
    from dataclasses import replace

    return replace(t, nullable=False) if t.nullable else t


def object_classes(types: Iterable[PyType]) -> list[ObjectType]:
    """Every object type the types use, each once by name, each after the ones it uses."""
    seen: dict[str, ObjectType] = {}

    def visit(t: PyType | None) -> None:
        if t is None:
            return
        if t.obj is not None and t.obj.name not in seen:
            for f in t.obj.fields:
                visit(f.type)
            seen[t.obj.name] = t.obj
        visit(t.item)

    for t in types:
        visit(t)
    return list(seen.values())


def imports_of(types: Iterable[PyType]) -> set[Import]:
    """What a module holding these types imports: theirs, and each schema object class's
    fields' (each class once: a schema that reuses one object at every level costs its size,
    not a walk of every path through it)."""
    types = list(types)
    found: set[Import] = set().union(*(t.imports() for t in types)) if types else set()
    for obj in object_classes(types):
        for f in obj.fields:
            found |= f.type.imports()
            if f.has_default:
                found |= f.type.expression_imports(f.default)
    return found
