"""The generator: load -> resolve types -> intermediate model -> render (formatted by
black a statement at a time) -> verify with libcst."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Sequence
from dataclasses import dataclass

from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow import parse_workflow

from .build_model import build_module_model
from .extensions import TypeExtension
from .render import render_module, render_workflow_data
from .schema_source import SchemaSource
from .typemap import TypeResolver
from .verify import verify_module, verify_workflow_data

__all__ = ["Generated", "generate", "generate_source"]


@dataclass(frozen=True)
class Generated:
    source_name: str
    class_name: str
    code: str
    messages: tuple[str, ...]


def _read_json(path: pathlib.Path) -> object:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise WorkflowError(path.name, None, f"cannot read the file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise WorkflowError(path.name, None, f"not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise WorkflowError(
            path.name, None, f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise WorkflowError(path.name, None, "not a workflow: JSON nested too deeply") from exc


def _no_constant(name: str) -> object:
    # Python's json takes NaN and Infinity; JSON (and InvokeAI's GUI) does not
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def generate_source(
    raw: object,
    source_name: str,
    schema: SchemaSource,
    *,
    extensions: Sequence[TypeExtension] = (),
    class_name: str | None = None,
) -> Generated:
    workflow = parse_workflow(raw, source_name)
    resolver = TypeResolver(schema.index, extensions)
    model = build_module_model(
        workflow,
        raw,
        schema,
        resolver,
        class_name_override=class_name,
        file_stem=pathlib.PurePath(source_name).stem,
    )
    source = render_module(model)
    verify_module(source, frozenset(e.module for e in extensions))
    tail = render_workflow_data(model)
    verify_workflow_data(tail)
    code = source.rstrip("\n") + tail
    return Generated(source_name, model.class_name, code, model.messages)


def generate(
    path: pathlib.Path,
    schema: SchemaSource,
    *,
    extensions: Sequence[TypeExtension] = (),
    class_name: str | None = None,
) -> Generated:
    return generate_source(
        _read_json(path), path.name, schema, extensions=extensions, class_name=class_name
    )
