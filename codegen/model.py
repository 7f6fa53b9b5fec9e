"""The intermediate model: what a generated module says, before any text is made."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .library_source import LibrarySource
from .pytype import PyType

__all__ = ["Attribute", "ModuleModel"]


@dataclass(frozen=True)
class Attribute:
    index: int
    name: str
    node_id: str
    field_name: str
    node_type: str
    node_version: str  # the node's version in the schema generated from ("" when unknown)
    signature: str  # graph.drift.field_signature of the field there ("" when unknown)
    type: PyType
    has_default: bool
    default: Any  # the Python value (made by PyType.to_python) when has_default
    doc: str  # plain text; escaped at render time


@dataclass(frozen=True)
class ModuleModel:
    source_name: str  # the workflow file's name, never a path
    schema_label: str
    content_hash: str
    generator_version: str
    class_name: str
    class_doc: str
    module_doc: str
    workflow_json: str  # canonical JSON of the workflow as exported
    attributes: tuple[Attribute, ...]
    retired: tuple[tuple[str, str, str], ...] = ()  # (attribute, node id, field) of inputs gone
    library: LibrarySource | None = None  # where a workflow from a server's library came from
    messages: tuple[str, ...] = field(default=(), compare=False)  # warnings and renames
    rebinds: tuple[str, ...] = field(default=(), compare=False)  # attributes that change binding
