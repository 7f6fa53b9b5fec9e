"""``ivk-codegen``: the command line. Exit 0 ok, 1 stale (with --check), 2 bad input."""

from __future__ import annotations

import argparse
import pathlib
import sys
from collections.abc import Sequence

from ivk_runtime.errors import IvkError
from ivk_runtime.graph.drift import drift

from . import __version__
from .drift_check import recorded_expectations
from .extensions import load_extensions
from .naming import snake_case
from .pipeline import Generated, generate
from .schema_source import load_schema
from .writer import diff, is_current, write_if_changed

__all__ = ["main"]

EXIT_OK, EXIT_STALE, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ivk-codegen",
        description="Generate a typed Python module from exported InvokeAI workflow JSON files.",
        epilog="Exit status: 0 ok, 1 a module is stale (--check), 2 bad input. "
        "With several inputs nothing is written unless every one of them generates.",
    )
    p.add_argument("inputs", nargs="+", type=pathlib.Path, metavar="WORKFLOW",
                   help="workflow .json files, or directories of them")  # fmt: skip
    p.add_argument("-o", "--output", type=pathlib.Path,
                   help="output .py file; a directory for several inputs (default: stdout)")  # fmt: skip
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 and print a diff when an output is stale")  # fmt: skip
    src = p.add_mutually_exclusive_group()
    src.add_argument("--schema", metavar="FILE", help="InvokeAI OpenAPI schema JSON to type from")
    src.add_argument("--server", metavar="URL",
                     help="read the schema from a running InvokeAI server (your node packs)")  # fmt: skip
    p.add_argument("--class-name", help="the generated class's name (one input only)")
    p.add_argument("--extension", action="append", default=[], metavar="MODULE",
                   help="a module with IVK_TYPE_EXTENSIONS for custom field types (repeatable)")  # fmt: skip
    p.add_argument("-q", "--quiet", action="store_true", help="no warnings or renames on stderr")
    p.add_argument("--version", action="version", version=f"ivk-codegen {__version__}")
    return p


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
    return ("workflow_" + stem if stem[0].isdigit() else stem) + ".py"


def _fail(message: str) -> int:
    print(f"ivk-codegen: error: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    files = _expand(args.inputs)
    if not files:
        return _fail("no workflow .json files found in " + ", ".join(map(str, args.inputs)))
    many = len(files) > 1 or any(p.is_dir() for p in args.inputs)
    if many and args.class_name:
        return _fail("--class-name needs exactly one input file")
    if args.check and args.output is None:
        return _fail("--check needs -o/--output to compare against")
    out_dir = args.output if args.output is not None and (many or args.output.is_dir()) else None

    try:
        schema = load_schema(args.schema, args.server)
        extensions = load_extensions(args.extension)
    except (IvkError, ValueError) as exc:
        return _fail(str(exc))

    results: list[tuple[pathlib.Path, Generated]] = []
    failed = False
    for path in files:
        try:
            gen = generate(path, schema, extensions=extensions, class_name=args.class_name)
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
                print(f"{path.name}: {message}", file=sys.stderr)
        results.append((path, gen))
    if failed:
        return EXIT_BAD_INPUT  # all or nothing: no partial set of modules

    targets: dict[pathlib.Path, pathlib.Path] = {}
    for path, _ in results:
        target = out_dir / _module_file(path) if out_dir is not None else args.output
        if target is not None and target in targets:
            return _fail(f"{targets[target].name} and {path.name} would both be written to {target}")
        if target is not None:
            targets[target] = path

    if args.output is None:
        sys.stdout.write(results[0][1].code)
        return EXIT_OK
    status = EXIT_OK
    for target, (_, gen) in zip(targets, results):
        if args.check:
            errors, notes = drift(recorded_expectations(target), schema.index)
            for note in notes:
                print(f"ivk-codegen: {target}: {note}", file=sys.stderr)
            for error in errors:
                print(f"ivk-codegen: {target}: drift from {schema.label}: {error}", file=sys.stderr)
            if errors:
                status = EXIT_STALE
            if not is_current(target, gen.code):
                sys.stdout.write(diff(target, gen.code))
                print(f"ivk-codegen: {target} is stale", file=sys.stderr)
                status = EXIT_STALE
        elif write_if_changed(target, gen.code) and not args.quiet:
            print(f"wrote {target}", file=sys.stderr)
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
