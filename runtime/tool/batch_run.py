"""The command line's run: one batch enqueued, waited for (with a bar on a terminal), each
finished run's files written and printed as they land, and what did not finish said.

A timeout or Ctrl-C cancels the runs not finished (the batch is over when the command is) and
names them; a failed run or a file that cannot be written is that run's error (exit 1) while
the other runs' files are still written.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
from typing import TYPE_CHECKING, Any

from ..client.progress_display import progress_callback
from ..client.results import OutputImage, OutputVideo, RunResult
from ..client.terminal_text import printable
from ..errors import IvkError, RunCanceled, RunFailed, RunTimeout

if TYPE_CHECKING:
    from ..client.generated import GeneratedWorkflow
    from ..client.submission import Submission
    from ..client.sync_client import InvokeAIClient

__all__ = ["FAILED", "INTERRUPTED", "OK", "USAGE", "run_batch"]

OK, FAILED, USAGE, INTERRUPTED = 0, 1, 2, 130


def run_batch(
    cls: type[GeneratedWorkflow],
    client: InvokeAIClient,
    params: list[Any],
    args: argparse.Namespace,
    prog: str,
) -> int:
    submission = client.enqueue(
        cls.workflow(),
        [p.to_values() for p in params],
        attribute_names=cls.attribute_names(),
        expects=cls.expectations(),
    )
    ids = list(submission.item_ids)
    late: RunTimeout | None = None
    try:
        with progress_callback(bool(args.progress), len(ids)) as callback:
            results = _finals(lambda: client.wait(ids, timeout=args.timeout, progress=callback))
    except RunTimeout as exc:
        late = exc
        results = _cancel_rest(client, submission, prog, f"not finished within {args.timeout:g} s")
    except KeyboardInterrupt:
        _cancel_rest(client, submission, prog, "interrupted", wait=False)
        return INTERRUPTED
    problems: dict[int, str] = {}
    written = {r.item_id: _write(r, args.out, problems, echo=not args.json) for r in results}
    if args.json:
        runs = [_run_json(r, _inputs(r, submission, params), written[r.item_id], problems)
                for r in results]  # fmt: skip
        json.dump({"runs": runs}, sys.stdout, indent=2, ensure_ascii=False)
        print()
    for number, r in enumerate(results, 1):
        if r.status != "completed" or r.item_id in problems:
            why = problems.get(r.item_id) or (
                f"{r.error_type}: {r.error_message}" if r.error_message else ""
            )
            text = f"run {number} (queue item {r.item_id}) {r.status}{': ' + why if why else ''}"
            print(f"{prog}: error: {printable(text)}", file=sys.stderr)
    bad = late is not None or problems or any(r.status != "completed" for r in results)
    return FAILED if bad else OK


def _finals(wait: Any) -> list[RunResult]:
    """Every result of the batch, failed and canceled ones too (``wait`` raises on those)."""
    try:
        found = wait()
    except (RunFailed, RunCanceled) as exc:
        found = exc.results or [exc.result]
    return [r for r in found if isinstance(r, RunResult)]


def _cancel_rest(
    client: InvokeAIClient, submission: Submission, prog: str, why: str, *, wait: bool = True
) -> list[RunResult]:
    """Cancel what of the batch has not finished, say so, and (``wait``) the final results."""
    batches = ", ".join(submission.batch_ids)
    try:
        canceled = client.queue.cancel_batches(submission.batch_ids)
    except IvkError as exc:
        print(f"{prog}: error: {why}; could not cancel batch {batches} (queue items "
              f"{list(submission.item_ids)}), its runs may still run: {printable(str(exc))}",
              file=sys.stderr)  # fmt: skip
        return []
    print(f"{prog}: error: {why}; canceled {canceled} of the batch's runs not finished "
          f"(batch {batches})", file=sys.stderr)  # fmt: skip
    if not wait:
        return []
    try:
        return _finals(lambda: client.wait(list(submission.item_ids), timeout=60))
    except IvkError as exc:
        print(f"{prog}: error: the finished runs could not be read: {printable(str(exc))}",
              file=sys.stderr)  # fmt: skip
        return []


def _write(
    result: RunResult, out: pathlib.Path, problems: dict[int, str], *, echo: bool
) -> list[pathlib.Path | None]:
    """Each image and video of a finished run saved into ``out`` (None: not saved)."""
    if result.status != "completed":
        return []
    paths: list[pathlib.Path | None] = []
    outputs: list[OutputImage | OutputVideo] = [*result.images, *result.videos]
    for output in outputs:
        try:
            path = output.download(out)
        except (IvkError, OSError, ValueError) as exc:
            name = getattr(output, "image_name", None) or getattr(output, "video_name", "")
            problems.setdefault(result.item_id, f"{name} not written: {exc}")
            paths.append(None)
            continue
        paths.append(path)
        if echo:
            print(path, flush=True)
    return paths


def _inputs(result: RunResult, submission: Submission, params: list[Any]) -> Any:
    index = submission.value_index.get(result.item_id)
    return params[index].to_dict() if index is not None else None


def _run_json(
    result: RunResult, inputs: Any, written: list[pathlib.Path | None], problems: dict[int, str]
) -> dict[str, Any]:
    files = iter(written)
    return {
        "item_id": result.item_id,
        "batch_id": result.batch_id,
        "status": result.status,
        "inputs": inputs,
        "images": [_file_json(i, "image_name", next(files, None)) for i in result.images],
        "videos": [_file_json(v, "video_name", next(files, None)) for v in result.videos],
        "error": None if result.status == "completed" and result.item_id not in problems else {
            "type": result.error_type, "message": problems.get(result.item_id) or result.error_message},
    }  # fmt: skip


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
