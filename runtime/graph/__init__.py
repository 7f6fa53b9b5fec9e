"""From a loaded workflow and the server's schema to the graph InvokeAI's GUI enqueues (pure):
node templates from the OpenAPI schema (``schema_index``, ``templates``), saved field values
(``field_values``), old nodes updated (``node_update``), the edges the GUI drops
(``edge_validation``, ``field_types``), the editor's state (``editor_state``), connectors,
batch and generator nodes, and the graph itself (``build``). Imports ``workflow`` and
``errors`` only."""

from __future__ import annotations

from .build import BuiltGraph, build_graph
from .schema_index import SchemaIndex

__all__ = ["BuiltGraph", "SchemaIndex", "build_graph"]
