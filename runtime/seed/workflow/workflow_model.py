"""``WorkflowDefinition``: the seed's name for a loaded workflow, wrapping the core's ``Workflow``.

Loading, migration to the newest format and the Form walk are the core's (``parse_workflow``);
this class only offers the seed's attribute names on top. The definition is immutable: every
structure it hands out is a copy, so no caller can change what a handle will submit.
"""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

from ...errors import WorkflowError
from ...graph.schema_index import SchemaIndex
from ...graph.templates import parse_semver
from ...workflow import Workflow, parse_workflow

__all__ = ["WorkflowDefinition", "WorkflowDefinitionError"]


class WorkflowDefinitionError(WorkflowError, ValueError):
    """A workflow that cannot be read; a ValueError too, which is what the seed raised."""


class WorkflowDefinition:
    def __init__(self, workflow: Workflow, raw_data: dict[str, Any] | None = None) -> None:
        self._workflow = workflow
        self._raw = copy.deepcopy(raw_data) if raw_data is not None else None

    @classmethod
    def from_file(cls, filepath: str | pathlib.Path) -> WorkflowDefinition:
        path = pathlib.Path(filepath)
        if not path.exists():
            raise FileNotFoundError(f"Workflow file not found: {path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise WorkflowDefinitionError(path.name, None, f"invalid JSON: {exc}") from exc
        return cls.from_dict(data, source=path.name)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "<dict>") -> WorkflowDefinition:
        raw = copy.deepcopy(data)  # the seed kept a shallow copy and so shared the caller's nodes
        try:
            workflow = parse_workflow(copy.deepcopy(raw), source)
        except WorkflowDefinitionError:
            raise
        except WorkflowError as exc:
            raise WorkflowDefinitionError(exc.source, exc.element, exc.message) from exc
        return cls(workflow, raw)

    @classmethod
    def from_workflow(cls, workflow: Workflow) -> WorkflowDefinition:
        return cls(workflow)

    @property
    def workflow(self) -> Workflow:
        """The core's parsed workflow (migrated data and Form inputs)."""
        return self._workflow

    def _get(self, key: str, default: Any) -> Any:
        value = self._workflow.data.get(key)
        return copy.deepcopy(value) if value is not None else default

    @property
    def raw_data(self) -> dict[str, Any]:
        """The workflow as given, before migration (a copy)."""
        return copy.deepcopy(self._raw if self._raw is not None else self._workflow.data)

    @property
    def name(self) -> str:
        return self._workflow.name or "Untitled Workflow"

    @property
    def description(self) -> str:
        return self._workflow.description

    @property
    def author(self) -> str:
        return str(self._get("author", ""))

    @property
    def contact(self) -> str:
        return str(self._get("contact", ""))

    @property
    def notes(self) -> str:
        return str(self._get("notes", ""))

    @property
    def tags(self) -> list[str]:
        tags = self._get("tags", [])
        if isinstance(tags, str):
            return [t.strip() for t in tags.split(",") if t.strip()]
        return [str(t) for t in tags] if isinstance(tags, list) else []

    @property
    def version(self) -> str:
        """``meta.version`` as found in the file (the data itself is migrated to the newest)."""
        return self._workflow.original_version or "unknown"

    @property
    def nodes(self) -> list[dict[str, Any]]:
        nodes = self._get("nodes", [])
        return nodes if isinstance(nodes, list) else []

    @property
    def edges(self) -> list[dict[str, Any]]:
        edges = self._get("edges", [])
        return edges if isinstance(edges, list) else []

    @property
    def form(self) -> dict[str, Any]:
        form = self._get("form", {})
        return form if isinstance(form, dict) else {}

    @property
    def exposedFields(self) -> list[dict[str, Any]]:  # noqa: N802 - the seed's name
        fields = self._get("exposedFields", [])
        return fields if isinstance(fields, list) else []

    @property
    def meta(self) -> dict[str, Any]:
        meta = self._get("meta", {})
        return meta if isinstance(meta, dict) else {}

    @property
    def node_count(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.edges)

    @property
    def exposed_field_count(self) -> int:
        return len(self.exposedFields)

    def to_dict(self) -> dict[str, Any]:
        return self.raw_data

    def to_json(self, indent: int = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)

    def save(self, filepath: str | pathlib.Path) -> None:
        path = pathlib.Path(filepath)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")

    def validate_workflow(self) -> list[str]:
        """Structural problems (empty workflow, edges to missing nodes); [] when sound."""
        errors: list[str] = []
        nodes = self.nodes
        if not nodes:
            errors.append("Workflow has no nodes")
        ids = {n.get("id") for n in nodes}
        for edge in self.edges:
            for end in ("source", "target"):
                if edge.get(end) not in ids:
                    errors.append(f"Edge references unknown {end} node: {edge.get(end)}")
        return errors

    def obsolete_nodes(self, schema: SchemaIndex) -> list[str]:
        """Ids of the invocation nodes ``schema``'s server lacks, or has in a newer major
        version than the workflow saved (the GUI asks to update those before running)."""
        found: list[str] = []
        for node in self.nodes:
            data = node.get("data") or {}
            if node.get("type", "invocation") != "invocation" or not data.get("type"):
                continue  # notes and current-image nodes are the GUI's own
            template = schema.node(str(data["type"]))
            saved, current = parse_semver(data.get("version")), parse_semver(template and template.version)
            if template is None or (saved and current and saved[0] < current[0]):
                found.append(str(node.get("id")))
        return found

    def has_obsolete_nodes(self, schema: SchemaIndex | None = None) -> bool:
        """Whether ``obsolete_nodes(schema)`` finds any. Without a schema the definition knows
        no server, and answers False, as the seed always did."""
        return bool(schema is not None and self.obsolete_nodes(schema))

    def get_node_by_id(self, node_id: str) -> dict[str, Any] | None:
        return next((n for n in self.nodes if n.get("id") == node_id), None)

    def get_nodes_by_type(self, node_type: str) -> list[dict[str, Any]]:
        return [n for n in self.nodes if (n.get("data") or {}).get("type") == node_type]

    def __repr__(self) -> str:
        return (
            f"WorkflowDefinition(name={self.name!r}, version={self.version!r}, "
            f"nodes={self.node_count}, edges={self.edge_count})"
        )
