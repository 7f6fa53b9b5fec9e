"""``sync_dnn_model`` on a handle: its workflow's model references and Form fields pointed at
the models a server has (the matching itself is ``model_sync``'s)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from ...workflow import Workflow
from .._dispatch import call
from ..fields import IvkModelIdentifierField
from .inputs import IvkWorkflowInput
from .model_sync import ModelReference, find_model_references, sync_references

__all__ = ["installed_models", "sync_models"]

ModelPair = tuple[IvkModelIdentifierField, IvkModelIdentifierField]


def installed_models(client: Any) -> list[Mapping[str, Any]]:
    """The server's installed models as its JSON, from the core's ``client.models.list()``:
    the seed's model objects map a base they do not know to "unknown", and a reference synced
    from them would name a base the server has never heard of."""
    area = getattr(getattr(client, "core", client), "models", None)
    if area is None or not hasattr(area, "list"):
        raise TypeError(f"sync_dnn_model needs the core client's models area, not {type(client).__name__}")
    return [{**m.data(), **m.identifier()} for m in call(area, "list")]


def sync_models(
    workflow: Workflow,
    inputs: Sequence[IvkWorkflowInput],
    models: Sequence[Mapping[str, Any]],
    by_name: bool,
    by_base: bool,
) -> tuple[Workflow, list[ModelPair]]:
    """The workflow with its references re-pointed, and (old, new) per reference changed; the
    Form's model fields are updated in place. ValueError, changing nothing, when a reference
    matches no installed model."""
    form_models = {
        (i.node_id, i.field_name): i.field
        for i in inputs
        if isinstance(i.field, IvkModelIdentifierField)
    }
    refs: list[ModelReference] = []
    for ref in find_model_references(workflow.data):
        field = form_models.get((ref.node_id, ref.field_name))
        if field is not None:  # the user's current value, not the saved one
            if not field.is_set():
                continue
            ref = ModelReference(ref.node_id, ref.field_name, field.model_dump())
        refs.append(ref)
    result = sync_references(refs, models, by_name=by_name, by_base=by_base)
    if result.unmatched:
        tried = "hash" + (", name" if by_name else "") + (", base" if by_base else "")
        missing = "; ".join(
            f"node '{r.node_id}' field '{r.field_name}' name '{r.value.get('name')}' "
            f"hash '{r.value.get('hash')}'"
            for r in result.unmatched
        )
        raise ValueError(f"Unrecognized model reference(s) (tried key, {tried}): {missing}")
    changes = {(ref.node_id, ref.field_name): new for ref, new in result.changed}
    workflow = _with_node_values(workflow, changes)
    for key, new in changes.items():
        if key in form_models:
            for attr in ("key", "hash", "name", "base", "type", "submodel_type"):
                setattr(form_models[key], attr, new.get(attr))
    return workflow, [
        (
            IvkModelIdentifierField.from_api_format(dict(ref.value)),
            IvkModelIdentifierField.from_api_format(new),
        )
        for ref, new in result.changed
    ]


def _with_node_values(
    workflow: Workflow, changes: dict[tuple[str, str], dict[str, Any]]
) -> Workflow:
    """A copy of ``workflow`` with some node fields' values replaced (the Form's saved values
    follow, so ``values()`` stays a diff against what is submitted)."""
    if not changes:
        return workflow
    data = copy.deepcopy(workflow.data)
    for node in data.get("nodes") or []:
        inputs = (node.get("data") or {}).get("inputs") or {}
        for (node_id, field_name), new in changes.items():
            if node.get("id") == node_id and isinstance(inputs.get(field_name), dict):
                inputs[field_name]["value"] = dict(new)
    inputs = tuple(
        (
            dataclasses.replace(fi, value=dict(changes[(fi.node_id, fi.field_name)]))
            if (fi.node_id, fi.field_name) in changes
            else fi
        )
        for fi in workflow.inputs
    )
    return dataclasses.replace(workflow, data=data, inputs=inputs)
