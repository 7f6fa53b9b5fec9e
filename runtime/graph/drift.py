"""Drift between a generated module and a server (pure): each input's node type, node version
and field, as the module was generated, against the server's own schema.

A field that no longer exists, or whose type changed with the node's version, means the value
would be dropped or misread: an error naming the attribute. A version bump with the field's
type unchanged is worth a warning. The type is compared as a ``field_signature``: the kinds of
value the field takes (see ``_atoms``); one that takes more kinds than before is no change for
the user. Types are compared only across versions: the same version is the same node, however
a server's pydantic spells its schema."""



from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .schema_index import SchemaIndex

__all__ = ["Expectation", "drift", "field_signature"]


@dataclass(frozen=True)
class Expectation:
    """What one input of a generated module was generated against."""

    attribute: str
    node_type: str
    node_version: str  # "" when the schema gave none
    field: str
    signature: str  # field_signature at generation ("" when the schema lacked the field)


def _atoms(schema: SchemaIndex, value: Any, depth: int = 0) -> set[str]:
    """The kinds of value a field schema accepts: "integer", "ref:ImageField",
    "array[ref:ImageField]"... Null, enum members, bounds and UI hints are left out: they do
    not make the value the user set land elsewhere (a value out of an enum or bounds is
    refused by the server with its attribute named)."""
    if depth > 16 or not isinstance(value, dict):
        return set()
    found: set[str] = set()
    for key in ("anyOf", "oneOf", "allOf"):
        members = value.get(key)
        for member in members if isinstance(members, list) else []:  # a hostile schema's
            found |= _atoms(schema, member, depth + 1)
    ref = value.get("$ref")
    if isinstance(ref, str):
        found.add("ref:" + ref.rsplit("/", 1)[-1])
    kinds = value.get("type")
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        if kind == "array":
            items = _atoms(schema, value.get("items"), depth + 1) or {"any"}
            found |= {f"array[{a}]" for a in items}
        elif isinstance(kind, str) and kind != "null":
            found.add(kind)
    return found


def field_signature(schema: SchemaIndex, node_type: str, field: str) -> str:
    """What values a node field takes, as its kinds joined by "|" ("" when there is no such
    field): readable, and comparable as a set (``drift`` lets a field take more kinds)."""
    node = schema.node(node_type)
    prop = node.inputs.get(field) if node is not None else None
    if prop is None:
        return ""
    return "|".join(sorted(_atoms(schema, prop.raw))) or "any"


def _narrowed(was: str, now: str) -> list[str]:
    """The kinds the field took and takes no longer ("integer" still fits a "number")."""
    old, new = set(was.split("|")), set(now.split("|"))
    if "any" in new:
        return []
    return sorted(k for k in old - new if not (k == "integer" and "number" in new))


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
        elif changed and e.signature and (gone := _narrowed(e.signature, field_signature(schema, e.node_type, e.field))):
            # (compared only across versions: InvokeAI bumps a node's version when its fields
            # change, and one type is spelled differently by different pydantic versions)
            now_takes = field_signature(schema, e.node_type, e.field)
            errors.append(
                f"attribute {e.attribute!r}: the type of {e.node_type}.{e.field} changed{changed}: "
                f"it took {e.signature}, now {now_takes} ({', '.join(gone)} no longer)"
            )
        elif changed:
            bumped.add((e.node_type, e.node_version, now))
    for node_type, was, now in sorted(bumped):
        warnings.append(
            f"node {node_type} is {now or '?'} on the server, {was or '?'} when the module was "
            "generated; its inputs' types are unchanged"
        )
    return errors, warnings
