"""Workflow + schema -> ModuleModel: types, defaults, names and docs for every Form input."""

from __future__ import annotations

import hashlib
import json

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ivk_runtime.errors import SchemaError
from ivk_runtime.graph.checks import load_problems
from ivk_runtime.graph.drift import field_signature
from ivk_runtime.graph.schema_index import FieldSchema
from ivk_runtime.graph.templates import templates_for
from ivk_runtime.workflow import FormInput, Workflow

from . import __version__
from .docs import attribute_doc, class_doc, gui_title
from .library_source import LibrarySource
from .model import Attribute, ModuleModel
from .objects import imports_of, object_classes
from .name_lock import InputKey, name_inputs
from .naming import NameRequest, class_name, is_safe_class
from .recorded import NOTHING, Recorded
from .schema_source import SchemaSource
from .typemap import DefaultError, PyType, SchemaProblem, TypeResolver, infer_from_value

__all__ = ["build_module_model"]


def _shown_label(inp: FormInput, title: str | None) -> str:
    return inp.label.strip() or (title or "").strip() or inp.field_name


def _doc_label(inp: FormInput, title: str | None, field_raw: Mapping[str, Any] | None) -> str:
    """The label as the GUI shows it: an untitled field of a known node is startCase'd."""
    untitled = gui_title(inp.field_name) if field_raw is not None else inp.field_name
    return inp.label.strip() or (title or "").strip() or untitled or inp.field_name


def build_module_model(
    workflow: Workflow,
    raw: Any,
    schema: SchemaSource,
    resolver: TypeResolver,
    *,
    class_name_override: str | None = None,
    file_stem: str = "",
    recorded: Recorded = NOTHING,
    lock_source: str = "",
    new_names: bool = False,
    library: LibrarySource | None = None,
) -> ModuleModel:
    """``recorded`` is what the module being regenerated holds: it keeps its names (unless
    ``new_names``). ``library``: where a workflow from a server's library came from."""
    messages = list(workflow.warnings)
    if not workflow.inputs:
        messages.append(
            "warning: the workflow's Form has no inputs, so the class has no attributes: in "
            "InvokeAI's workflow editor, drag the fields to drive into the Form, then export again"
        )
    typed: list[tuple[FormInput, PyType, FieldSchema | None]] = []
    unknown_types: dict[str, str] = {}
    for inp in workflow.inputs:
        node_schema = schema.index.node(inp.node_type)
        field_schema = node_schema.inputs.get(inp.field_name) if node_schema else None
        if field_schema is None:
            if node_schema is None:
                unknown_types.setdefault(inp.node_type, inp.node_id)
            else:
                messages.append(
                    f"warning: node {inp.node_id!r} ({inp.node_type}) has no field "
                    f"{inp.field_name!r} in {schema.label}; typed from its saved value"
                )
            typed.append((inp, infer_from_value(inp.value), None))
            continue
        try:
            t = resolver.resolve(field_schema.raw, inp.settings)
        except SchemaProblem as exc:  # no module could hold it: say where, write nothing
            raise SchemaError(f"{schema.index.source}: node type {inp.node_type!r} field "
                              f"{inp.field_name!r}: {exc}") from exc  # fmt: skip
        typed.append((inp, t, field_schema))
    # What the GUI would drop or refuse on loading it against this schema, said as it says it.
    for problem in load_problems(workflow.data, templates_for(schema.index)):
        if problem.kind != "missing-type" or problem.node_type not in unknown_types:
            messages.append(f"warning: {problem.message}")
    for node_type, node_id in sorted(unknown_types.items()):
        messages.append(
            f"warning: node type {node_type!r} (node {node_id!r}) is not in {schema.label}; its "
            "inputs are typed from their saved values. Generate with --server URL pointing at a "
            "server that has its node pack to get real types."
        )

    naming = name_inputs(
        [NameRequest(i.index, _shown_label(i, f.title if f else None), i.field_name, i.node_label)
         for i, _, f in typed],
        [InputKey(i.node_id, i.field_name) for i, _, _ in typed],
        recorded,
        lock_source=lock_source,
        new_names=new_names,
    )  # fmt: skip
    names = naming.names
    messages += naming.messages

    attributes = []
    for (inp, t, field_schema), name in zip(typed, names):
        title, field_raw = (field_schema.title, field_schema.raw) if field_schema else (None, None)
        t, has_default, default, note = _default(inp, t, schema)
        if note:
            messages.append(f"warning: input {inp.index} ({name}): {note}")
        messages += [f"warning: input {inp.index} ({name}): {w}" for w in t.all_warnings]
        why_required = (
            "the saved value does not fit its type" if note else "the workflow leaves it empty"
        )
        attributes.append(
            Attribute(
                index=inp.index,
                name=name,
                node_id=inp.node_id,
                field_name=inp.field_name,
                node_type=inp.node_type,
                node_version=_node_version(schema, inp.node_type),
                signature=field_signature(schema.index, inp.node_type, inp.field_name),
                type=t,
                has_default=has_default,
                default=default,
                doc=attribute_doc(
                    inp, t, _doc_label(inp, title, field_raw), field_raw, has_default, why_required
                ),
            )
        )

    canonical = json.dumps(raw, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(
        canonical.encode("utf-8", "surrogatepass")
    ).hexdigest()  # "\ud800" is JSON
    name_text = workflow.name.strip()
    imported = {name for _, name in imports_of(a.type for a in attributes)}
    imported |= {
        o.name for o in object_classes(a.type for a in attributes)
    }  # classes of the module
    cls = class_name_override or class_name([name_text, file_stem], taken=imported)
    if (
        recorded.class_name
        and not class_name_override
        and not new_names
        and cls != recorded.class_name
    ):
        if is_safe_class(recorded.class_name, imported):
            messages.append(
                f"kept: the class keeps the name {recorded.class_name!r}{' from ' + lock_source if lock_source else ''}; "
                f"the workflow's name would name it {cls!r} (--new-names takes it)"
            )
            cls = recorded.class_name
    return ModuleModel(
        source_name=workflow.source,
        schema_label=schema.label,
        content_hash=digest,
        generator_version=__version__,
        class_name=cls,
        class_doc=class_doc(workflow, name_text),
        module_doc=f"Typed inputs of the InvokeAI workflow {name_text or workflow.source!r}.",
        workflow_json=canonical,
        attributes=tuple(attributes),
        retired=tuple((r.attribute, r.node_id, r.field) for r in naming.retired),
        library=library,
        messages=tuple(messages),
        rebinds=tuple(naming.rebinds),
    )


def _default(inp: FormInput, t: PyType, schema: SchemaSource) -> tuple[PyType, bool, Any, str]:
    """(type, has_default, default, warning): the saved value, else the schema's default."""
    node = schema.index.node(inp.node_type)
    field = node.inputs.get(inp.field_name) if node else None
    required = bool(field and field.required)
    candidates: list[tuple[str, Any]] = []
    if inp.value is not None:
        candidates.append(("saved value", inp.value))
    elif t.kind == "board":
        candidates.append(("empty board", "none"))  # no board means uncategorized in the graph
    if field is not None and field.has_default and not (required and field.default is None):
        candidates.append(("schema default", field.default))
    if required:  # None would fail the run: the type says so up front
        t = replace(t, nullable=False)
    problem = ""
    for origin, value in candidates:
        try:
            return t, True, t.to_python(value), problem
        except DefaultError as exc:
            problem = problem or f"the {origin} {value!r:.60} does not fit ({exc})"
    if required or inp.value is not None:
        # the node needs a value, or the one saved does not fit: the user must set it
        return t, False, None, problem
    if t.nullable:
        return t, True, None, problem
    return t, False, None, problem


def _node_version(schema: SchemaSource, node_type: str) -> str:
    node = schema.index.node(node_type)
    return (node.version or "") if node is not None else ""
