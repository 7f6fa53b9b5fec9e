"""``ivk-codegen``: the command line. Exit 0 ok, 1 stale (with --check), 2 bad input."""

from __future__ import annotations

import argparse
import keyword
import os
import pathlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from ivk_runtime.errors import IvkError
from ivk_runtime.graph.drift import drift

from . import __version__
from .config import Config, ConfigError, find_config
from .extensions import load_extensions
from .library_cli import configured_module, run_library, wants_library
from .naming import snake_case
from .package_init import render_package_init
from .pipeline import Generated, generate
from .recorded import read_recorded
from .schema_source import SchemaSource, bundled_schema_name, load_schema
from .writer import diff, is_current, write_if_changed

__all__ = ["main"]

EXIT_OK, EXIT_STALE, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ivk-codegen",
        description="Generate a typed Python module from exported InvokeAI workflow JSON files.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "examples:\n"
            "  ivk-codegen my_workflow.json -o my_workflow.py\n"
            "  ivk-codegen                                   # the workflows of [tool.ivk-codegen]\n"
            "  ivk-codegen workflows/ -o generated/          # a module per workflow\n"
            "  ivk-codegen wf.json -o wf.py --check          # CI: exit 1 if stale or drifted\n"
            "  ivk-codegen wf.json -o wf.py --diff           # show what would change\n"
            "  ivk-codegen wf.json -o wf.py --server http://localhost:9090\n"
            "  ivk-codegen --server URL --list-workflows     # the server's workflow library\n"
            "  ivk-codegen --server URL --workflow 'My flow' -o my_flow.py   # NAME or id\n"
            "  ivk-codegen --check my_flow.py                # has the library's copy changed?\n\n"
            f"Types come from the bundled schema ({_bundled()}) unless --schema or --server\n"
            "says otherwise. Options given here override pyproject.toml's [tool.ivk-codegen].\n"
            "Exit status: 0 ok, 1 a module is stale or drifted (--check), 2 bad input.\n"
            "With several inputs nothing is written unless every one of them generates."
        ),
    )
    p.add_argument("inputs", nargs="*", type=pathlib.Path, metavar="WORKFLOW",
                   help="workflow .json files, or directories of them (default: those that "
                        "[tool.ivk-codegen] in pyproject.toml configures); or modules generated "
                        "with --workflow (.py), regenerated from the library source they record")  # fmt: skip
    p.add_argument("-o", "--output", metavar="OUT",
                   help="output .py file, or a directory (made if missing; needed for several "
                        "inputs; a trailing / says directory) (default: stdout)")  # fmt: skip
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true",
                      help="write nothing; exit 1 and print a diff when an output is stale")  # fmt: skip
    mode.add_argument("--diff", action="store_true",
                      help="write nothing; print what would change")  # fmt: skip
    src = p.add_mutually_exclusive_group()
    src.add_argument("--schema", metavar="FILE", help="InvokeAI OpenAPI schema JSON to type from")
    src.add_argument("--server", metavar="URL",
                     help="read the schema from a running InvokeAI server (your node packs)")  # fmt: skip
    p.add_argument("--token", metavar="TOKEN",
                   help="with --server: a multi-user server's token (default: $INVOKEAI_TOKEN)")  # fmt: skip
    lib = p.add_argument_group("a server's workflow library (with --server)")
    lib.add_argument("--workflow", metavar="NAME_OR_ID",
                     help="generate from the workflow of this id (else this exact name) in the "
                          "server's library; a module made so is regenerated or checked from the "
                          "source it records: `ivk-codegen [--check] MODULE.py`")  # fmt: skip
    lib.add_argument("--list-workflows", action="store_true",
                     help="list the library's workflows (id, name, category, updated) and exit")  # fmt: skip
    p.add_argument("--class-name", help="the generated class's name (one input only)")
    p.add_argument("--new-names", action="store_true",
                   help="name inputs from their labels now, even where that changes what an "
                        "existing module's attribute sets (by default a regenerated module keeps "
                        "its names; every change is reported); with --workflow, also replace "
                        "a module generated from another library workflow")  # fmt: skip
    p.add_argument("--init", action="store_true",
                   help="with -o DIR: also write DIR/__init__.py importing every class")  # fmt: skip
    p.add_argument("--extension", action="append", default=[], metavar="MODULE",
                   help="a module with IVK_TYPE_EXTENSIONS for custom field types (repeatable)")  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no warnings or renames on stderr")
    p.add_argument("--version", action="version", version=f"ivk-codegen {__version__}")
    return p


def _bundled() -> str:
    try:
        return bundled_schema_name().removesuffix(".json")
    except IvkError:
        return "missing from this install"


def _expand(inputs: Sequence[pathlib.Path]) -> list[pathlib.Path]:
    files: list[pathlib.Path] = []
    for path in inputs:
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if p.suffix == ".json" and p.is_file())
        else:
            files.append(path)
    return files


def _module_file(source: pathlib.Path) -> str:
    stem = snake_case(source.stem) or "workflow"
    stem = "workflow_" + stem if stem[0].isdigit() else stem
    return (stem + "_" if keyword.iskeyword(stem) or stem == "__init__" else stem) + ".py"  # importable


def _fail(message: str) -> int:
    print(f"ivk-codegen: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:  # `ivk-codegen ... --check | head`: the reader left, nothing is wrong
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that Python's exit flush does not fail too
        return EXIT_STALE if argv is not None and "--check" in argv else EXIT_OK


@dataclass(frozen=True)
class _Job:
    """One set of inputs and their output: the command line's, or a configured entry's."""

    inputs: list[pathlib.Path]
    raw_output: str | None
    class_name: str | None
    init: bool
    key: str = ""  # the config entry's key, for messages; "" for the command line


@dataclass(frozen=True)
class _Plan:
    job: _Job
    files: list[pathlib.Path]
    output: pathlib.Path | None
    out_dir: pathlib.Path | None
    target_of: dict[pathlib.Path, pathlib.Path]


def _jobs(args: argparse.Namespace, config: Config | None) -> list[_Job] | str:
    """What to generate, and the shared options with the config's filled in where none is given."""
    if config is not None:
        if args.schema is None and args.server is None:
            args.schema = str(config.schema) if config.schema is not None else None
            args.server = config.server
        if not args.extension and config.extensions:  # found from the project's root too
            args.extension, args.extension_home = list(config.extensions), str(config.path.parent)
        args.quiet = args.quiet or config.quiet
    if args.inputs:  # explicit inputs: the configured workflows are not wanted this time
        return [_Job(args.inputs, args.output, args.class_name, args.init)]
    if config is None:
        return ("no WORKFLOW given, and no pyproject.toml here or above has a [tool.ivk-codegen] "
                "table: pass WORKFLOW.json files (see --help), or configure them there")  # fmt: skip
    if args.output is not None or args.class_name or args.init:
        return ("-o, --class-name and --init go with WORKFLOW arguments; the configured "
                f"workflows take theirs from {config.path}")  # fmt: skip
    if not config.entries:
        return f"{config.path}: tool.ivk-codegen.workflows: no workflows configured"
    return [_Job([e.workflow], e.output, e.class_name, e.init, e.key) for e in config.entries if e.workflow]


def _plan(job: _Job, args: argparse.Namespace) -> _Plan | str:
    """The files and targets of one job, or what is wrong with it; nothing read but names."""
    output = pathlib.Path(job.raw_output) if job.raw_output is not None else None
    files = _expand(job.inputs)
    if not files:
        return "no workflow .json files found in " + ", ".join(map(str, job.inputs))
    many = len(files) > 1 or any(p.is_dir() for p in job.inputs)
    if many and job.class_name:
        return "--class-name needs exactly one input file"
    if (args.check or args.diff) and output is None:
        return f"--{'check' if args.check else 'diff'} needs -o/--output to compare against"
    if many and output is None:
        return f"{len(files)} workflows need -o DIR: a directory to write their modules into"
    wants_dir = job.raw_output is not None and job.raw_output.endswith(("/", os.sep))
    out_dir = output if output is not None and (many or wants_dir or output.is_dir()) else None
    if job.init and out_dir is None:
        return "--init needs -o DIR: the directory whose __init__.py it writes"
    targets: dict[pathlib.Path, pathlib.Path] = {}
    for path in files:
        target = out_dir / _module_file(path) if out_dir is not None else output
        if target is not None and target in targets:
            return f"{targets[target].name} and {path.name} would both be written to {target}"
        if target is not None:
            targets[target] = path
    return _Plan(job, files, output, out_dir, {path: target for target, path in targets.items()})


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = find_config()
    except ConfigError as exc:
        return _fail(str(exc))
    if wants_library(args):
        return run_library(args, config, _emit, _module_file)
    jobs = _jobs(args, config)
    if isinstance(jobs, str):
        return _fail(jobs)
    plans: list[_Plan] = []
    writers: dict[pathlib.Path, str] = {}  # every file any job writes -> the job's key
    for job in jobs:
        plan = _plan(job, args)
        if isinstance(plan, str):
            return _fail(f"{config.path}: {job.key}: {plan}" if job.key and config is not None else plan)
        init = [plan.out_dir / "__init__.py"] if job.init and plan.out_dir is not None else []
        for target in [*plan.target_of.values(), *init]:
            other = writers.setdefault(target.resolve(), job.key)
            if other != job.key and config is not None:
                return _fail(f"{config.path}: {job.key} and {other} would both write {target}")
        plans.append(plan)
    # configured workflows of the server's library (``library = "NAME or id"``), typed from its schema
    library_entries = [e for e in config.entries if e.library] if config is not None and not args.inputs else []
    if config is not None and library_entries and (args.schema is not None or not args.server):
        return _fail(f"{config.path}: {library_entries[0].key}.library: a library workflow is read "
                     "from its server and typed from its schema: set tool.ivk-codegen.server "
                     "(or pass --server URL), not a schema")  # fmt: skip

    try:
        schema = load_schema(args.schema, args.server, args.token)
        extensions = load_extensions(args.extension, getattr(args, "extension_home", ""))
    except (IvkError, ValueError) as exc:
        return _fail(str(exc))

    every: list[tuple[_Plan, list[tuple[pathlib.Path, Generated]]]] = []
    failed = False
    for plan in plans:
        results: list[tuple[pathlib.Path, Generated]] = []
        for path in plan.files:
            try:
                gen = generate(path, schema, extensions=extensions, class_name=plan.job.class_name,
                               lock=plan.target_of.get(path), new_names=args.new_names)  # fmt: skip
            except IvkError as exc:
                _fail(str(exc) if str(exc).startswith(path.name) else f"{path.name}: {exc}")
                failed = True
                continue
            except Exception as exc:  # a bug of ours: still one line, still no output
                _fail(f"{path.name}: internal error ({type(exc).__name__}: {exc}); please report it")
                failed = True
                continue
            if not args.quiet:
                for message in gen.messages:
                    if not (args.check and message.removeprefix("warning: ") in gen.rebinds):
                        print(f"{path.name}: {message}", file=sys.stderr)
            results.append((path, gen))
        every.append((plan, results))
    library_outputs: list[tuple[pathlib.Path, str, Sequence[str]]] = []
    changed: list[str] = []
    for entry in library_entries:
        assert config is not None and entry.library is not None
        try:
            output, line = configured_module(entry.library, entry.output, entry.class_name, args, schema,
                                             extensions, _module_file)  # fmt: skip
        except (IvkError, ValueError) as exc:
            _fail(f"{config.path}: {entry.key}: {exc}")
            failed = True
            continue
        other = writers.setdefault(output[0].resolve(), entry.key)
        if other != entry.key:
            return _fail(f"{config.path}: {entry.key} and {other} would both write {output[0]}")
        library_outputs.append(output)
        changed += [line] if line else []
    if failed:
        return EXIT_BAD_INPUT  # all or nothing: no partial set of modules, across every job too

    if every and every[0][0].output is None:  # stdout: only ever one job, of one file
        sys.stdout.write(every[0][1][0][1].code)
        return EXIT_OK
    outputs: list[tuple[pathlib.Path, str, Sequence[str]]] = []
    for plan, results in every:
        outputs += [(plan.target_of[path], gen.code, gen.rebinds) for path, gen in results]
        if plan.job.init and plan.out_dir is not None:
            owners: dict[str, pathlib.Path] = {}
            for path, gen in results:  # one name, two classes: the package would keep only one
                if gen.class_name in owners:
                    where = f"{config.path}: {plan.job.key}.init" if plan.job.key and config else "--init"
                    return _fail(f"{where}: {owners[gen.class_name].name} and {path.name} both make class "
                                 f"{gen.class_name}; generate them into different directories")  # fmt: skip
                owners[gen.class_name] = path
            names = [(plan.target_of[path].stem, gen.class_name) for path, gen in results]
            outputs.append((plan.out_dir / "__init__.py", render_package_init(names), ()))
    for line in changed:  # --check: a library workflow's copy is not what its module was made from
        print(line, file=sys.stderr)
    return max(EXIT_STALE if changed else EXIT_OK, _emit(outputs + library_outputs, args, schema))


def _emit(outputs: Sequence[tuple[pathlib.Path, str, Sequence[str]]], args: argparse.Namespace,
          schema: SchemaSource) -> int:  # fmt: skip
    """Write, check or diff the outputs; every one has generated."""
    status = EXIT_OK
    for target, code, rebinds in outputs:
        if args.diff:
            if not is_current(target, code):
                sys.stdout.write(diff(target, code))
            continue
        if args.check:
            for rebind in rebinds:  # a name that would set something else, or nothing
                print(f"ivk-codegen: {target}: {rebind}", file=sys.stderr)
                status = EXIT_STALE
            errors, notes = drift(read_recorded(target).expectations, schema.index)
            for note in notes:
                print(f"ivk-codegen: {target}: {note}", file=sys.stderr)
            for error in errors:
                print(f"ivk-codegen: {target}: drift from {schema.label}: {error}", file=sys.stderr)
            if errors:
                status = EXIT_STALE
            if not is_current(target, code):
                sys.stdout.write(diff(target, code))
                print(f"ivk-codegen: {target} is stale", file=sys.stderr)
                status = EXIT_STALE
        else:
            try:
                written = write_if_changed(target, code)
            except OSError as exc:  # a file where a directory must be, a full disk, no rights
                return _fail(f"cannot write {target}: {exc.strerror or exc}")
            if written and not args.quiet:
                print(f"wrote {target}", file=sys.stderr)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
