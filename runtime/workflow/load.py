"""Reading an exported workflow: parse, migrate to the newest format, list the Form's inputs.

CONTRACT (used by the generator, the graph builder and the client; keep these names):
"""

from __future__ import annotations

import copy
import json
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import WorkflowError
from . import form as form_
from .jsoncopy import MAX_DEPTH, json_copy, too_deep
from .migrate import detect_version, migrate
from .schema import normalize_workflow

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
    path = pathlib.Path(path)
    source = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise WorkflowError(source, None, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise WorkflowError(source, None, "not UTF-8 text, so not a workflow export") from exc
    except json.JSONDecodeError as exc:
        raise WorkflowError(source, None, f"not valid JSON (line {exc.lineno} column {exc.colno}: {exc.msg})") from exc
    return parse_workflow(data, source)


def parse_workflow(data: Any, source: str) -> Workflow:
    """As load_workflow, from already-parsed JSON."""
    source = pathlib.PurePath(source).name or source  # a name, never a path, in messages
    deep = too_deep(data)
    if deep is not None:
        raise WorkflowError(source, _where(data, deep), f"a value nested more than {MAX_DEPTH} levels deep")
    original_version = detect_version(data, source)
    workflow = normalize_workflow(migrate(copy.deepcopy(data), source), source)
    nodes_by_id = _nodes_by_id(workflow)

    form, warnings = form_.normalize_form(workflow["form"], source)
    derived = bool(workflow["exposedFields"]) and form_.is_form_empty(form)
    if derived:
        # A Form with anything in it wins over stale exposedFields, as in the GUI.
        form, derive_warnings = form_.derive_from_exposed_fields(workflow["exposedFields"], nodes_by_id, source)
        warnings += derive_warnings
    warnings += form_.drop_missing_fields(form, nodes_by_id, source)
    workflow["form"] = form

    inputs = tuple(
        _form_input(i, element, nodes_by_id, derived) for i, element in enumerate(form_.walk_node_fields(form))
    )
    return Workflow(
        source=source,
        data=workflow,
        original_version=original_version,
        inputs=inputs,
        warnings=tuple(warnings),
    )


def with_values(workflow: Workflow, values: Mapping[int, Any]) -> dict[str, Any]:
    """A deep copy of ``workflow.data`` with each Form input's value replaced.

    ``values`` maps Form index -> the JSON value the node field takes. The structure (nodes,
    edges, form) never changes; an unknown index raises WorkflowError.
    """
    data = json_copy(workflow.data)
    nodes_by_id = _nodes_by_id(data)
    for index, value in values.items():
        # bool is an int in Python, but True is no Form index.
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(workflow.inputs):
            raise WorkflowError(
                workflow.source,
                f"input {index!r}",
                (
                    f"no such input; the workflow has {len(workflow.inputs)} (indexes 0 to {len(workflow.inputs) - 1})"
                    if workflow.inputs
                    else "no such input; the workflow has no inputs"
                ),
            )
        item = workflow.inputs[index]
        field_ = nodes_by_id[item.node_id]["data"]["inputs"][item.field_name]
        field_["value"] = json_copy(value)
    return data


def _form_input(
    index: int, element: dict[str, Any], nodes_by_id: dict[str, dict[str, Any]], derived: bool
) -> FormInput:
    ident = element["data"]["fieldIdentifier"]
    node = nodes_by_id[ident["nodeId"]]
    field_ = node["data"]["inputs"][ident["fieldName"]]
    settings = element["data"].get("settings")
    # Copies, so that a caller changing a FormInput cannot change Workflow.data.
    return FormInput(
        index=index,
        element_id="" if derived else element["id"],
        node_id=node["id"],
        field_name=ident["fieldName"],
        node_type=node["data"]["type"],
        node_label=node["data"]["label"],
        label=field_["label"],
        description=field_["description"],
        settings=copy.deepcopy(settings) if settings is not None else None,
        value=copy.deepcopy(field_.get("value")),
    )


def _nodes_by_id(workflow: dict[str, Any]) -> dict[str, dict[str, Any]]:
    # The GUI finds nodes with Array.find: the first of duplicate ids wins.
    by_id: dict[str, dict[str, Any]] = {}
    for node in workflow["nodes"]:
        by_id.setdefault(node["id"], node)
    return by_id


def _where(data: Any, path: list[str | int]) -> str:
    """A path into the file, as a message names it: the node by its id when it is in one."""
    if len(path) >= 2 and path[0] == "nodes" and isinstance(path[1], int):
        node = data["nodes"][path[1]]
        node_id = node.get("id") if isinstance(node, dict) else None
        rest = ".".join(str(p) for p in path[2:6])
        return f"node {node_id!r} ({rest}...)" if node_id is not None else f"nodes[{path[1]}]"
    return ".".join(str(p) for p in path[:6]) + "..."
