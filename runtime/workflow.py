"""Reading an exported workflow: parse, migrate to the newest format, list the Form's inputs.

CONTRACT (used by the generator, the graph builder and the client; keep these names):
"""

from __future__ import annotations

import pathlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import WorkflowError

__all__ = ["FormInput", "Workflow", "load_workflow", "parse_workflow", "with_values", "WorkflowError"]


@dataclass(frozen=True)
class FormInput:
    """One input of the workflow: the i-th node-field element of a depth-first walk of the Form."""

    index: int
    element_id: str  # the Form element's id ("" when derived from exposedFields)
    node_id: str
    field_name: str
    node_type: str
    node_label: str  # the node's own label in the workflow ("" when it has none)
    label: str  # the field's label in the workflow ("" when it has none)
    description: str  # the field's description in the workflow ("" when none)
    settings: Mapping[str, Any] | None  # the Form element's data.settings, as saved
    value: Any  # the value saved in the workflow (None when absent)


@dataclass(frozen=True)
class Workflow:
    source: str  # the file's name, for messages (never an absolute path)
    data: dict[str, Any]  # the workflow migrated to the newest format the GUI holds
    original_version: str  # meta.version as found in the file
    inputs: tuple[FormInput, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return str(self.data.get("name") or "")

    @property
    def description(self) -> str:
        return str(self.data.get("description") or "")


def load_workflow(path: str | pathlib.Path) -> Workflow:
    """Read a workflow export; raise WorkflowError naming the file, the element and the fault."""
    raise NotImplementedError  # STUB: being written


def parse_workflow(data: Any, source: str) -> Workflow:
    """As load_workflow, from already-parsed JSON."""
    raise NotImplementedError  # STUB: being written


def with_values(workflow: Workflow, values: Mapping[int, Any]) -> dict[str, Any]:
    """A deep copy of ``workflow.data`` with each Form input's value replaced.

    ``values`` maps Form index -> the JSON value the node field takes. The structure (nodes,
    edges, form) never changes; an unknown index raises WorkflowError.
    """
    raise NotImplementedError  # STUB: being written
