"""The workflow as the GUI attaches it to an enqueued batch (``buildWorkflowFast``), so that
saved images reopen in the workflow editor (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["attachable_workflow"]

_WORKFLOW_STRINGS = ("name", "author", "description", "version", "contact", "tags", "notes")
_NODE_KEYS = ("id", "type", "data", "position")


def attachable_workflow(data: Mapping[str, Any]) -> dict[str, Any]:
    """The workflow as the GUI attaches it to a batch (``buildWorkflowFast``), so saved images
    reopen in the workflow editor: the workflow keys only, no ``id``, nodes trimmed to what the
    editor keeps, and the strings the server's ``WorkflowWithoutID`` requires present."""
    out: dict[str, Any] = {}
    for key in _WORKFLOW_STRINGS:
        value = data.get(key)
        out[key] = value if isinstance(value, str) else ""
    exposed = data.get("exposedFields")
    out["exposedFields"] = exposed if isinstance(exposed, list) else []
    meta = data.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta.setdefault("version", "3.0.0")
    meta.setdefault("category", "user")
    out["meta"] = meta
    out["nodes"] = [
        {k: n[k] for k in _NODE_KEYS if k in n}
        for n in data.get("nodes") or []
        if isinstance(n, dict)
    ]
    out["edges"] = [e for e in data.get("edges") or [] if isinstance(e, dict)]
    if isinstance(data.get("form"), dict):
        out["form"] = data["form"]
    return out

