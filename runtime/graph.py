"""Turning a workflow into the graph InvokeAI runs, exactly as InvokeAI's GUI builds it.

CONTRACT (used by the client; keep these names):
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .schema_index import SchemaIndex

__all__ = ["BuiltGraph", "build_graph"]


@dataclass
class BuiltGraph:
    graph: dict[str, Any]  # {"id": ..., "nodes": {...}, "edges": [...]}
    # enqueue_batch ``data`` from batch/generator nodes; [] when the workflow has none
    batch_data: list[list[dict[str, Any]]] = field(default_factory=list)


def build_graph(
    workflow_data: dict[str, Any], schema: SchemaIndex, *, graph_id: str | None = None
) -> BuiltGraph:
    """Build the execution graph from a (migrated) workflow, as the GUI does: nodes updated
    against ``schema``, connected inputs omitted, notes/connector nodes resolved away,
    board auto/none handled with no auto-add board, use_cache/is_intermediate from each node."""
    raise NotImplementedError  # STUB: being written
