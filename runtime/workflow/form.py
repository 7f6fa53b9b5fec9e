"""The workflow's Form (the GUI's "builder" panel): check it, derive it, walk it.

Mirrors InvokeAI's frontend: the form shape and ``validateFormStructure`` in
``features/nodes/types/workflow.ts``, and the Form steps of ``validateWorkflow.ts`` (derive a Form
from legacy ``exposedFields`` when the Form is empty, drop elements whose node field is gone).
Functions take the normalized 4.0.0 workflow's parts and never touch the caller's input.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from ..errors import WorkflowError

ROOT_ELEMENT_ID: Final = "root"
NODE_FIELD: Final = "node-field"
CONTAINER: Final = "container"

_NUMBER_COMPONENTS: Final = ("number-input", "slider", "number-input-and-slider")
_STRING_COMPONENTS: Final = ("input", "textarea", "dropdown")


class _BadShape(Exception):
    """An element the GUI's form schema rejects; the GUI then falls back to an empty Form."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")


def default_form() -> dict[str, Any]:
    """The GUI's empty Form: a root column container with no children."""
    root = {"id": ROOT_ELEMENT_ID, "type": CONTAINER, "data": {"layout": "column", "children": []}}
    return {"elements": {ROOT_ELEMENT_ID: root}, "rootElementId": ROOT_ELEMENT_ID}


def normalize_form(raw: Any, source: str) -> tuple[dict[str, Any], list[str]]:
    """A checked copy of the Form and any warnings.

    A missing Form, or one whose shape the GUI's schema rejects, becomes the empty Form (zod
    ``.catch``); a well-shaped Form whose tree is broken is refused, as the GUI refuses it.
    """
    if raw is None:
        return default_form(), []
    try:
        form = _form_shape(raw)
    except _BadShape as bad:
        return default_form(), [f"{source}: form: {bad}; the Form was replaced by an empty one, as the GUI does"]
    _check_structure(form, source)
    return form, []


def is_form_empty(form: dict[str, Any]) -> bool:
    """The GUI's test (getIsFormEmpty): only a childless root. Headings alone make it non-empty."""
    root = form["elements"].get(form["rootElementId"])
    if root is None or root["type"] != CONTAINER:
        return True
    return len(form["elements"]) == 1 and not root["data"]["children"]


def derive_from_exposed_fields(
    exposed_fields: list[dict[str, Any]], nodes_by_id: dict[str, dict[str, Any]], source: str
) -> tuple[dict[str, Any], list[str]]:
    """The Form the GUI builds from legacy exposedFields: one node-field per entry, in order.

    Entries whose node or field is gone are skipped with a warning (the GUI skips them silently).
    Element ids are deterministic (the GUI draws random ones) so generated code does not churn;
    settings are left out: the GUI takes their defaults from server templates we do not have.
    """
    form = default_form()
    children: list[str] = form["elements"][ROOT_ELEMENT_ID]["data"]["children"]
    warnings: list[str] = []
    for i, entry in enumerate(exposed_fields):
        node_id, field_name = entry["nodeId"], entry["fieldName"]
        problem = missing_field_problem(nodes_by_id, node_id, field_name)
        if problem:
            warnings.append(
                f"{source}: exposedFields[{i}] node {node_id!r} field {field_name!r}: {problem}; input skipped"
            )
            continue
        element_id = f"{NODE_FIELD}-exposed-{i}"
        form["elements"][element_id] = {
            "id": element_id,
            "parentId": ROOT_ELEMENT_ID,
            "type": NODE_FIELD,
            "data": {"fieldIdentifier": {"nodeId": node_id, "fieldName": field_name}, "showDescription": False},
        }
        children.append(element_id)
    return form, warnings


def drop_missing_fields(form: dict[str, Any], nodes_by_id: dict[str, dict[str, Any]], source: str) -> list[str]:
    """Remove (in place) node-field elements whose node or field is gone, as the GUI does on load.

    The GUI deletes the element but leaves its id in the parent's children; we remove it there too
    so ``data`` stays a Form the GUI would load again. The walk is the same either way.
    """
    warnings: list[str] = []
    elements: dict[str, Any] = form["elements"]
    for element_id, element in list(elements.items()):
        if element["type"] != NODE_FIELD:
            continue
        ident = element["data"]["fieldIdentifier"]
        problem = missing_field_problem(nodes_by_id, ident["nodeId"], ident["fieldName"])
        if not problem:
            continue
        del elements[element_id]
        parent = elements.get(element.get("parentId", ""))
        if parent is not None and parent["type"] == CONTAINER:
            parent["data"]["children"] = [c for c in parent["data"]["children"] if c != element_id]
        warnings.append(
            f"{source}: form element {element_id!r} (node {ident['nodeId']!r} field {ident['fieldName']!r}): "
            f"{problem}; the element was dropped"
        )
    return warnings


def missing_field_problem(nodes_by_id: dict[str, dict[str, Any]], node_id: str, field_name: str) -> str:
    """Why a field identifier points nowhere, or "" when it points at an invocation node's input."""
    node = nodes_by_id.get(node_id)
    if node is None:
        return "no such node in the workflow"
    if node["type"] != "invocation":
        return f"node is a {node['type']} node, which has no fields"
    if field_name not in node["data"]["inputs"]:
        return f"node of type {node['data']['type']!r} has no such field"
    return ""


def walk_node_fields(form: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The node-field elements depth-first from the root, each container's children in order."""
    elements: dict[str, Any] = form["elements"]

    def visit(element_id: str) -> Iterator[dict[str, Any]]:
        element = elements.get(element_id)
        if element is None:
            return
        if element["type"] == NODE_FIELD:
            yield element
        elif element["type"] == CONTAINER:
            for child in element["data"]["children"]:
                yield from visit(child)

    yield from visit(form["rootElementId"])


# -- shape (zBuilderForm) ---------------------------------------------------------------------


def _form_shape(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _BadShape("form", "not an object")
    elements = raw.get("elements")
    if not isinstance(elements, dict):
        raise _BadShape("form.elements", "not an object")
    root_id = _nonempty(raw.get("rootElementId"), "form.rootElementId")
    return {
        "elements": {key: _element(value, f"form element {key!r}") for key, value in elements.items()},
        "rootElementId": root_id,
    }


def _element(raw: Any, where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _BadShape(where, "not an object")
    out: dict[str, Any] = {"id": _nonempty(raw.get("id"), f"{where} id")}
    if "parentId" in raw:
        out["parentId"] = _nonempty(raw["parentId"], f"{where} parentId")
    kind = raw.get("type")
    out["type"] = kind
    data = raw.get("data")
    if kind == "divider":
        if "data" in raw:
            raise _BadShape(where, "a divider carries no data")
        return out
    if not isinstance(data, dict):
        raise _BadShape(f"{where} data", "not an object")
    if kind == CONTAINER:
        if data.get("layout") not in ("row", "column"):
            raise _BadShape(f"{where} data.layout", "must be 'row' or 'column'")
        children = data.get("children")
        if not isinstance(children, list):
            raise _BadShape(f"{where} data.children", "not a list")
        out["data"] = {"layout": data["layout"], "children": [_nonempty(c, f"{where} child") for c in children]}
    elif kind == NODE_FIELD:
        out["data"] = _node_field_data(data, where)
    elif kind in ("heading", "text"):
        if not isinstance(data.get("content"), str):
            raise _BadShape(f"{where} data.content", "not a string")
        out["data"] = {"content": data["content"]}
    else:
        raise _BadShape(where, f"unknown element type {kind!r}")
    return out


def _node_field_data(data: dict[str, Any], where: str) -> dict[str, Any]:
    ident = data.get("fieldIdentifier")
    if not isinstance(ident, dict):
        raise _BadShape(f"{where} data.fieldIdentifier", "not an object")
    out: dict[str, Any] = {
        "fieldIdentifier": {
            "nodeId": _nonempty(ident.get("nodeId"), f"{where} nodeId"),
            "fieldName": _nonempty(ident.get("fieldName"), f"{where} fieldName"),
        },
        "showDescription": data.get("showDescription", True),
    }
    if not isinstance(out["showDescription"], bool):
        raise _BadShape(f"{where} data.showDescription", "not true or false")
    if "settings" in data:
        out["settings"] = _settings(data["settings"], f"{where} data.settings")
    return out


def _settings(raw: Any, where: str) -> dict[str, Any]:
    """Settings with the GUI's defaults filled in; the first variant of the GUI's union that fits."""
    if not isinstance(raw, dict):
        raise _BadShape(where, "not an object")
    problems = []
    for variant in (_float_settings, _integer_settings, _string_settings):
        try:
            return variant(raw, where)
        except _BadShape as bad:
            problems.append(str(bad))
    raise _BadShape(where, "fits no settings type (" + "; ".join(problems) + ")")


def _float_settings(raw: dict[str, Any], where: str) -> dict[str, Any]:
    return _number_settings(raw, "float-field-config", where)


def _integer_settings(raw: dict[str, Any], where: str) -> dict[str, Any]:
    return _number_settings(raw, "integer-field-config", where)


def _string_settings(raw: dict[str, Any], where: str) -> dict[str, Any]:
    kind = "string-field-config"
    if raw.get("type", kind) != kind:
        raise _BadShape(f"{where} type", f"not {kind!r}")
    component = raw.get("component", "input")
    if component not in _STRING_COMPONENTS:
        raise _BadShape(f"{where} component", f"{component!r} is not one of {', '.join(_STRING_COMPONENTS)}")
    out: dict[str, Any] = {"type": kind, "component": component}
    if component == "dropdown":
        out["options"] = _options(raw.get("options"), where)
    return out


def _number_settings(raw: dict[str, Any], kind: str, where: str) -> dict[str, Any]:
    if raw.get("type", kind) != kind:
        raise _BadShape(f"{where} type", f"not {kind!r}")
    out: dict[str, Any] = {
        "type": kind,
        "showShuffle": raw.get("showShuffle", False),
        "component": raw.get("component", "number-input"),
    }
    if not isinstance(out["showShuffle"], bool):
        raise _BadShape(f"{where} showShuffle", "not true or false")
    if out["component"] not in _NUMBER_COMPONENTS:
        raise _BadShape(f"{where} component", f"{out['component']!r} is not one of {', '.join(_NUMBER_COMPONENTS)}")
    for bound in ("min", "max"):
        if bound in raw:
            value = raw[bound]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise _BadShape(f"{where} {bound}", "not a number")
            out[bound] = value
    return out


def _options(raw: Any, where: str) -> list[dict[str, str]]:
    if not isinstance(raw, list):
        raise _BadShape(f"{where} options", "not a list")
    options = []
    for option in raw:
        if not isinstance(option, dict) or not all(isinstance(option.get(k), str) for k in ("label", "value")):
            raise _BadShape(f"{where} options", "each option needs a string label and value")
        options.append({"label": option["label"], "value": option["value"]})
    return options


def _nonempty(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _BadShape(where, "not a non-empty string")
    return value.strip()


# -- structure (validateFormStructure) --------------------------------------------------------


def _check_structure(form: dict[str, Any], source: str) -> None:
    elements: dict[str, Any] = form["elements"]
    root_id: str = form["rootElementId"]
    root = elements.get(root_id)
    if root is None:
        raise WorkflowError(source, "form.rootElementId", f"{root_id!r} is not an element of the form")
    if root["type"] != CONTAINER:
        raise WorkflowError(source, f"form element {root_id!r}", "the root element must be a container")
    if "parentId" in root:
        raise WorkflowError(source, f"form element {root_id!r}", "the root element must not have a parent")
    reached = {root_id}
    # (element id, ids of the containers above it) - the path catches a container inside itself.
    stack: list[tuple[str, tuple[str, ...]]] = [(root_id, ())]
    while stack:
        element_id, path = stack.pop()
        element = elements[element_id]
        if element["type"] != CONTAINER:
            continue
        for child_id in element["data"]["children"]:
            where = f"form element {child_id!r}"
            child = elements.get(child_id)
            if child is None:
                raise WorkflowError(source, where, f"listed in container {element_id!r} but not in the form")
            if child_id in path or child_id == element_id:
                raise WorkflowError(source, where, "a container cannot hold itself")
            _check_parent(elements, child_id, child, source)
            reached.add(child_id)
            stack.append((child_id, (*path, element_id)))
    stray = [key for key in elements if key not in reached]
    if stray:
        raise WorkflowError(source, f"form element {stray[0]!r}", "not reachable from the form's root element")


def _check_parent(elements: dict[str, Any], element_id: str, element: dict[str, Any], source: str) -> None:
    # As the GUI: the parent named by parentId must be a container that lists this element.
    where = f"form element {element_id!r}"
    parent_id = element.get("parentId")
    if parent_id is None:
        raise WorkflowError(source, where, "has no parentId, but a container lists it")
    parent = elements.get(parent_id)
    if parent is None or parent["type"] != CONTAINER:
        raise WorkflowError(source, where, f"its parent {parent_id!r} is not a container of the form")
    if element_id not in parent["data"]["children"]:
        raise WorkflowError(source, where, f"its parent {parent_id!r} does not list it among its children")
