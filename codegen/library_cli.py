"""``ivk-codegen`` with a server's workflow library: ``--list-workflows``, ``--workflow NAME or
id`` (generate from the library), and a generated module given back (``ivk-codegen m.py``,
``--check m.py``: regenerate or check it from the source its header records)."""

from __future__ import annotations

import argparse
import pathlib
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ivk_runtime.errors import IvkError

from .config import Config
from .extensions import TypeExtension, load_extensions
from .library_client import LibraryError, LibraryItem, LibraryReader, LibraryWorkflow
from .library_source import (
    LibrarySource,
    ModuleHeader,
    parse_header,
    public_url,
    read_header,
    shown,
)
from .pipeline import Generated, generate_source
from .recorded import NOTHING, read_recorded
from .schema_source import SchemaSource, load_schema

__all__ = ["configured_module", "run_library", "wants_library"]

EXIT_OK, EXIT_STALE, EXIT_BAD_INPUT = 0, 1, 2  # as the command line's (cli.py)
_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")  # what InvokeAI's workflow ids are made of
Output = tuple[pathlib.Path, str, Sequence[str]]
Emit = Callable[[Sequence[Output], argparse.Namespace, SchemaSource], int]


def wants_library(args: argparse.Namespace) -> bool:
    return bool(args.list_workflows or args.workflow is not None or
                any(p.suffix == ".py" for p in args.inputs))  # fmt: skip


def _fail(message: str) -> int:
    print(f"ivk-codegen: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def _usage(args: argparse.Namespace) -> str:
    """What is wrong with the options of a library command, or ""."""
    modules = [p for p in args.inputs if p.suffix == ".py"]
    if args.list_workflows:
        if args.inputs or args.workflow is not None or args.output or args.check or args.diff:
            return "--list-workflows takes only --server (and --token)"
    elif args.workflow is not None and args.inputs:
        return "--workflow generates one workflow from the library: give no WORKFLOW files with it"
    elif args.workflow is None and len(modules) != len(args.inputs):
        return ("give either WORKFLOW.json files or generated modules (.py) to regenerate from "
                "the library sources they record, not both")  # fmt: skip
    elif args.workflow is None and args.output is not None:
        return (
            "a generated module is regenerated in place: -o goes with --workflow or WORKFLOW.json"
        )
    elif args.workflow is None and args.class_name:
        return "--class-name goes with --workflow (a regenerated module keeps its class's name)"
    if args.schema is not None:
        return "a library workflow is typed from its server's schema: --schema does not go with it"
    if args.init:
        return "--init goes with WORKFLOW files generated into a directory"
    if (args.list_workflows or args.workflow is not None) and not args.server:
        option = "--list-workflows" if args.list_workflows else "--workflow"
        return f"{option} needs --server URL: the InvokeAI server whose workflow library to read"
    if args.workflow is not None and (args.check or args.diff) and args.output is None:
        return f"--{'check' if args.check else 'diff'} needs -o/--output to compare against"
    return ""


def run_library(args: argparse.Namespace, config: Config | None, emit: Emit,
                module_file: Callable[[pathlib.Path], str]) -> int:  # fmt: skip
    if config is not None and args.server is None and args.schema is None:
        args.server = config.server
    if config is not None and not args.extension and config.extensions:
        args.extension, args.extension_home = list(config.extensions), str(config.path.parent)
    problem = _usage(args)
    if problem:
        return _fail(problem)
    try:
        if args.list_workflows:
            return _list(args)
        extensions = load_extensions(args.extension, getattr(args, "extension_home", ""))
        if args.workflow is not None:
            return _from_library(args, extensions, emit, module_file)
        return _regenerate(args, extensions, emit)
    except (IvkError, ValueError) as exc:
        return _fail(str(exc))


def _plain(text: str) -> str:
    """A name for a listing's column: as it is, with control characters escaped."""
    return text if text.isprintable() else ascii(text)[1:-1]


def _list(args: argparse.Namespace) -> int:
    with LibraryReader(args.server, args.token) as library:
        items, stable = library.list_all()
    if not stable:
        print(f"ivk-codegen: warning: the workflow library of {library.server} kept changing while "
              "it was listed: workflows saved meanwhile may be missing", file=sys.stderr)  # fmt: skip
    rows = [("ID", "NAME", "CATEGORY", "UPDATED")]
    rows += [(_plain(i.workflow_id), _plain(i.name), _plain(i.category) or "-", _plain(i.updated_at) or "-")
             for i in items]  # fmt: skip
    widths = [max(len(r[c]) for r in rows) for c in range(3)]
    widths[1] = min(widths[1], 48)  # a long name pushes its own line, not every line
    for row in rows:
        sys.stdout.write(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[3] + "\n"
        )
    if not args.quiet:
        print(f"{len(items)} workflows in the library of {library.server}", file=sys.stderr)
    return EXIT_OK


def _resolve(library: LibraryReader, query: str) -> LibraryWorkflow:
    """The workflow whose id is ``query``, else the one named so; an error for none or several."""
    items, stable = library.list_all()
    picked: LibraryItem | None = next((i for i in items if i.workflow_id == query), None)
    if picked is None:
        named = [i for i in items if i.name == query]
        if len(named) > 1:
            lines = [f"  {shown(i.workflow_id)}  {shown(i.name)}  ({i.category or '?'}, updated "
                     f"{_plain(i.updated_at) or '?'})" for i in named]  # fmt: skip
            raise LibraryError(f"{len(named)} workflows in the library of {library.server} are named "
                               f"{shown(query)}: pass the id of one to --workflow:\n" + "\n".join(lines))  # fmt: skip
        picked = named[0] if named else None
    # an id the list hides is asked for; what no id looks like ("../x") is not sent at all
    asked = picked.workflow_id if picked is not None else query if _ID.fullmatch(query) else None
    found = library.get(asked) if asked is not None else None
    if found is None:
        changed = "" if stable else " (the library kept changing while it was listed)"
        raise LibraryError(f"no workflow with the id or name {shown(query)} in the library of "
                           f"{library.server}{changed}: see `ivk-codegen --server {library.server} "
                           "--list-workflows`")  # fmt: skip
    return found


def _source(
    found: LibraryWorkflow, server: str, old: ModuleHeader | None, checking: bool
) -> LibrarySource:
    """What the module records. Checking, a library copy saved again with the same content keeps
    the time recorded: only a change of content makes the module stale."""
    updated = found.updated_at
    if (
        checking
        and old is not None
        and old.library is not None
        and old.library.workflow_id == found.workflow_id
    ):
        updated = old.library.updated_at
    return LibrarySource(public_url(server), found.workflow_id, found.name, updated)


def _generate(found: LibraryWorkflow, source: LibrarySource, schema: SchemaSource, target: pathlib.Path | None,
              args: argparse.Namespace, extensions: Sequence[TypeExtension],
              class_name: str | None = None) -> Generated:  # fmt: skip
    label = f"{found.name or found.workflow_id} (library)"
    gen = generate_source(found.workflow, label, schema, extensions=extensions,
                          class_name=class_name or None,
                          recorded=read_recorded(target) if target is not None else NOTHING,
                          lock_source=target.name if target is not None else "",
                          new_names=args.new_names, library=source)  # fmt: skip
    if not args.quiet:
        for message in gen.messages:
            if not (args.check and message.removeprefix("warning: ") in gen.rebinds):
                print(f"{label}: {message}", file=sys.stderr)
    return gen


def _changed(
    target: pathlib.Path, old: ModuleHeader | None, code: str, fresh: LibraryWorkflow
) -> str:
    """One line saying how the library's copy differs from what the module was made from, or ""."""
    if old is None or not old.content_hash or old.content_hash == parse_header(code).content_hash:
        return ""
    was = old.library
    notes = []
    if was is not None and was.name != fresh.name:
        notes.append(f"renamed from {shown(was.name)}")
    if was is not None and was.updated_at != fresh.updated_at and fresh.updated_at:
        notes.append(f"updated {_plain(was.updated_at) or '?'} -> {_plain(fresh.updated_at)}")
    if was is None or was.workflow_id != fresh.workflow_id:
        notes.append("the module was not generated from this workflow")
    now = LibrarySource("", fresh.workflow_id, fresh.name)
    return (f"ivk-codegen: {target}: {now.describe()} changed: its content is not what the module "
            "was generated from"
            + (f" ({'; '.join(notes)})" if notes else ""))  # fmt: skip


def configured_module(query: str, output: str, class_name: str | None, args: argparse.Namespace,
                      schema: SchemaSource, extensions: Sequence[TypeExtension],
                      module_file: Callable[[pathlib.Path], str]) -> tuple[Output, str]:  # fmt: skip
    """A library workflow's module for ``output`` (a file, or a directory: named from the
    workflow), and, checking, the line saying its library copy changed ("" if it did not)."""
    with LibraryReader(args.server, args.token) as library:
        found = _resolve(library, query)
    target = _target(output, found, module_file)
    old = read_header(target)
    _not_another(target, old, found, args)
    source = _source(found, args.server, old, args.check)
    gen = _generate(found, source, schema, target, args, extensions, class_name)
    changed = _changed(target, old, gen.code, found) if args.check else ""
    return (target, gen.code, gen.rebinds), changed


def _not_another(
    target: pathlib.Path, old: ModuleHeader | None, found: LibraryWorkflow, args: argparse.Namespace
) -> None:
    """Writing, a module generated from another library workflow is not replaced unless
    --new-names says so (its users import a class that would become another workflow's)."""
    was = old.library if old is not None else None
    if was is None or was.workflow_id == found.workflow_id or args.check or args.diff:
        return
    now = LibrarySource("", found.workflow_id, found.name).describe()
    if not args.new_names:
        raise LibraryError(f"{target} was generated from {was.describe()}, not from the {now} "
                           "asked for: pass --new-names to replace it, or choose another -o")  # fmt: skip
    if not args.quiet:
        print(f"ivk-codegen: {target}: replacing the module of {was.describe()} with {now} "
              "(--new-names)", file=sys.stderr)  # fmt: skip


def _target(
    output: str, found: LibraryWorkflow, module_file: Callable[[pathlib.Path], str]
) -> pathlib.Path:
    target = pathlib.Path(output)
    if output.endswith(("/", "\\")) or target.is_dir():
        stem = (found.name or "workflow").replace("/", "_").replace("\\", "_")
        target = target / module_file(pathlib.Path(stem + ".json"))
    return target


def _from_library(args: argparse.Namespace, extensions: Sequence[TypeExtension], emit: Emit,
                  module_file: Callable[[pathlib.Path], str]) -> int:  # fmt: skip
    if args.output is None:  # to stdout
        with LibraryReader(args.server, args.token) as library:
            found = _resolve(library, args.workflow)
        schema = load_schema(None, args.server, args.token)
        source = _source(found, args.server, None, False)
        sys.stdout.write(
            _generate(found, source, schema, None, args, extensions, args.class_name).code
        )
        return EXIT_OK
    schema = load_schema(None, args.server, args.token)
    output, changed = configured_module(args.workflow, args.output, args.class_name, args, schema,
                                        extensions, module_file)  # fmt: skip
    if changed:
        print(changed, file=sys.stderr)
    return max(EXIT_STALE if changed else EXIT_OK, emit([output], args, schema))


@dataclass(frozen=True)
class _Module:
    path: pathlib.Path
    header: ModuleHeader
    library: LibrarySource


def _recorded(paths: Sequence[pathlib.Path]) -> list[_Module]:
    modules = []
    for path in paths:
        header = read_header(path)
        if header is None:
            raise LibraryError(
                f"{path}: cannot read it (a generated module to regenerate from its library)"
            )
        if header.library is None:
            raise LibraryError(f"{path}: its header records no library source (no 'Library server' and "
                               "'Library workflow id' lines): a module generated from a file is "
                               f"regenerated from it: `ivk-codegen WORKFLOW.json -o {path}`")  # fmt: skip
        modules.append(_Module(path, header, header.library))
    return modules


def _regenerate(args: argparse.Namespace, extensions: Sequence[TypeExtension], emit: Emit) -> int:
    """Each module from the source its header records (or from --server): all generate, or
    nothing is written."""
    modules = _recorded(args.inputs)
    schemas: dict[str, SchemaSource] = {}
    results: list[tuple[_Module, SchemaSource, Generated, str]] = []
    gone = []
    # The header is untrusted: $INVOKEAI_TOKEN goes only to a server the user named (--server,
    # or pyproject's); to the header's, a token is sent only when --token gives one.
    ambient = args.server is not None
    for module in modules:
        server = args.server or module.library.server
        with LibraryReader(server, args.token, ambient_token=ambient) as library:
            found = library.get(module.library.workflow_id)
        if found is None:
            gone.append(f"{module.path}: {module.library.describe()} is no longer in the library of "
                        f"{public_url(server)}")  # fmt: skip
            continue
        if server not in schemas:
            schemas[server] = load_schema(None, server, args.token, ambient_token=ambient)
        # checking, the record stays as it was (a --server that only says where to reach it)
        recorded = module.library.server if args.check else server
        source = _source(found, recorded, module.header, args.check)
        gen = _generate(found, source, schemas[server], module.path, args, extensions)
        results.append(
            (module, schemas[server], gen, _changed(module.path, module.header, gen.code, found))
        )
    for line in gone:
        print(f"ivk-codegen: {'error: ' if not args.check else ''}{line}", file=sys.stderr)
    if gone and not args.check:
        return EXIT_BAD_INPUT  # all or nothing
    status = EXIT_STALE if gone else EXIT_OK
    for module, schema, gen, changed in results:
        if args.check and changed:
            print(changed, file=sys.stderr)
            status = EXIT_STALE
        status = max(status, emit([(module.path, gen.code, gen.rebinds)], args, schema))
    return status
