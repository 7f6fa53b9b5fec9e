"""``ivk-codegen``: the command line. Exit 0 ok, 1 stale (with --check), 2 bad input."""

from __future__ import annotations

import argparse
import keyword
import os
import pathlib
import sys
from collections.abc import Sequence

from ivk_runtime.errors import IvkError
from ivk_runtime.graph.drift import drift

from . import __version__
from .extensions import load_extensions
from .naming import snake_case
from .package_init import render_package_init
from .pipeline import Generated, generate
from .recorded import read_recorded
from .schema_source import bundled_schema_name, load_schema
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
            "  ivk-codegen workflows/ -o generated/          # a module per workflow\n"
            "  ivk-codegen wf.json -o wf.py --check          # CI: exit 1 if stale or drifted\n"
            "  ivk-codegen wf.json -o wf.py --diff           # show what would change\n"
            "  ivk-codegen wf.json -o wf.py --server http://localhost:9090\n\n"
            f"Types come from the bundled schema ({_bundled()}) unless --schema or --server\n"
            "says otherwise.\n"
            "Exit status: 0 ok, 1 a module is stale or drifted (--check), 2 bad input.\n"
            "With several inputs nothing is written unless every one of them generates."
        ),
    )
    p.add_argument("inputs", nargs="+", type=pathlib.Path, metavar="WORKFLOW",
                   help="workflow .json files, or directories of them")  # fmt: skip
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
    p.add_argument("--class-name", help="the generated class's name (one input only)")
    p.add_argument("--new-names", action="store_true",
                   help="name inputs from their labels now, even where that changes what an "
                        "existing module's attribute sets (by default a regenerated module keeps "
                        "its names; every change is reported)")  # fmt: skip
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


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    raw_output: str | None = args.output
    args.output = pathlib.Path(raw_output) if raw_output is not None else None
    files = _expand(args.inputs)
    if not files:
        return _fail("no workflow .json files found in " + ", ".join(map(str, args.inputs)))
    many = len(files) > 1 or any(p.is_dir() for p in args.inputs)
    if many and args.class_name:
        return _fail("--class-name needs exactly one input file")
    if (args.check or args.diff) and args.output is None:
        return _fail(f"--{'check' if args.check else 'diff'} needs -o/--output to compare against")
    if many and args.output is None:
        return _fail(f"{len(files)} workflows need -o DIR: a directory to write their modules into")
    wants_dir = raw_output is not None and raw_output.endswith(("/", os.sep))
    out_dir = args.output if args.output is not None and (many or wants_dir or args.output.is_dir()) else None
    if args.init and out_dir is None:
        return _fail("--init needs -o DIR: the directory whose __init__.py it writes")

    try:
        schema = load_schema(args.schema, args.server, args.token)
        extensions = load_extensions(args.extension)
    except (IvkError, ValueError) as exc:
        return _fail(str(exc))

    targets: dict[pathlib.Path, pathlib.Path] = {}
    for path in files:
        target = out_dir / _module_file(path) if out_dir is not None else args.output
        if target is not None and target in targets:
            return _fail(f"{targets[target].name} and {path.name} would both be written to {target}")
        if target is not None:
            targets[target] = path
    target_of = {path: target for target, path in targets.items()}

    results: list[tuple[pathlib.Path, Generated]] = []
    failed = False
    for path in files:
        try:
            gen = generate(path, schema, extensions=extensions, class_name=args.class_name,
                           lock=target_of.get(path), new_names=args.new_names)  # fmt: skip
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
    if failed:
        return EXIT_BAD_INPUT  # all or nothing: no partial set of modules

    if args.output is None:
        sys.stdout.write(results[0][1].code)
        return EXIT_OK
    outputs = [(target_of[path], gen.code, gen.rebinds) for path, gen in results]
    if args.init and out_dir is not None:
        owners: dict[str, pathlib.Path] = {}
        for path, gen in results:  # one name, two classes: the package would keep only one
            if gen.class_name in owners:
                return _fail(f"--init: {owners[gen.class_name].name} and {path.name} both make class "
                             f"{gen.class_name}; generate them into different directories")  # fmt: skip
            owners[gen.class_name] = path
        names = [(target_of[path].stem, gen.class_name) for path, gen in results]
        outputs.append((out_dir / "__init__.py", render_package_init(names), ()))
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
