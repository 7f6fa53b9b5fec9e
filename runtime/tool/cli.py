"""``python -m my_wf``: a generated module's own command line.

    python -m my_wf --prompt "a lighthouse" --steps 30 --out out/

Options come from the class's attributes (see ``options``); values go through ``from_dict``,
the same strict validation as the constructor. Exit 0: done; 1: a run failed, or the server
could not be reached or refused the workflow; 2: bad arguments; 130: interrupted. Files
written are printed, one a line (``--json``: a JSON document instead).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import pathlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..client.terminal_text import printable
from ..errors import IvkError
from .argument_errors import argument_errors
from .batch_run import FAILED, OK, USAGE, run_batch
from .options import Option, add_options, options_of
from .runs_file import RunsFileError, read_runs

if TYPE_CHECKING:
    from ..client.generated import GeneratedWorkflow
    from ..client.sync_client import InvokeAIClient

__all__ = ["main"]

# The tool's own options; an input whose flag is one of these is --input-NAME.
RESERVED = frozenset(
    ["-h", "--help", "--server", "--token", "--out", "--runs", "--dry-run", "--json",
     "--progress", "--no-progress", "--timeout", "--mcp"]
)  # fmt: skip
_MCP_TAKES = {"server", "token", "timeout", "mcp", "progress"}


def main(
    cls: type[GeneratedWorkflow], argv: Sequence[str] | None = None, *, prog: str | None = None
) -> int:
    """Run the workflow of ``cls`` as the command line asks; the exit code."""
    try:
        return _main(cls, argv, prog)
    except BrokenPipeError:  # `... | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return FAILED


def _main(cls: type[GeneratedWorkflow], argv: Sequence[str] | None, prog: str | None) -> int:
    options = options_of(cls, RESERVED)
    parser = _parser(cls, options, prog)
    args = parser.parse_args(argv)  # exits 2 on a malformed command line
    if args.mcp:
        return _serve_mcp(cls, parser, args, options)
    try:
        params = _params(cls, options, args)
        if not args.dry_run:
            _check_out(args.out)
    except (RunsFileError, _BadValues) as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return USAGE
    from ..client.sync_client import InvokeAIClient

    try:
        with InvokeAIClient(args.server, token=args.token) as client:
            if args.dry_run:
                return _dry_run(cls, client, params)
            return run_batch(cls, client, params, args, parser.prog)
    except IvkError as exc:
        print(f"{parser.prog}: error: {printable(str(exc))}", file=sys.stderr)
        return FAILED


class _BadValues(Exception):
    pass


def _parser(
    cls: type[GeneratedWorkflow], options: list[Option], prog: str | None
) -> argparse.ArgumentParser:
    doc = printable(inspect.cleandoc(cls.__doc__ or cls.__name__), newlines=True)
    parser = argparse.ArgumentParser(
        prog=prog or _prog(cls),
        description=doc.split("\n\nEach attribute is one input")[0],  # the rest is for Python
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the workflow's own paragraphs
        epilog="Exit status: 0 done, 1 a run failed (or the server refused it), 2 bad arguments,"
        " 130 interrupted (the runs not finished are canceled).",
        allow_abbrev=False,  # --output must not quietly mean --output-board
    )
    run = parser.add_argument_group("running")
    run.add_argument(
        "--server",
        default=os.environ.get("INVOKEAI_URL") or "http://localhost:9090",
        help="the InvokeAI server (default: $INVOKEAI_URL, else http://localhost:9090)",
    )
    run.add_argument(
        "--token",  # unset: the client reads $INVOKEAI_TOKEN itself
        help="a bearer token for a multi-user server (default: $INVOKEAI_TOKEN)",
    )
    run.add_argument(
        "--out",
        type=pathlib.Path,
        default=pathlib.Path("."),
        metavar="DIR",
        help="where the images and videos are written (default: the current folder)",
    )
    run.add_argument(
        "--runs",
        type=pathlib.Path,
        metavar="FILE",
        help="many runs in one batch: JSON lines (as to_dict writes them) or CSV with "
        "a header row of input names; the options given here apply to every row",
    )
    run.add_argument(
        "--dry-run",
        action="store_true",
        help="print the enqueue_batch bodies that would be sent (checked against the "
        "server, nothing uploaded or run)",
    )
    run.add_argument(
        "--json", action="store_true", help="print the results as JSON, not file names"
    )
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="a progress bar on a terminal (default: on)",
    )
    run.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        help="give up waiting for the whole batch after this long: the finished runs' "
        "files are written, the others canceled",
    )
    run.add_argument("--mcp", action="store_true",
                     help="serve the workflow as an MCP tool over stdio instead of running it "
                     "(takes --server, --token and --timeout only)")  # fmt: skip
    add_options(parser, options)
    return parser


def _prog(cls: type[GeneratedWorkflow]) -> str:
    module = cls.__module__
    if module == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        module = spec.name if spec is not None else pathlib.Path(sys.argv[0]).name
    return f"python -m {module}"


def _serve_mcp(
    cls: type[GeneratedWorkflow], parser: argparse.ArgumentParser, args: argparse.Namespace,
    options: list[Option],
) -> int:  # fmt: skip
    flags = {o.dest: o.flag for o in options}
    defaults = {"out": pathlib.Path("."), "runs": None, "dry_run": False, "json": False}
    ignored = [flags.get(k, "--" + k.replace("_", "-")) for k, v in vars(args).items()
               if k not in _MCP_TAKES and (k in flags or v != defaults.get(k, v))]  # fmt: skip
    if ignored:  # they would be dropped without a word: the tool's caller sets the inputs
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: --mcp takes no {', '.join(ignored)} (a call's arguments set "
              "the inputs)", file=sys.stderr)  # fmt: skip
        return USAGE
    from .mcp_tool import serve_stdio  # the mcp SDK loads only here

    try:
        serve_stdio(cls, url=args.server, token=args.token, timeout=args.timeout)
    except ImportError as exc:  # the optional extra is missing: say how to get it
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return USAGE
    return OK


def _params(
    cls: type[GeneratedWorkflow], options: list[Option], args: argparse.Namespace
) -> list[Any]:
    given: dict[str, Any] = {}
    for o in options:
        if hasattr(args, o.dest):
            raw = getattr(args, o.dest)
            if o.shape == "files":
                given[o.attribute] = [o.value(r) for r in raw]
            else:
                given[o.attribute] = raw if o.shape == "bool" else o.value(raw)
    rows = read_runs(args.runs, options) if args.runs else [("", {})]
    flags = {o.attribute: o.flag for o in options}
    params = []
    for where, row in rows:
        at = f"{args.runs}: {where}: " if args.runs else ""
        try:
            params.append(cls.from_dict({**given, **row}))
        except ValidationError as exc:
            raise _BadValues(at + _messages(exc, flags)) from None
        except (ValueError, TypeError, ImportError) as exc:  # a value no validator could read
            raise _BadValues(at + printable(str(exc))) from None
    _check_files(params, cls, flags)
    return params


def _messages(exc: ValidationError, flags: dict[str, str]) -> str:
    """pydantic's words, one per wrong input (a union's members said once), by its flag."""
    said = []
    for line in argument_errors(exc):
        head, sep, rest = line.removeprefix("- ").partition(":")
        attribute, dot, inner = head.partition(".")
        said.append(printable(f"{flags.get(attribute, attribute)}{dot}{inner}{sep}{rest}"))
    return "; ".join(said)


def _check_files(params: list[Any], cls: type[GeneratedWorkflow], flags: dict[str, str]) -> None:
    """A local file that is not there is a bad argument, not a failed run."""
    for p in params:
        for spec in cls.input_specs():
            if spec.kind not in ("image", "video"):
                continue
            value = getattr(p, spec.attribute)
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, pathlib.PurePath) and not pathlib.Path(item).is_file():
                    raise _BadValues(f"{flags[spec.attribute]}: no such file: {item}")


def _check_out(out: pathlib.Path) -> None:
    """--out is a folder we can write, found before anything runs (not after)."""
    if out.exists() and not out.is_dir():
        raise _BadValues(f"--out: {out} is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _BadValues(f"--out: cannot make {out}: {exc.strerror or exc}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise _BadValues(f"--out: cannot write into {out}")


def _dry_run(cls: type[GeneratedWorkflow], client: InvokeAIClient, params: list[Any]) -> int:
    bodies = client.preview(
        cls.workflow(),
        [p.to_values() for p in params],
        attribute_names=cls.attribute_names(),
        expects=cls.expectations(),
    )
    json.dump(bodies, sys.stdout, indent=2, ensure_ascii=False, default=str)
    print()
    return OK
