"""``WorkflowDefinition``: the seed's pydantic model of a workflow export, over the core's
``Workflow``.

The fields hold the workflow as given (1.1.1's model: build one with ``name=``, ``nodes=``...,
or load one with ``from_file`` / ``from_dict``; extra keys such as ``id`` are kept). Loading,
migration to the newest format and the Form walk are the core's (``parse_workflow``):
``workflow`` is the parsed, migrated workflow of the current fields, parsed again after an
edit. A handle takes that workflow when made, so later edits never change what it submits.
"""

from __future__ import annotations

import copy
import json
import pathlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from ...errors import WorkflowError
from ...graph.schema_index import SchemaIndex
from ...graph.templates import parse_semver
from ...workflow import Workflow, parse_workflow

__all__ = ["WorkflowDefinition", "WorkflowDefinitionError"]


class WorkflowDefinitionError(WorkflowError, ValueError):
    """A workflow that cannot be read; a ValueError too, which is what the seed raised."""


def _parse(data: dict[str, Any], source: str) -> Workflow:
    try:
        return parse_workflow(copy.deepcopy(data), source)
    except WorkflowDefinitionError:
        raise
    except WorkflowError as exc:
        raise WorkflowDefinitionError(exc.source, exc.element, exc.message) from exc


class WorkflowDefinition(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True, populate_by_name=True)

    name: str = Field(default="Untitled Workflow")
    description: str = ""
    author: str = ""
    contact: str = ""
    tags: str | list[str] = Field(default_factory=list)
    notes: str = ""
    nodes: list[dict[str, Any]] = Field(default_factory=list)
    edges: list[dict[str, Any]] = Field(default_factory=list)
    form: dict[str, Any] = Field(default_factory=dict)
    exposedFields: list[dict[str, Any]] = Field(default_factory=list, alias="exposedFields")  # noqa: N815
    meta: dict[str, Any] = Field(default_factory=dict)
    raw_data: dict[str, Any] = Field(default_factory=dict, exclude=True)

    _source: str = PrivateAttr(default="<definition>")
    _workflow: Workflow | None = PrivateAttr(default=None)
    _parsed_from: dict[str, Any] | None = PrivateAttr(default=None)

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
        """Read (and check) ``data``; the definition keeps a deep copy of it (the seed kept a
        shallow one and so shared the caller's nodes)."""
        workflow = _parse(data, source)  # refuses what cannot run before anything is built
        fields = copy.deepcopy(data) if isinstance(data, dict) else {}
        if isinstance(fields.get("tags"), str):
            fields["tags"] = [t.strip() for t in fields["tags"].split(",") if t.strip()]
        fields["raw_data"] = copy.deepcopy(data)
        definition = cls.model_validate(fields)
        definition._remember(workflow, source)
        return definition

    @classmethod
    def from_workflow(cls, workflow: Workflow) -> WorkflowDefinition:
        """A definition of the core's (already migrated) ``workflow``."""
        definition = cls.model_validate({**copy.deepcopy(workflow.data), "raw_data": {}})
        definition._remember(workflow, workflow.source)
        return definition

    def _structure(self) -> dict[str, Any]:
        """The workflow JSON the fields make up (tags as the export writes them)."""
        data = self.model_dump(by_alias=True, exclude={"raw_data"})
        if isinstance(data.get("tags"), list):
            data["tags"] = ", ".join(str(t) for t in data["tags"])
        data.setdefault("version", "")  # the workflow's own version; exports always have one
        return data

    def _remember(self, workflow: Workflow, source: str) -> None:
        self._workflow, self._source, self._parsed_from = workflow, source, self._structure()

    @property
    def workflow(self) -> Workflow:
        """The core's parsed workflow (migrated data and Form inputs) of the current fields;
        WorkflowDefinitionError when they are no workflow the core reads."""
        current = self._structure()
        if self._workflow is None or current != self._parsed_from:
            self._remember(_parse(current, self._source), self._source)
        assert self._workflow is not None
        return self._workflow

    @property
    def version(self) -> str:
        """``meta.version`` as given (the core's workflow is migrated to the newest)."""
        version = self.meta.get("version")
        return str(version) if version else "unknown"

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
        """The workflow as given (a copy), or, for one built from fields, what they make up."""
        if self.raw_data:
            return copy.deepcopy(self.raw_data)
        return self.model_dump(by_alias=True, exclude={"raw_data"})

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

    def __repr__(self) -> str:  # 1.1.1's, not pydantic's field-by-field one
        return (
            f"WorkflowDefinition(name={self.name!r}, version={self.version!r}, "
            f"nodes={self.node_count}, edges={self.edge_count})"
        )
