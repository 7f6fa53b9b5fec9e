"""Matching a workflow's model references to the models a server has (``sync_dnn_model``).

A workflow exported elsewhere names models by key, which differs between installs. The seed
re-pointed each reference to an installed model: by hash, then name, then base. Differences
here, on purpose: the key counts too (same key is the same model); a name or base match must
have the same model type (a VAE never replaces a main model); a name match the same base too
(a model of another base is never picked silently); and ``submodel_type`` is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

__all__ = [
    "ModelReference",
    "SyncResult",
    "find_model_references",
    "match_model",
    "sync_references",
]

_IDENTITY = ("key", "hash", "name", "base", "type")


@dataclass(frozen=True)
class ModelReference:
    node_id: str
    field_name: str
    value: Mapping[str, Any]  # the ModelIdentifierField JSON


@dataclass(frozen=True)
class SyncResult:
    changed: list[tuple[ModelReference, dict[str, Any]]]  # reference, the new identifier JSON
    unmatched: list[ModelReference]


def is_model_identifier(value: object) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(value, Mapping) and "key" in value and "name" in value and "base" in value


def find_model_references(workflow_data: Mapping[str, Any]) -> list[ModelReference]:
    """Every node field of the workflow whose value is a model identifier."""
    refs: list[ModelReference] = []
    for node in workflow_data.get("nodes") or []:
        data = node.get("data") or {}
        for name, field in (data.get("inputs") or {}).items():
            value = field.get("value") if isinstance(field, Mapping) else None
            if is_model_identifier(value):
                refs.append(ModelReference(str(node.get("id")), str(name), value))
    return refs


def match_model(
    ref: Mapping[str, Any], models: Sequence[Mapping[str, Any]], *, by_name: bool, by_base: bool
) -> Mapping[str, Any] | None:
    """The installed model a reference means, or None. First match wins: key, hash, name, base."""
    for attr in ("key", "hash"):
        if ref.get(attr):
            hit = next((m for m in models if m.get(attr) == ref[attr]), None)
            if hit is not None:
                return hit
    same_type = [m for m in models if m.get("type") == ref.get("type")]
    if by_name and ref.get("name"):
        # Same name AND base: an sdxl reference never moves to an sd-1 model of its name (1.1.1's
        # docs promise "compatibility"; a model of another base would fail the run or worse).
        named = sorted(
            (m for m in same_type if m.get("name") == ref["name"] and _same_base(m, ref)),
            key=lambda m: str(m.get("key")),
        )
        if named:
            return named[0]
    if by_base and ref.get("base") not in (None, "", "any"):
        based = sorted(
            (m for m in same_type if m.get("base") == ref["base"]),
            key=lambda m: (str(m.get("name")), str(m.get("key"))),
        )
        if based:
            return based[0]
    return None


def _same_base(model: Mapping[str, Any], ref: Mapping[str, Any]) -> bool:
    """One base, or a reference that names none ("any" fits every base)."""
    return ref.get("base") in (None, "", "any") or model.get("base") == ref.get("base")


def identifier_of(model: Mapping[str, Any], old: Mapping[str, Any]) -> dict[str, Any]:
    """The ModelIdentifierField JSON for an installed model, keeping the old submodel."""
    new = {k: model.get(k) for k in _IDENTITY}
    if old.get("submodel_type") is not None:
        new["submodel_type"] = old["submodel_type"]
    return new


def sync_references(
    refs: Iterable[ModelReference],
    models: Sequence[Mapping[str, Any]],
    *,
    by_name: bool = True,
    by_base: bool = False,
) -> SyncResult:
    changed: list[tuple[ModelReference, dict[str, Any]]] = []
    unmatched: list[ModelReference] = []
    for ref in refs:
        model = match_model(ref.value, models, by_name=by_name, by_base=by_base)
        if model is None:
            unmatched.append(ref)
            continue
        new = identifier_of(model, ref.value)
        if any(new.get(k) != ref.value.get(k) for k in _IDENTITY):
            changed.append((ref, new))
    return SyncResult(changed, unmatched)
