"""``python -m my_wf``: a generated module's own command line.

    python -m my_wf --prompt "a lighthouse" --steps 30 --out out/

Options come from the class's attributes (see ``options``); values go through ``from_dict``,
the same strict validation as the constructor. Exit 0: done; 1: a run failed, or the server
could not be reached or refused the workflow; 2: bad arguments. Files written are printed,
one a line (``--json``: a JSON document instead).
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

from ..errors import IvkError, RunCanceled, RunFailed
from .options import Option, add_options, options_of
from .runs_file import RunsFileError, read_runs

if TYPE_CHECKING:
    from ..client.generated import GeneratedWorkflow
    from ..client.results import RunResult
    from ..client.sync_client import InvokeAIClient

__all__ = ["main"]

OK, FAILED, USAGE = 0, 1, 2


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
    options = options_of(cls)
    parser = _parser(cls, options, prog)
    args = parser.parse_args(argv)  # exits 2 on a malformed command line
    if args.mcp:
        from .mcp_tool import serve_stdio  # the mcp SDK loads only here

        try:
            serve_stdio(cls, url=args.server, token=args.token, timeout=args.timeout)
        except ImportError as exc:  # the optional extra is missing: say how to get it
            print(f"{parser.prog}: error: {exc}", file=sys.stderr)
            return USAGE
        return OK
    try:
        params = _params(cls, options, args)
    except (RunsFileError, _BadValues) as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return USAGE
    from ..client.sync_client import InvokeAIClient

    try:
        with InvokeAIClient(args.server, token=args.token) as client:
            if args.dry_run:
                return _dry_run(cls, client, params)
            return _run(cls, client, params, args)
    except IvkError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return FAILED


class _BadValues(Exception):
    pass


def _parser(
    cls: type[GeneratedWorkflow], options: list[Option], prog: str | None
) -> argparse.ArgumentParser:
    doc = inspect.cleandoc(cls.__doc__ or cls.__name__)
    parser = argparse.ArgumentParser(
        prog=prog or _prog(cls),
        description=doc.split("\n\nEach attribute is one input")[0],  # the rest is for Python
        formatter_class=argparse.RawDescriptionHelpFormatter,  # the workflow's own paragraphs
        epilog="Exit status: 0 done, 1 a run failed (or the server refused it), 2 bad arguments.",
    )
    run = parser.add_argument_group("running")
    run.add_argument(
        "--server",
        default=os.environ.get("INVOKEAI_URL") or "http://localhost:9090",
        help="the InvokeAI server (default: $INVOKEAI_URL, else http://localhost:9090)",
    )
    run.add_argument(
        "--token",
        default=os.environ.get("INVOKEAI_TOKEN") or None,
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
        "--timeout", type=float, metavar="SECONDS", help="give up waiting after this long"
    )
    run.add_argument(
        "--mcp",
        action="store_true",
        help="serve the workflow as an MCP tool over stdio instead of running it",
    )
    add_options(parser, options)
    return parser


def _prog(cls: type[GeneratedWorkflow]) -> str:
    module = cls.__module__
    if module == "__main__":
        spec = getattr(sys.modules["__main__"], "__spec__", None)
        module = spec.name if spec is not None else pathlib.Path(sys.argv[0]).name
    return f"python -m {module}"


def _params(
    cls: type[GeneratedWorkflow], options: list[Option], args: argparse.Namespace
) -> list[Any]:
    given: dict[str, Any] = {}
    for o in options:
        if hasattr(args, o.attribute):
            raw = getattr(args, o.attribute)
            given[o.attribute] = (
                [o.value(r) for r in raw]
                if o.shape == "files"
                else (raw if o.shape == "bool" else o.value(raw))
            )
    rows = read_runs(args.runs, options) if args.runs else [{}]
    flags = {o.attribute: o.flag for o in options}
    params = []
    for number, row in enumerate(rows, 1):
        where = f"{args.runs}: run {number}: " if args.runs else ""
        try:
            params.append(cls.from_dict({**given, **row}))
        except ValidationError as exc:
            raise _BadValues(where + _messages(exc, flags)) from None
    _check_files(params, cls)
    return params


def _messages(exc: ValidationError, flags: dict[str, str]) -> str:
    lines = []
    for error in exc.errors():
        loc = error.get("loc") or ()
        head = str(loc[0]) if loc else ""
        name = flags.get(head, head)
        rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
        got = error.get("input")
        shown = json.dumps(got, ensure_ascii=False, default=str)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        lines.append(f"{name}{rest}: {error['msg']} (got {shown})")
    return "; ".join(lines)


def _check_files(params: list[Any], cls: type[GeneratedWorkflow]) -> None:
    """A local file that is not there is a bad argument, not a failed run."""
    for p in params:
        for spec in cls.input_specs():
            if spec.kind not in ("image", "video"):
                continue
            value = getattr(p, spec.attribute)
            for item in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(item, pathlib.PurePath) and not pathlib.Path(item).is_file():
                    raise _BadValues(f"--{spec.attribute.replace('_', '-')}: no such file: {item}")


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


def _run(
    cls: type[GeneratedWorkflow],
    client: InvokeAIClient,
    params: list[Any],
    args: argparse.Namespace,
) -> int:
    from ..client.results import RunResult

    failed: IvkError | None = None
    try:  # run_many even for one: a workflow with batch nodes makes several queue items
        results = cls.run_many(client, params, timeout=args.timeout, progress=bool(args.progress))
    except (RunFailed, RunCanceled) as exc:
        failed = exc  # the other runs still count: their files are written
        results = [r for r in (exc.results or [exc.result]) if isinstance(r, RunResult)]
    written = [_write(r, args.out) for r in results]
    if args.json:
        # inputs beside each result where runs and queue items pair up (no batch nodes)
        inputs = (
            [p.to_dict() for p in params] if len(params) == len(results) else [None] * len(results)
        )
        report = {"runs": [_run_json(i, r, w) for i, r, w in zip(inputs, results, written)]}
        json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        for paths in written:
            for path in paths:
                print(path)
    for number, r in enumerate(results, 1):
        if r.status != "completed":
            what = f"run {number} (queue item {r.item_id}) {r.status}"
            why = f": {r.error_type}: {r.error_message}" if r.error_message else ""
            print(f"{_prog(cls)}: error: {what}{why}", file=sys.stderr)
    return FAILED if failed is not None or any(r.status != "completed" for r in results) else OK


def _write(result: RunResult, out: pathlib.Path) -> list[pathlib.Path]:
    if result.status != "completed":
        return []
    out.mkdir(parents=True, exist_ok=True)
    return [i.download(out) for i in result.images] + [v.download(out) for v in result.videos]


def _run_json(inputs: Any, result: RunResult, written: list[pathlib.Path]) -> dict[str, Any]:
    files = iter(written)
    return {
        "item_id": result.item_id,
        "batch_id": result.batch_id,
        "status": result.status,
        "inputs": inputs,
        "images": [_file_json(i, "image_name", next(files, None)) for i in result.images],
        "videos": [_file_json(v, "video_name", next(files, None)) for v in result.videos],
        "error": (
            None
            if result.status == "completed"
            else {"type": result.error_type, "message": result.error_message}
        ),
    }


def _file_json(out: Any, name_key: str, path: pathlib.Path | None) -> dict[str, Any]:
    return {
        name_key: getattr(out, name_key),
        "node_id": out.node_id,
        "node_type": out.node_type,
        "attribute": out.attribute,
        "width": out.width,
        "height": out.height,
        "path": None if path is None else str(path),
    }
