"""The generator: load -> resolve types -> intermediate model -> render (formatted by
black a statement at a time) -> verify with libcst."""

from __future__ import annotations

import pathlib
from collections.abc import Sequence
from dataclasses import dataclass

from ivk_runtime.workflow import parse_workflow

from .build_model import build_module_model
from .extensions import TypeExtension
from .json_input import read_workflow_json
from .library_source import LibrarySource
from .recorded import NOTHING, Recorded, read_recorded
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
    rebinds: tuple[str, ...] = ()  # attributes of the module regenerated whose binding changes


def generate_source(
    raw: object,
    source_name: str,
    schema: SchemaSource,
    *,
    extensions: Sequence[TypeExtension] = (),
    class_name: str | None = None,
    recorded: Recorded = NOTHING,
    lock_source: str = "",
    new_names: bool = False,
    library: LibrarySource | None = None,
) -> Generated:
    """``recorded``: the input table of the module being regenerated, whose names it keeps;
    ``library``: where a workflow from a server's library came from (its header records it)."""
    workflow = parse_workflow(raw, source_name)
    resolver = TypeResolver(schema.index, extensions)
    model = build_module_model(
        workflow,
        raw,
        schema,
        resolver,
        class_name_override=class_name,
        file_stem=pathlib.PurePath(source_name).stem,
        recorded=recorded,
        lock_source=lock_source,
        new_names=new_names,
        library=library,
    )
    source = render_module(model)
    modules, types = frozenset(e.module for e in extensions), frozenset(e.name for e in extensions)
    verify_module(source, modules, types)
    tail = render_workflow_data(model)
    verify_workflow_data(tail, model.class_name)
    code = source.rstrip("\n") + tail
    return Generated(source_name, model.class_name, code, model.messages, model.rebinds)


def generate(
    path: pathlib.Path,
    schema: SchemaSource,
    *,
    extensions: Sequence[TypeExtension] = (),
    class_name: str | None = None,
    lock: pathlib.Path | None = None,
    new_names: bool = False,
) -> Generated:
    """``lock``: the module being regenerated (if it exists, its names are kept)."""
    return generate_source(
        read_workflow_json(path),
        path.name,
        schema,
        extensions=extensions,
        class_name=class_name,
        recorded=read_recorded(lock) if lock is not None else NOTHING,
        lock_source=lock.name if lock is not None else "",
        new_names=new_names,
    )
