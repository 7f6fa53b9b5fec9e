"""Docstrings: what the GUI shows of an input (its title, its description, its choices' labels)
and what the attribute sets; and the class's own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ivk_runtime.workflow import FormInput, Workflow

from .pytype import PyType

__all__ = ["MAX_CHOICES", "attribute_doc", "class_doc", "gui_title"]

MAX_CHOICES = 40  # choice labels listed; a 100,000-value enum lists these and says how many more
_WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def gui_title(field_name: str) -> str:
    """The title InvokeAI gives a field whose schema has none: ``startCase(fieldName)``
    (buildFieldInputTemplate.ts), so ``full_output`` reads "Full Output"."""
    return " ".join(w[:1].upper() + w[1:] for w in _WORD.findall(field_name))


def _choices(t: PyType, raw: Mapping[str, Any]) -> str:
    labels = raw.get("ui_choice_labels")
    options = t.options if t.kind == "literal" else t.item.options if t.item and t.item.kind == "literal" else ()
    if not isinstance(labels, Mapping) or not options:
        return ""
    shown = [f"{o!r} ({labels[o]})" for o in options[:MAX_CHOICES]
             if isinstance(o, str) and isinstance(labels.get(o), str) and labels[o] != o]  # fmt: skip
    if not shown:
        return ""
    more = f", and {len(options) - MAX_CHOICES} more" if len(options) > MAX_CHOICES else ""
    return "Choices: " + ", ".join(shown) + more + "."


def attribute_doc(
    inp: FormInput,
    t: PyType,
    shown: str,
    field_raw: Mapping[str, Any] | None,
    has_default: bool,
    why_required: str,
) -> str:
    """Paragraphs: the input as the Form shows it; the user's description; the schema's; then
    what it sets, the type's notes, the choices' labels and whether it is required."""
    paragraphs = [f"Input {inp.index}: {shown}."]
    described = inp.description.strip()
    if described:
        paragraphs.append(described)
    schema_says = str((field_raw or {}).get("description") or "").strip()
    if schema_says and schema_says.rstrip(".") != described.rstrip("."):
        paragraphs.append(schema_says if schema_says.endswith((".", "!", "?")) else schema_says + ".")
    node = f"{inp.node_type} node {inp.node_id!r}"
    if inp.node_label.strip():
        node += f" ({inp.node_label.strip()})"
    facts = [f"Sets field {inp.field_name!r} of the {node}."]
    facts += [n[:1].upper() + n[1:] + "." for n in t.notes if n]
    choices = _choices(t, field_raw or {})
    if choices:
        facts.append(choices)
    if not has_default:
        facts.append(f"Required: {why_required}.")
    return "\n\n".join(paragraphs + ["\n".join(facts)])


def class_doc(workflow: Workflow, name: str) -> str:
    parts = [name or f"Workflow from {workflow.source}"]
    if workflow.description.strip():
        parts.append(workflow.description.strip())
    parts.append(
        "Each attribute is one input of the workflow's Form, in Form order. "
        "Run with ``params.run(client)``."
    )
    return "\n\n".join(parts)
