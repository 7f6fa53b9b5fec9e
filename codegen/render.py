"""ModuleModel -> Python source, through a strict Jinja2 template.

The template only places pieces; every piece is ``Code`` made by ``pysyntax`` from the
model. ``finalize`` refuses anything else, so a string from the workflow cannot reach the
output unescaped even by a template mistake.
"""

from __future__ import annotations

from typing import Any

import jinja2

from .ext_defaults import ExtValue
from .formatting import format_statement
from .model import Attribute, ModuleModel
from .objects import ObjectType, imports_of, object_classes
from .pysyntax import Code, comment_text, docstring, identifier, string_literal
from .pytype import PyType

__all__ = ["render_module", "render_workflow_data"]

_CHUNK = 76  # characters of JSON per source line of the embedded workflow


def _finalize(value: Any) -> Any:
    if isinstance(value, (Code, int)) and not isinstance(value, bool):
        return value
    raise TypeError(f"template received unescaped {type(value).__name__}: {value!r:.80}")


_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("ivk_codegen", "templates"),
    undefined=jinja2.StrictUndefined,
    finalize=_finalize,
    autoescape=False,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def _imports(model: ModuleModel) -> list[Code]:
    wanted: set[tuple[str, str]] = {
        ("typing", "ClassVar"),
        ("pydantic.dataclasses", "dataclass"),
        ("ivk_runtime.generated", "GeneratedWorkflow"),
        ("ivk_runtime.generated", "InputSpec"),
        ("ivk_runtime.generated", "workflow_config"),
    }
    wanted |= imports_of(a.type for a in model.attributes)
    for a in model.attributes:
        if a.has_default:
            wanted |= a.type.expression_imports(a.default)
            if _mutable(a.default):
                wanted.add(("pydantic", "Field"))
                if a.type.kind == "json":
                    wanted.add(("ivk_runtime.values", "json_value"))
    for obj in object_classes(a.type for a in model.attributes):
        for f in obj.fields:
            if f.has_default and _mutable(f.default):
                wanted.add(("pydantic", "Field"))
                if f.type.kind == "json":
                    wanted.add(("ivk_runtime.values", "json_value"))
    by_module: dict[str, set[str]] = {}
    for module, name in wanted:
        by_module.setdefault(module, set()).add(name)
    lines = []
    previous_group = None
    for module in sorted(by_module, key=lambda m: (_import_group(m), m)):
        if previous_group is not None and _import_group(module) != previous_group:
            lines.append(Code(""))
        previous_group = _import_group(module)
        parts = ".".join(identifier(p) for p in module.split("."))
        names = ", ".join(identifier(n) for n in sorted(by_module[module]))
        lines.append(Code(f"from {parts} import {names}"))
    return lines


def _mutable(default: Any) -> bool:
    return isinstance(default, (list, dict, ExtValue))


def _import_group(module: str) -> int:
    """isort's order: standard library, third party, our runtime, then extensions' modules."""
    top = module.split(".")[0]
    return {"typing": 0, "pathlib": 0, "pydantic": 1, "ivk_runtime": 2}.get(top, 3)


def _default(a: Attribute) -> Code | None:
    return _default_expression(a.type, a.default) if a.has_default else None


def _default_expression(t: PyType, value: Any) -> Code:
    """A default as written: a mutable one (an extension's instance too) as one fresh copy
    per instance."""
    expr = t.expression(value)
    if _mutable(value):
        if t.kind == "json":  # typed through json_value, or mypy infers dict[str, int]
            return Code(f"Field(default_factory=lambda: json_value({expr}))")
        return Code(f"Field(default_factory=lambda: {expr})")
    return expr


def _chunks(text: str) -> list[Code]:
    return [string_literal(text[i : i + _CHUNK]) for i in range(0, len(text), _CHUNK)] or [
        string_literal("")
    ]


def _statement(a: Attribute) -> Code:
    name, annotation, default = identifier(a.name), a.type.annotation(), _default(a)
    text = f"{name}: {annotation}" + (f" = {default}" if default is not None else "")
    return Code(format_statement(text + "\n", 4))


def render_module(model: ModuleModel) -> str:
    """The module's code, already in black's layout (``verify`` and the tests check it)."""
    attributes = [
        {
            "statement": _statement(a),
            "name_literal": string_literal(a.name),
            "doc": docstring(a.doc, indent=4),
            "index": a.index,
            "node_id": string_literal(a.node_id),
            "field": string_literal(a.field_name),
            "kind": string_literal(a.type.input_kind),
            "node_type": string_literal(a.node_type),
            "node_version": string_literal(a.node_version),
            "signature": string_literal(a.signature),
        }
        for a in model.attributes
    ]
    class_header = format_statement(
        f"class {identifier(model.class_name)}(GeneratedWorkflow):\n"
        f"    {docstring(model.class_doc, indent=4)}\n"
    )
    source = f"_workflow_source: ClassVar[str] = {string_literal(model.source_name)}\n"
    if model.retired:  # names of inputs gone: a regeneration never hands them to another input
        items = ", ".join(f"({', '.join(map(string_literal, r))})" for r in model.retired)
        source = f"_retired: ClassVar[tuple[tuple[str, str, str], ...]] = ({items},)\n" + source
    return _ENV.get_template("module.py.jinja").render(
        generator_version=Code(model.generator_version),
        source_comment=comment_text(model.source_name),
        library_lines=_library_lines(model),
        schema_comment=comment_text(model.schema_label),
        content_hash=Code(model.content_hash) if model.content_hash.isalnum() else None,
        module_doc=docstring(model.module_doc),
        import_lines=_imports(model),
        class_name_literal=string_literal(model.class_name),
        class_header=Code(class_header),
        attributes=attributes,
        source_statement=Code(format_statement(source, 4)),
        object_classes=[_object_class(o) for o in object_classes(a.type for a in model.attributes)],
    )


def _library_lines(model: ModuleModel) -> list[Code]:
    """The header of a module from a server's library: where it came from, one literal a line
    (``library_source.parse_header`` reads them back)."""
    if model.library is None:
        return []
    return [
        Code(f"# Generated by ivk-codegen {model.generator_version} from an InvokeAI server's "
             "workflow library. Do not edit"),
        Code("# by hand: regenerate with `ivk-codegen` given this file; it reads the source below."),
        *(Code(f"# {label}: {comment_text(value)}") for label, value in model.library.fields()),
    ]  # fmt: skip


def _object_class(obj: ObjectType) -> Code:
    """``class LoRAField(SchemaObject):`` with a typed, documented line per field."""
    lines = [f"class {identifier(obj.name)}(SchemaObject):\n", f"    {docstring(obj.doc, indent=4)}\n"]
    for f in obj.fields:
        default = f" = {_default_expression(f.type, f.default)}" if f.has_default else ""
        lines.append(f"\n    {identifier(f.name)}: {f.type.annotation()}{default}\n")
        if f.doc:
            lines.append(f"    {docstring(f.doc, indent=4)}\n")
    return Code(format_statement("".join(lines)).rstrip("\n"))


def render_workflow_data(model: ModuleModel) -> str:
    """The embedded workflow, appended after formatting: it is most of the module's bytes,
    and black and libcst would spend most of their time on string pieces they cannot change
    (each piece is already in black's style; ``verify_workflow_data`` checks every line)."""
    return _ENV.get_template("workflow_data.py.jinja").render(
        workflow_chunks=_chunks(model.workflow_json), class_name=identifier(model.class_name)
    )
