"""Writes the sync twin of each async source module (as httpcore keeps its ``_sync`` code).

    python scripts/unasync.py           # regenerate
    python scripts/unasync.py --check   # exit 1 if a generated file is stale (a test runs this)

The async module is the one that is edited; its twin is derived by renaming tokens, so no
method body is written twice. What cannot be renamed (sleeping, reading a file off the event
loop, a gate, opening a websocket) lives in ``runtime/concurrency.py`` and
``runtime/events/websocket.py`` in both flavours, and the async source calls it by its
``async_``/``Async`` name.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]

# (async source, sync twin), relative to the repository.
PAIRS = [
    ("runtime/api/connection_async.py", "runtime/api/connection_sync.py"),
    ("runtime/events/stream_async.py", "runtime/events/stream_sync.py"),
    ("runtime/events/wait_async.py", "runtime/events/wait_sync.py"),
    ("runtime/client/enqueue_async.py", "runtime/client/enqueue_sync.py"),
    ("runtime/client/planning_async.py", "runtime/client/planning_sync.py"),
    ("runtime/client/boards_async.py", "runtime/client/boards_sync.py"),
    ("runtime/client/images_async.py", "runtime/client/images_sync.py"),
    ("runtime/client/models_async.py", "runtime/client/models_sync.py"),
    ("runtime/client/model_install_async.py", "runtime/client/model_install_sync.py"),
    ("runtime/client/queue_async.py", "runtime/client/queue_sync.py"),
    ("runtime/client/workflows_async.py", "runtime/client/workflows_sync.py"),
    ("runtime/client/pil_uploads_async.py", "runtime/client/pil_uploads_sync.py"),
    ("runtime/client/async_client.py", "runtime/client/sync_client.py"),
    ("runtime/pool/member_async.py", "runtime/pool/member_sync.py"),
    ("runtime/pool/failover_async.py", "runtime/pool/failover_sync.py"),
    ("runtime/pool/dispatch_async.py", "runtime/pool/dispatch_sync.py"),
    ("runtime/pool/pool_async.py", "runtime/pool/pool_sync.py"),
]

# Whole words (identifiers) renamed; longest first is not needed: each is matched as a word.
WORDS = {
    "AsyncInvokeAIClient": "InvokeAIClient",
    "AsyncEventStream": "EventStream",
    "AsyncConnection": "Connection",
    "AsyncEnqueuer": "Enqueuer",
    "AsyncBoards": "Boards",
    "AsyncImages": "Images",
    "AsyncModels": "Models",
    "AsyncModelInstall": "ModelInstall",
    "AsyncQueue": "Queue",
    "AsyncJob": "Job",
    "AsyncWaitFn": "WaitFn",
    "AsyncWorkflows": "Workflows",
    "AsyncGate": "Gate",
    "AsyncWebSocket": "WebSocket",
    "AsyncClient": "Client",
    "AsyncBaseTransport": "BaseTransport",
    "AsyncIterator": "Iterator",
    "AsyncExitStack": "ExitStack",
    "AsyncFetchFn": "FetchFn",
    "AsyncFetchCall": "FetchCall",
    "AsyncUpload": "Upload",
    "planning_async": "planning_sync",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "aclose": "close",
    "async_sleep": "sleep",
    "async_to_thread": "to_thread",
    "async_open_websocket": "open_websocket",
    "connection_async": "connection_sync",
    "stream_async": "stream_sync",
    "wait_async": "wait_sync",
    "async_client": "sync_client",
    "enqueue_async": "enqueue_sync",
    "boards_async": "boards_sync",
    "images_async": "images_sync",
    "models_async": "models_sync",
    "model_install_async": "model_install_sync",
    "queue_async": "queue_sync",
    "workflows_async": "workflows_sync",
    "IS_ASYNC": "IS_SYNC",
    "AsyncPilUploads": "PilUploads",
    "pil_uploads_async": "pil_uploads_sync",
    "AsyncInvokeAIPool": "InvokeAIPool",
    "AsyncPoolBatch": "PoolBatch",
    "AsyncPoolMember": "PoolMember",
    "AsyncFailover": "Failover",
    "failover_async": "failover_sync",
    "async_each": "each",
    "AsyncStarted": "Started",
    "member_async": "member_sync",
    "dispatch_async": "dispatch_sync",
    "pool_async": "pool_sync",
}
# Keywords: ``await x`` -> ``x``, ``async def/with/for`` -> ``def/with/for``.
KEYWORDS = [
    (re.compile(r"\bawait "), ""),
    (re.compile(r"\basync (def|with|for)\b"), r"\1"),
]
_WORD = re.compile(r"\b(" + "|".join(map(re.escape, WORDS)) + r")\b")


def header(source: str) -> str:
    return (
        f"# Generated from {pathlib.PurePosixPath(source).name} by scripts/unasync.py: "
        "edit that file, then run the script.\n"
    )


def unasync(text: str, source: str) -> str:
    for pattern, replacement in KEYWORDS:
        text = pattern.sub(replacement, text)
    text = _WORD.sub(lambda m: WORDS[m.group(1)], text)
    return header(source) + text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if a sync twin is stale")
    args = parser.parse_args(argv)
    stale = []
    for source, target in PAIRS:
        wanted = unasync((REPO / source).read_text(encoding="utf-8"), source)
        path = REPO / target
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == wanted:
            continue
        if args.check:
            stale.append(target)
        else:
            path.write_text(wanted, encoding="utf-8")
            print(f"wrote {target}")
    for target in stale:
        print(f"{target} is stale: run python scripts/unasync.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
