"""Drift between a generated module and a server (pure): each input's node type, node version
and field, as the module was generated, against the server's own schema.

A field that no longer exists, or whose type changed with the node's version, means the value
would be dropped or misread: an error naming the attribute. A version bump with the field's
type unchanged is worth a warning. The type is compared as a ``field_signature``: the parts of
the field's schema that say what values it takes (not its title, description or default)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .schema_index import SchemaIndex

__all__ = ["Expectation", "drift", "field_signature"]

# The keys of a field's JSON schema that say what values it takes.
_SHAPE_KEYS = frozenset({"type", "anyOf", "oneOf", "allOf", "$ref", "items", "enum", "const", "ui_type", "prefixItems"})


@dataclass(frozen=True)
class Expectation:
    """What one input of a generated module was generated against."""

    attribute: str
    node_type: str
    node_version: str  # "" when the schema gave none
    field: str
    signature: str  # field_signature at generation ("" when the schema lacked the field)


def _shape(schema: SchemaIndex, value: Any, depth: int = 0) -> Any:
    if depth > 16:
        return "..."
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key in sorted(value):
            if key not in _SHAPE_KEYS:
                continue
            item = value[key]
            if key == "$ref" and isinstance(item, str):
                # a component by name and by its own shape: a changed enum is a changed type
                name = item.rsplit("/", 1)[-1]
                target = schema.components.get(name)
                out[key] = [name, _shape(schema, target, depth + 1) if isinstance(target, dict) else None]
            else:
                out[key] = _shape(schema, item, depth + 1)
        return out
    if isinstance(value, list):
        return [_shape(schema, v, depth + 1) for v in value]
    return value


def field_signature(schema: SchemaIndex, node_type: str, field: str) -> str:
    """A short digest of what values a node field takes; "" when there is no such field."""
    node = schema.node(node_type)
    prop = node.inputs.get(field) if node is not None else None
    if prop is None:
        return ""
    canonical = json.dumps(_shape(schema, prop.raw), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def drift(expected: Iterable[Expectation], schema: SchemaIndex) -> tuple[list[str], list[str]]:
    """(errors, warnings) of the server's schema against what a module was generated with."""
    errors: list[str] = []
    warnings: list[str] = []
    bumped: set[tuple[str, str, str]] = set()
    for e in expected:
        node = schema.node(e.node_type)
        if node is None:
            continue  # a missing node type is refused on its own, by node (UnrunnableWorkflow)
        now = node.version or ""
        changed = f" (node {e.node_type} {e.node_version or '?'} -> {now or '?'})" if now != e.node_version else ""
        if e.field not in node.inputs:
            errors.append(f"attribute {e.attribute!r}: the server's {e.node_type} has no field {e.field!r}{changed}")
        elif e.signature and field_signature(schema, e.node_type, e.field) != e.signature:
            errors.append(f"attribute {e.attribute!r}: the type of {e.node_type}.{e.field} changed{changed}")
        elif changed:
            bumped.add((e.node_type, e.node_version, now))
    for node_type, was, now in sorted(bumped):
        warnings.append(
            f"node {node_type} is {now or '?'} on the server, {was or '?'} when the module was "
            "generated; its inputs' types are unchanged"
        )
    return errors, warnings
