"""Comparing execution graphs the way the reference graphs are meant to be compared.

Rules (the same normalisation the shared compare script documents, written here so the suite
stands alone):
  - only ``nodes`` and ``edges`` count; the graph id and any other top-level key are ignored;
  - edges are a multiset of (source node, source field, destination node, destination field);
  - nodes are matched by their key; every key of a node is compared;
  - values compare recursively: int and float numerically (7 == 7.0), bool never equals a number,
    strings exactly, lists in order, dicts key by key (absent != null inside values);
  - on a node, an absent key equals an explicit null exactly when the schema's default for that
    node type's field is null (the server fills absent fields with the default).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_ABSENT = object()

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT / "codegen" / "schemas" / "invokeai-6.14.2.json"
LOCAL_CORPUS = REPO_ROOT / "tests" / "corpus"
SHARED_DIR = Path(__file__).parents[2].parent / "shared"


def null_default_fields(openapi: Mapping[str, Any]) -> dict[str, set[str]]:
    """node type -> the fields whose schema default is null."""
    out: dict[str, set[str]] = {}
    for comp in openapi.get("components", {}).get("schemas", {}).values():
        if not isinstance(comp, dict) or comp.get("class") != "invocation":
            continue
        props = comp.get("properties", {})
        node_type = props.get("type", {}).get("default")
        if isinstance(node_type, str):
            out[node_type] = {k for k, p in props.items() if "default" in p and p["default"] is None}
    return out


def load_null_defaults(path: Path = SCHEMA_PATH) -> dict[str, set[str]]:
    return null_default_fields(json.loads(path.read_text(encoding="utf-8")))


def values_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and bool(a == b)


def _edge_key(edge: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    return (
        edge["source"]["node_id"],
        edge["source"]["field"],
        edge["destination"]["node_id"],
        edge["destination"]["field"],
    )


def graph_differences(
    expected: Mapping[str, Any], actual: Mapping[str, Any], null_defaults: Mapping[str, set[str]]
) -> list[str]:
    """Human-readable differences; empty when the graphs are equal under the rules above."""
    diffs: list[str] = []
    en, an = expected["nodes"], actual["nodes"]
    diffs += [f"node only in expected: {k}" for k in sorted(set(en) - set(an))]
    diffs += [f"node only in actual: {k}" for k in sorted(set(an) - set(en))]
    for key in sorted(set(en) & set(an)):
        a, b = en[key], an[key]
        node_type = a.get("type")
        nullable = null_defaults.get(node_type, set()) if isinstance(node_type, str) else set()
        for field in sorted(set(a) | set(b)):
            va, vb = a.get(field, _ABSENT), b.get(field, _ABSENT)
            if va is not _ABSENT and vb is not _ABSENT:
                if values_equal(va, vb):
                    continue
            elif (vb if va is _ABSENT else va) is None and field in nullable:
                continue
            shown = ["<absent>" if v is _ABSENT else json.dumps(v)[:100] for v in (va, vb)]
            diffs.append(f"node {key} ({node_type}).{field}: expected={shown[0]} actual={shown[1]}")
    ee = Counter(_edge_key(e) for e in expected["edges"])
    ae = Counter(_edge_key(e) for e in actual["edges"])
    diffs += [f"edge only in expected: {e}" for e in sorted((ee - ae).elements())]
    diffs += [f"edge only in actual: {e}" for e in sorted((ae - ee).elements())]
    return diffs
