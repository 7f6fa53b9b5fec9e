"""The workflow JSON as pydantic models (``WorkflowRoot`` and its parts), for code that walks a
workflow by attribute, and helpers over them: the Form's node fields, the output nodes, board
and value updates.

Every model keeps fields it does not declare (``extra="allow"``), so a dump gives back what
was loaded, whatever the format version. ``nodes`` and ``edges`` stay plain dicts, as the
seed kept them; ``iter_typed_nodes`` gives them as ``WorkflowNode``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Optional

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "OUTPUT_CAPABLE_TYPES",
    "WorkflowEdge",
    "WorkflowEdgeEndpoint",
    "WorkflowForm",
    "WorkflowFormElement",
    "WorkflowFormElementData",
    "WorkflowGraph",
    "WorkflowNode",
    "WorkflowNodeData",
    "WorkflowNodeField",
    "WorkflowRoot",
    "build_input_jsonpath",
    "enumerate_output_nodes",
    "is_field_connected",
    "is_output_node_type",
    "iter_form_input_fields",
    "load_workflow_json",
    "update_node_input_value",
    "update_output_boards",
    "workflow_to_dict",
]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class WorkflowEdgeEndpoint(_Open):
    node_id: str
    field: Optional[str] = None


class WorkflowEdge(_Open):
    """An edge of an enqueued graph (``source``/``destination`` endpoints)."""

    source: WorkflowEdgeEndpoint
    destination: WorkflowEdgeEndpoint


class WorkflowNodeField(_Open):
    """One input of a node: ``node.data.inputs[<field name>]``."""

    label: Optional[str] = None
    description: Optional[str] = None
    value: Any = None
    required: Optional[bool] = None
    type: Optional[str] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    options: Optional[list[Any]] = None
    ui_choices: Optional[list[Any]] = None


class WorkflowNodeData(_Open):
    id: Optional[str] = None
    type: Optional[str] = None
    label: Optional[str] = None
    inputs: dict[str, WorkflowNodeField] = Field(default_factory=dict)


class WorkflowNode(_Open):
    id: str
    data: WorkflowNodeData


class WorkflowGraph(_Open):
    nodes: dict[str, dict[str, Any]] | list[WorkflowNode] | dict[str, WorkflowNode] = Field(default_factory=dict)
    edges: list[WorkflowEdge] = Field(default_factory=list)


class WorkflowFormElementData(_Open):
    fieldIdentifier: Optional[dict[str, Any]] = None  # noqa: N815 - the JSON's name
    children: Optional[list[str]] = None


class WorkflowFormElement(_Open):
    id: str
    type: str
    data: WorkflowFormElementData = Field(default_factory=WorkflowFormElementData)


class WorkflowForm(_Open):
    elements: dict[str, WorkflowFormElement] = Field(default_factory=dict)


class WorkflowRoot(_Open):
    id: Optional[str] = None
    name: Optional[str] = None
    description: Optional[str] = None
    nodes: list[dict[str, Any]] = Field(default_factory=list)
    edges: list[dict[str, Any]] = Field(default_factory=list)
    form: WorkflowForm = Field(default_factory=WorkflowForm)

    def iter_typed_nodes(self) -> Iterator[WorkflowNode]:
        """The nodes as ``WorkflowNode``; entries that are not nodes are skipped."""
        for raw in self.nodes:
            if isinstance(raw, dict) and "id" in raw and "data" in raw:
                try:
                    yield WorkflowNode.model_validate(raw)
                except ValueError:
                    continue

    def get_typed_node(self, node_id: str) -> WorkflowNode | None:
        return next((n for n in self.iter_typed_nodes() if n.id == node_id), None)

    def replace_typed_node(self, node: WorkflowNode) -> None:
        """Put ``node`` in place of the node of its id (appended when there is none)."""
        dumped = node.model_dump(exclude_none=True)
        for i, raw in enumerate(self.nodes):
            if isinstance(raw, dict) and raw.get("id") == node.id:
                self.nodes[i] = dumped
                return
        self.nodes.append(dumped)

    def node_dict(self, node_id: str) -> dict[str, Any]:
        return next((n for n in self.nodes if isinstance(n, dict) and n.get("id") == node_id), {})


# Types that write images to a board although a workflow may not show their board field.
OUTPUT_CAPABLE_TYPES = frozenset(
    {"save_image", "l2i", "flux_vae_decode", "flux_vae_encode", "hed_edge_detection", "image_output"}
)


def is_output_node_type(node_type: str | None) -> bool:
    """Whether a node type is one that outputs images, going by its name."""
    if not node_type:
        return False
    t = node_type.lower()
    return t in OUTPUT_CAPABLE_TYPES or "save" in t or "decode" in t or t.endswith("_to_image")


def load_workflow_json(data: dict[str, Any]) -> WorkflowRoot:
    return WorkflowRoot.model_validate(data)


def workflow_to_dict(root: WorkflowRoot) -> dict[str, Any]:
    return root.model_dump(exclude_none=True)


def _inputs(node: dict[str, Any]) -> dict[str, Any]:
    inputs = (node.get("data") or {}).get("inputs")
    return inputs if isinstance(inputs, dict) else {}


def update_node_input_value(root: WorkflowRoot, node_id: str, field_name: str, value: Any) -> bool:
    """Set a node input's saved value in place; False when the node or input is missing."""
    field = _inputs(root.node_dict(node_id)).get(field_name)
    if not isinstance(field, dict):
        return False
    field["value"] = value
    return True


def is_field_connected(root: WorkflowRoot, node_id: str, field_name: str) -> bool:
    """Whether an edge of the workflow feeds that node input (its value is then not used)."""
    return any(
        isinstance(e, dict) and e.get("target") == node_id and e.get("targetHandle") == field_name
        for e in root.edges
    )


def iter_form_input_fields(root: WorkflowRoot) -> Iterator[tuple[str, str, str, Any]]:
    """(node id, field name, Form element id, the input's JSON) for each node-field element of
    the Form, in the order its elements are stored (the inputs' order is ``list_inputs()``)."""
    for element in root.form.elements.values():
        ident = element.data.fieldIdentifier
        if element.type != "node-field" or not ident:
            continue
        node_id, field_name = str(ident.get("nodeId")), str(ident.get("fieldName"))
        yield node_id, field_name, element.id, _inputs(root.node_dict(node_id)).get(field_name)


def _writes_images(node: dict[str, Any]) -> bool:
    data = node.get("data") or {}
    return "board" in _inputs(node) or is_output_node_type(data.get("type"))


def enumerate_output_nodes(root: WorkflowRoot) -> Iterator[tuple[str, str, bool]]:
    """(node id, node type, whether the Form shows its board) for each node that writes
    images: one with a board input, or whose type says so (``is_output_node_type``)."""
    on_form = {n for n, field, _, _ in iter_form_input_fields(root) if field == "board"}
    for node in root.nodes:
        if isinstance(node, dict) and _writes_images(node):
            node_id = str(node.get("id"))
            yield node_id, str((node.get("data") or {}).get("type")), node_id in on_form


def update_output_boards(root: WorkflowRoot, board_id: str, override: bool = False) -> int:
    """Send the images of every output node to ``board_id``: nodes with no board, or left at
    "auto"/"none", and with ``override`` every one. The number of nodes changed."""
    changed = 0
    for node in root.nodes:
        if not isinstance(node, dict) or not _writes_images(node):
            continue
        inputs = (node.setdefault("data", {})).setdefault("inputs", {})
        field = inputs.get("board")
        if not isinstance(field, dict):
            inputs["board"] = {"name": "board", "value": {"board_id": board_id}}
        elif override or _board_id(field.get("value")) in (None, "auto", "none"):
            field["value"] = {"board_id": board_id}
        else:
            continue
        changed += 1
    return changed


def _board_id(value: Any) -> Any:
    return value.get("board_id") if isinstance(value, dict) else value


def build_input_jsonpath(node_id: str, field_name: str) -> str:
    """The JSONPath of a node input in the workflow JSON (``IvkWorkflowInput.jsonpath``)."""
    return f"$.nodes[?(@.id='{node_id}')].data.inputs.{field_name}"
