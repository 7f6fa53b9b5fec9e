"""Defaults of inputs typed by an extension: the saved JSON value as the extension's type.

The saved value is validated by pydantic against the type, as JSON (as the server reads it).
A class's default is written as a call with one keyword a field, each value a literal:
``MyOp(op="append", times=2)`` type-checks where a dict would not, and is an instance at run
time. Nothing from the workflow becomes a name: the keywords are the type's own field names,
the values go through ``value_literal``. A value the type rejects or would change, or that
literals cannot spell, raises ValueError: the input becomes required.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from typing import Any

from .extensions import TypeExtension, import_python_type
from .pysyntax import Code, identifier, value_literal

__all__ = ["ExtValue", "ext_default"]


@dataclass(frozen=True)
class ExtValue:
    """A default that is an instance of an extension's class: the call that makes it."""

    code: Code


def ext_default(ext: TypeExtension, value: Any) -> Any:
    """The default for a saved ``value``: plain JSON for a type such as an alias of ``str``,
    an ``ExtValue`` for a pydantic model or a dataclass."""
    python_type: Any = import_python_type(ext)  # a type, or an alias such as list[int]
    # pydantic only here: the generator starts without it unless an extension has a default
    from pydantic import TypeAdapter, ValidationError

    try:
        adapter: TypeAdapter[Any] = TypeAdapter(python_type)
        made = adapter.validate_json(json.dumps(value, allow_nan=False))
        dumped = adapter.dump_python(made, mode="json")
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "value"
        raise ValueError(f"not a {ext.name} ({where}: {first.get('msg')})") from None
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{ext.python_type} cannot check it: {exc}") from None
    _check_kept(value, dumped, ext.name)
    keywords = _keywords(python_type)
    if keywords is None:
        if not _plain(made):
            raise ValueError(f"a {type(made).__name__} default cannot be written as a literal")
        return made
    assert isinstance(python_type, type)
    args: dict[str, Any] = {}
    for keyword, attr in keywords:
        held = getattr(made, attr)
        if not _plain(held):
            raise ValueError(f"{ext.name}.{attr} holds a {type(held).__name__}, which a literal cannot write")
        args[keyword] = held
    # The call written must make the same value, or the default would say one thing and do another.
    try:
        again = python_type(**args)
        same = _same(dumped, adapter.dump_python(again, mode="json"))
    except Exception as exc:  # the type's own constructor: anything it raises means no default
        raise ValueError(f"{ext.name}(...) of its fields fails: {exc}") from None
    if not same:
        raise ValueError(f"{ext.name}(...) of its fields makes another value")
    try:
        text = ", ".join(f"{identifier(k)}={value_literal(v)}" for k, v in args.items())
        return ExtValue(Code(f"{identifier(ext.name)}({text})"))
    except ValueError as exc:
        raise ValueError(f"{ext.name} cannot be written as a call: {exc}") from None


def _keywords(python_type: object) -> list[tuple[str, str]] | None:
    """(keyword, attribute) of each field the class's constructor takes; None if not a class
    with fields (pydantic model or dataclass)."""
    if not isinstance(python_type, type):
        return None
    from pydantic import BaseModel

    if issubclass(python_type, BaseModel):
        return [
            (info.alias if isinstance(info.alias, str) else name, name)
            for name, info in python_type.model_fields.items()
        ]
    if dataclasses.is_dataclass(python_type):
        return [(f.name, f.name) for f in dataclasses.fields(python_type) if f.init]
    return None


def _plain(value: Any) -> bool:
    """JSON that a literal writes and a type checker reads as the field's type (exact types:
    an enum member or a tuple is not)."""
    if value is None or type(value) in (str, int, bool):
        return True
    if type(value) is float:
        return math.isfinite(value)
    if type(value) is list:
        return all(_plain(v) for v in value)
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON: numbers by value (1 is 1.0), but a bool is not a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _check_kept(saved: Any, dumped: Any, name: str) -> None:
    """What the workflow saved must reach the node as saved; keys the type adds (its
    defaults) are allowed, keys it drops or changes are not."""
    if isinstance(saved, dict) and isinstance(dumped, dict):
        for key, was in saved.items():
            if key not in dumped:
                raise ValueError(f"{name} drops the saved key {key!r}")
            if not _same(was, dumped[key]):
                raise ValueError(f"{name} changes the saved {key!r}: {was!r:.40} becomes {dumped[key]!r:.40}")
    elif not _same(saved, dumped):
        raise ValueError(f"{name} changes the saved value: {saved!r:.40} becomes {dumped!r:.40}")
