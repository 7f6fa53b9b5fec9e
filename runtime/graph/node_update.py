"""Updating old nodes against the schema, as the GUI does when it loads a workflow.

A node whose version differs from its template's is rebuilt: a fresh node of the type is merged
under it (missing inputs and missing values take the template's defaults, deeply), inputs the
template no longer has are dropped. Only a node with the template's major version can be updated;
any other is left exactly as saved (the GUI warns and keeps it).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from .templates import UNDEFINED, NodeTemplate, parse_semver
from ..workflow.jsoncopy import json_copy

__all__ = ["connected_input_names", "needs_update", "update_node"]

# pydantic ``extra='allow'`` nodes whose undeclared inputs must survive an update
NODES_ACCEPTING_EXTRA_INPUTS = frozenset({"core_metadata"})


def needs_update(data: Mapping[str, Any], template: NodeTemplate) -> bool:
    return data.get("type") != template.type or data.get("version") != template.version


def _may_update(data: Mapping[str, Any], template: NodeTemplate) -> bool:
    if not needs_update(data, template) or data.get("type") != template.type:
        return False
    node_v = parse_semver(data.get("version"))
    tmpl_v = parse_semver(template.version)
    # semver range "^<template major>": same major, and for major 0 the GUI's range is ">=0.0.0 <1"
    return node_v is not None and tmpl_v is not None and node_v[0] == tmpl_v[0]


def connected_input_names(node_id: Any, edges: list[Mapping[str, Any]]) -> set[str]:
    return {
        str(e["targetHandle"])
        for e in edges
        if e.get("type") == "default" and e.get("target") == node_id and e.get("targetHandle")
    }


def _defaults_deep(target: dict[str, Any], source: Mapping[str, Any]) -> None:
    """Fill ``target`` from ``source`` where it has nothing (es-toolkit's compat defaultsDeep)."""
    for key, src in source.items():
        if src is UNDEFINED:
            continue  # assigning undefined leaves the key absent once serialised
        if key not in target:
            target[key] = copy.deepcopy(src)
            continue
        _merge_existing(target[key], src)


def _merge_existing(tgt: Any, src: Any) -> None:
    if isinstance(tgt, dict) and isinstance(src, Mapping):
        _defaults_deep(tgt, src)
    elif isinstance(tgt, list) and isinstance(src, list):
        shared = min(len(tgt), len(src))
        for i in range(shared):
            if isinstance(tgt[i], dict) and isinstance(src[i], Mapping):
                _defaults_deep(tgt[i], src[i])
        tgt.extend(copy.deepcopy(src[shared:]))  # a longer default list lends its extra items


def _fresh_inputs(template: NodeTemplate) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    for name, field in template.inputs.items():
        instance: dict[str, Any] = {"name": name, "label": "", "description": ""}
        if field.default is not UNDEFINED:
            instance["value"] = copy.deepcopy(field.default)
        inputs[name] = instance
    return inputs


def _migrate_image_collection(data: dict[str, Any], source_version: Any, connected: set[str]) -> None:
    """image_collection < 1.0.2 held its images in ``collection``; they move to ``images``."""
    if data.get("type") != "image_collection":
        return
    v = parse_semver(source_version)
    if v is not None and v >= (1, 0, 2):
        return
    inputs = data.get("inputs") or {}
    collection, images = inputs.get("collection"), inputs.get("images")
    if not isinstance(collection, dict) or not isinstance(images, dict):
        return
    if not isinstance(collection.get("value"), list):
        return
    if isinstance(images.get("value"), list) and images["value"]:
        return
    if "collection" in connected:
        return
    images["value"] = collection["value"]
    collection["value"] = []


def update_node(
    node: Mapping[str, Any], template: NodeTemplate, connected: set[str]
) -> dict[str, Any] | None:
    """The updated node (a new object), or None when the GUI cannot update it."""
    data = node.get("data")
    if not isinstance(data, Mapping) or not _may_update(data, template):
        return None
    clone: dict[str, Any] = json_copy(dict(node))
    cdata: dict[str, Any] = clone["data"]
    source_version = cdata.get("version")
    cdata["version"] = template.version
    fresh = {
        "type": template.type,
        "version": template.version,
        "label": "",
        "notes": "",
        "isOpen": True,
        "isIntermediate": template.type != "save_image",
        "useCache": template.use_cache,
        "inputs": _fresh_inputs(template),
        "dynamicInputTemplates": {},
    }
    if not isinstance(cdata.get("inputs"), dict):
        cdata.pop("inputs", None)
    _defaults_deep(cdata, fresh)
    _migrate_image_collection(cdata, source_version, connected)
    inputs: dict[str, Any] = cdata["inputs"]
    kept = {name: inputs[name] for name in template.inputs if name in inputs}
    if template.type in NODES_ACCEPTING_EXTRA_INPUTS:
        kept.update({k: v for k, v in inputs.items() if k not in template.inputs})
    cdata["inputs"] = kept
    return clone
