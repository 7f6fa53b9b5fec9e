"""Whether a value surely passes a node field's JSON schema: the subset of JSON Schema that
InvokeAI's field schemas use, answering False at any doubt (pure). A value rides in batch
``data`` only when this says yes, since the server does not validate ``data``."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any

from ..graph.schema_index import SchemaIndex

__all__ = ["canonical", "certainly_valid", "same"]


def canonical(v: Any) -> str:
    return json.dumps(v, sort_keys=True, separators=(",", ":"), default=str)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return canonical(a) == canonical(b)


_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "field_kind",
        "input",
        "orig_required",
        "orig_default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "format",
        "class",
    }
)


def certainly_valid(schema: SchemaIndex, prop: Mapping[str, Any], value: Any) -> bool:
    """True only when ``value`` surely passes the field's schema; any doubt answers False."""
    try:
        return _valid(schema, prop, value, 0)
    except Exception:  # an unexpected schema shape is doubt, not an error
        return False


def _valid(schema: SchemaIndex, s: Mapping[str, Any], v: Any, depth: int) -> bool:
    if depth > 16:
        return False
    rest = {k: x for k, x in s.items() if k not in _ANNOTATIONS and not k.startswith("ui_")}
    if "$ref" in rest:
        target = schema.resolve({"$ref": rest.pop("$ref")})
        if not _valid(schema, target, v, depth + 1):
            return False
    for key in ("anyOf", "oneOf"):
        if key in rest:
            branches = rest.pop(key)
            hits = sum(1 for b in branches if _valid(schema, b, v, depth + 1))
            if hits == 0 or (key == "oneOf" and hits > 1):
                return False
    if "allOf" in rest and not all(_valid(schema, b, v, depth + 1) for b in rest.pop("allOf")):
        return False
    checks: dict[str, Callable[[Any, Any], bool]] = {
        "type": _type_ok,
        "enum": lambda c, x: any(same(x, e) and type(x) is type(e) for e in c),
        "const": lambda c, x: same(x, c) and type(x) is type(c),
        "minimum": lambda c, x: _num(x) and x >= c,
        "maximum": lambda c, x: _num(x) and x <= c,
        "exclusiveMinimum": lambda c, x: _num(x) and x > c,
        "exclusiveMaximum": lambda c, x: _num(x) and x < c,
        "multipleOf": _multiple_ok,
        "minLength": lambda c, x: isinstance(x, str) and len(x) >= c,
        "maxLength": lambda c, x: isinstance(x, str) and len(x) <= c,
        "minItems": lambda c, x: isinstance(x, list) and len(x) >= c,
        "maxItems": lambda c, x: isinstance(x, list) and len(x) <= c,
        "required": lambda c, x: isinstance(x, dict) and all(k in x for k in c),
    }
    for key, constraint in rest.items():
        if key == "items":
            if not isinstance(v, list) or not all(
                _valid(schema, constraint, x, depth + 1) for x in v
            ):
                return False
        elif key == "properties":
            if not isinstance(v, dict):
                return False
            for name, sub in constraint.items():
                if name in v and not _valid(schema, sub, v[name], depth + 1):
                    return False
        elif key in checks:
            if not checks[key](constraint, v):
                return False
        else:  # pattern, additionalProperties, ...: not checked here, so not certain
            return False
    return True


def _num(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _type_ok(t: Any, x: Any) -> bool:
    types = t if isinstance(t, list) else [t]
    for name in types:
        if name == "integer" and isinstance(x, int) and not isinstance(x, bool):
            return True
        if name == "number" and _num(x):
            return True
        if name == "string" and isinstance(x, str):
            return True
        if name == "array" and isinstance(x, list):
            return True
        if name == "object" and isinstance(x, dict):
            return True
        if name == "boolean" and isinstance(x, bool):
            return True
        if name == "null" and x is None:
            return True
    return False


def _multiple_ok(m: Any, x: Any) -> bool:
    if isinstance(x, int) and not isinstance(x, bool) and isinstance(m, int):
        return bool(x % m == 0)
    if _num(x) and _num(m) and m:
        q = x / m
        return bool(q == int(q))  # exact only; a near-miss is doubt
    return False

