"""A generated workflow's values as data: its JSON schema, and a JSON-safe dict both ways (for
pipelines, queues and distributed engines that pass runs around). Loaded only when used."""

from __future__ import annotations

import ast
import inspect
import json
import pathlib
import textwrap
from typing import Any, TypeVar

from pydantic import TypeAdapter

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
    so that it comes back as a file to upload, not as the name of an image on the server."""
    data: dict[str, Any] = TypeAdapter(type(obj)).dump_python(obj, mode="json")
    for spec in obj.input_specs():
        if spec.kind in _FILE_KINDS:
            data[spec.attribute] = _mark_paths(getattr(obj, spec.attribute), data[spec.attribute])
    return data


def _mark_paths(value: Any, dumped: Any) -> Any:
    if isinstance(value, pathlib.PurePath):
        return {"path": str(value)}
    if isinstance(value, (list, tuple)) and isinstance(dumped, list):
        return [_mark_paths(v, d) for v, d in zip(value, dumped)]
    return dumped


def from_dict(cls: type[_W], data: Any) -> _W:
    """The instance ``to_dict`` made the dict of; validated as strictly as the constructor
    (a JSON object stands for a model; "5" is still no int)."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}.from_dict takes a dict, not {type(data).__name__}")
    plain, paths = dict(data), {}
    for spec in cls.input_specs():  # type: ignore[attr-defined]
        if spec.kind in _FILE_KINDS and spec.attribute in plain:
            plain[spec.attribute], found = _unmark_paths(plain[spec.attribute])
            if found:
                paths[spec.attribute] = found
    obj: _W = TypeAdapter(cls).validate_json(json.dumps(plain))
    for attribute, value in paths.items():
        setattr(obj, attribute, value)  # validated again: a Path is what the type takes
    return obj


def _unmark_paths(value: Any) -> tuple[Any, Any]:
    """(the value with each {"path": p} as the string p, the value with those as Paths, or None
    when it holds no path)."""
    if isinstance(value, dict) and set(value) == {"path"} and isinstance(value["path"], str):
        return value["path"], pathlib.Path(value["path"])
    if isinstance(value, list):
        pairs = [_unmark_paths(v) for v in value]
        if any(found is not None for _, found in pairs):
            return [p for p, _ in pairs], [found if found is not None else v for (_, found), v in zip(pairs, value)]
    return value, None
