"""A generated workflow's values as data: its JSON schema, and a JSON-safe dict both ways (for
pipelines, queues and distributed engines that pass runs around). Loaded only when used."""

from __future__ import annotations

import ast
import inspect
import json
import pathlib
import textwrap
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from .pil_images import from_png_json, is_pil_image, is_png_json, pil_images_in, png_json

__all__ = ["from_dict", "json_schema", "to_dict"]

# A generated workflow class (its module, generated.py, calls these: no import back to it).
_W = TypeVar("_W")
_FILE_KINDS = ("image", "video")  # inputs whose local files upload: a path is not a server name


def json_schema(cls: type[Any]) -> dict[str, Any]:
    """The dataclass's JSON schema (names, types, bounds, choices, defaults), each property
    described by its attribute's docstring."""
    schema: dict[str, Any] = TypeAdapter(cls).json_schema()
    for name, doc in _attribute_docs(cls).items():
        prop = schema.get("properties", {}).get(name)
        if isinstance(prop, dict):
            prop.setdefault("description", doc)
    return schema


def _attribute_docs(cls: type) -> dict[str, str]:
    """Attribute docstrings, read from the class's source (Python keeps none at run time)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError, SyntaxError):
        return {}  # no source (a frozen app): the schema without descriptions
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs = {}
    for stmt, after in zip(body, body[1:]):
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            if isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
                docs[stmt.target.id] = inspect.cleandoc(after.value.value)
    return docs


def to_dict(obj: Any) -> dict[str, Any]:
    """Attribute -> a JSON value. A local file of an image or video input is ``{"path": ...}``,
    so that it comes back as a file to upload, not as the name of an image on the server; a
    PIL image is ``{"png_base64": ...}`` (lossless; ``from_dict`` opens it again)."""
    # PIL images are encoded here, not in the bulk dump: there an encoding error would be
    # lost among the union's members ("unable to serialize unknown type").
    pil = {
        s.attribute
        for s in obj.input_specs()
        if s.kind == "image" and pil_images_in([{0: getattr(obj, s.attribute)}])
    }
    data: dict[str, Any] = TypeAdapter(type(obj)).dump_python(obj, mode="json", exclude=pil)
    for spec in obj.input_specs():
        value = getattr(obj, spec.attribute)
        if spec.attribute in pil:
            data[spec.attribute] = _mark_paths(value, None)
        elif spec.kind in _FILE_KINDS:
            data[spec.attribute] = _mark_paths(value, data[spec.attribute])
    return data


def _mark_paths(value: Any, dumped: Any) -> Any:
    """``dumped``: the value's JSON form, or None to make it here."""
    if isinstance(value, pathlib.PurePath):
        return {"path": str(value)}
    if is_pil_image(value):
        return png_json(value)
    if isinstance(value, (list, tuple)):
        parts = dumped if isinstance(dumped, list) else [None] * len(value)
        return [_mark_paths(v, d) for v, d in zip(value, parts)]
    return dumped if dumped is not None else _ANY.dump_python(value, mode="json")


_ANY: TypeAdapter[Any] = TypeAdapter(Any)


def from_dict(cls: type[_W], data: Any) -> _W:
    """The instance ``to_dict`` made the dict of; validated as strictly as the constructor
    (a JSON object stands for a model; "5" is still no int)."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}.from_dict takes a dict, not {type(data).__name__}")
    plain, kept, bad = dict(data), {}, []
    for spec in cls.input_specs():  # type: ignore[attr-defined]
        if spec.kind in _FILE_KINDS and spec.attribute in plain:
            try:
                plain[spec.attribute], found = _unmark(plain[spec.attribute], (spec.attribute,))
            except PydanticCustomError as exc:  # an inline image that is not one
                context = dict(exc.context or {})  # the element's place, and the element
                loc, value = context.pop("loc"), context.pop("value")
                error = PydanticCustomError(exc.type, exc.message_template, context)
                bad.append(InitErrorDetails(type=error, loc=loc, input=value))
                continue
            if found is not None:
                kept[spec.attribute] = found
    if bad:  # as pydantic reports every other bad value
        raise ValidationError.from_exception_data(cls.__name__, bad)
    obj: _W = TypeAdapter(cls).validate_json(json.dumps(plain))
    for attribute, found in kept.items():  # validated again: as the constructor takes them
        setattr(obj, attribute, _merge(found, getattr(obj, attribute)))
    return obj


class _Validated:
    """In ``_unmark``'s second value: take what JSON validation made of this element."""


_VALIDATED = _Validated()


def _unmark(value: Any, loc: tuple[str | int, ...]) -> tuple[Any, Any]:
    """(what JSON validation is given, what the attribute is set to afterwards, or None).

    ``{"path": p}`` is a local file (a Path); ``{"png_base64": ...}`` a PIL image; a bare
    string a server image name, kept a str (JSON validation would make it a Path). A bad
    inline image raises PydanticCustomError, its context's "loc" locating it."""
    if isinstance(value, dict) and set(value) == {"path"} and isinstance(value["path"], str):
        return value["path"], pathlib.Path(value["path"])
    if is_png_json(value):
        try:
            return "<PIL image>", from_png_json(value, ".".join(map(str, loc)))
        except PydanticCustomError as exc:
            context = {**(exc.context or {}), "loc": loc, "value": value}
            raise PydanticCustomError(exc.type, exc.message_template, context) from None
    if isinstance(value, str):
        return value, value
    if isinstance(value, list):
        pairs = [_unmark(v, (*loc, i)) for i, v in enumerate(value)]
        if any(found is not None for _, found in pairs):
            kept = [_VALIDATED if found is None else found for _, found in pairs]
            return [p for p, _ in pairs], kept
    return value, None


def _merge(found: Any, validated: Any) -> Any:
    if isinstance(found, list) and isinstance(validated, (list, tuple)):
        return [v if f is _VALIDATED else f for f, v in zip(found, validated)]
    return found
