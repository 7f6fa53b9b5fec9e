"""Input index maps (a workflow's Form inputs saved to a file, to notice when a new export
moves them) and the JSONPath templates of a workflow's output images (pure but for the file)."""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable, Sequence
from typing import Any

from .inputs import IvkWorkflowInput

__all__ = ["export_index_map", "jsonpath_templates", "verify_index_map"]


def export_index_map(
    path: str | os.PathLike[str], workflow_id: str | None, inputs: Iterable[IvkWorkflowInput]
) -> None:
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    data = {
        "workflow_id": workflow_id,
        "generated_at": now,
        "inputs": [
            {
                "index": inp.input_index,
                "label": inp.label,
                "field_name": inp.field_name,
                "jsonpath": inp.jsonpath,
            }
            for inp in inputs
        ],
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)


def verify_index_map(
    path: str | os.PathLike[str], inputs: Sequence[IvkWorkflowInput]
) -> dict[str, list[dict[str, Any]]]:
    """What became of each recorded input: ``unchanged`` (same index), ``moved`` (``from`` ->
    ``to``), ``missing`` (the recorded entry); and ``new`` inputs the file does not know. An
    input is the same input when it sets the same node field (its ``jsonpath``)."""
    with open(path, encoding="utf-8") as fh:
        recorded = json.load(fh)
    entries = [r for r in recorded.get("inputs") or [] if isinstance(r, dict)]
    current = {inp.jsonpath: inp for inp in inputs}
    report: dict[str, list[dict[str, Any]]] = {"unchanged": [], "moved": [], "missing": [], "new": []}
    for rec in entries:
        cur = current.get(rec.get("jsonpath", ""))
        if cur is None:
            report["missing"].append(rec)
        elif cur.input_index == rec.get("index"):
            report["unchanged"].append({"index": cur.input_index, "label": rec.get("label")})
        else:
            report["moved"].append({"from": rec.get("index"), "to": cur.input_index, "label": rec.get("label")})
    known = {r.get("jsonpath") for r in entries}
    report["new"] = [{"index": i.input_index, "label": i.label} for i in inputs if i.jsonpath not in known]
    return report


def jsonpath_templates(output_node_ids: Iterable[str]) -> list[dict[str, str]]:
    """Per output node, where its board and images show in a finished queue item. Its images
    sit under the prepared copies of the node (unknown before the run), so the paths name the
    mapping to filter by; ``map_outputs_to_images`` does that filtering."""
    return [
        {
            "node_id": node_id,
            "board_jsonpath": f"$.session.graph.nodes['{node_id}'].board.board_id",
            "prepared_mapping_jsonpath": "$.session.prepared_source_mapping",
            "results_wildcard_jsonpath": "$.session.results.*.image.image_name",
            "note": (
                "Keep the prepared ids p whose prepared_source_mapping[p] is this node_id; "
                "each one's image name is at $.session.results[p].image.image_name."
            ),
        }
        for node_id in output_node_ids
    ]
