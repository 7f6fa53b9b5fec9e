"""The client's pure core: the requests both clients send and how their answers are read.

No I/O here: ``InvokeAIClient`` and ``AsyncInvokeAIClient`` turn a ``Call`` into an httpx request,
run it, and hand the status and body back to these functions. Everything that decides *what*
to send, whether to retry, and what an answer means lives here once.
"""

from __future__ import annotations

import json
import pathlib
import urllib.parse
import uuid
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from .errors import (
    EnqueueProblem,
    EnqueueValidationError,
    HTTPStatusError,
    RequestTimeout,
    ServerError,
    ServerUnreachable,
)

__all__ = [
    "ORIGIN",
    "Call",
    "Locate",
    "attachable_workflow",
    "base_headers",
    "check_status",
    "enqueue_call",
    "enqueue_problems",
    "find_batch",
    "lost_enqueue",
    "parse_json",
    "retry_delay",
    "transport_error",
]

ORIGIN = "ivk-codegen"  # queue items' ``origin``: lets users tell our runs from the GUI's
DESTINATION = "gallery"  # as the GUI's workflow editor: results belong in the gallery
USER_AGENT = "ivk-runtime/0.1"
TERMINAL_STATUSES = frozenset({"completed", "failed", "canceled"})

# GETs are retried on connection errors and 5xx; these are the pauses between attempts.
RETRY_DELAYS = (0.1, 0.4, 1.0)
RETRY_STATUSES = frozenset({500, 502, 503, 504})

# (node id, field) -> (Form input index, attribute name): names the inputs a 422 is about
Locate = Callable[[str, str | None], tuple[int | None, str | None]]


@dataclass(frozen=True)
class Call:
    """One HTTP request, described without doing it."""

    method: str
    path: str  # relative to the server root, e.g. "/api/v1/app/version"
    params: Mapping[str, Any] | None = None
    json_body: Any = None
    files: Mapping[str, tuple[str, bytes, str]] | None = None
    # Only reads may be repeated: a POST that timed out may have been applied (no double enqueue).
    idempotent: bool = False
    timeout: float | None = None  # overrides the client's default when set
    expect: tuple[int, ...] = field(default=(200, 201))


def base_headers(token: str | None) -> dict[str, str]:
    # identity: InvokeAI's socket.io long-polling answers 500 to gzip-accepting clients.
    headers = {"Accept-Encoding": "identity", "User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return headers


def retry_delay(
    call: Call, attempt: int, status: int | None, *, timed_out: bool = False
) -> float | None:
    """Pause before retry number ``attempt`` (0-based), or None to give up.

    ``status`` is the HTTP status, or None for a connection error (nothing was received). A
    request that timed out is not repeated: the server is slow, and repeating multiplies it.
    """
    if not call.idempotent or timed_out or attempt >= len(RETRY_DELAYS):
        return None
    if status is None or status in RETRY_STATUSES:
        return RETRY_DELAYS[attempt]
    return None


def transport_error(call: Call, url: str, base_url: str, exc: httpx.TransportError) -> ServerError:
    """The typed error for an httpx transport failure."""
    if isinstance(exc, httpx.TimeoutException) and not isinstance(exc, httpx.ConnectTimeout):
        return RequestTimeout(call.method, url, call.timeout)
    reason = str(exc) or type(exc).__name__
    return ServerUnreachable(base_url, reason)


def check_status(call: Call, url: str, status: int, text: str) -> None:
    if status in call.expect or 200 <= status < 300:
        return
    raise HTTPStatusError(call.method, url, status, text)


def parse_json(call: Call, url: str, status: int, text: str) -> Any:
    check_status(call, url, status, text)
    try:
        return json.loads(text) if text else None
    except ValueError as exc:
        raise HTTPStatusError(call.method, url, status, f"not JSON: {text[:200]}") from exc


# --- endpoints --------------------------------------------------------------------------------


def version_call() -> Call:
    return Call("GET", "/api/v1/app/version", idempotent=True)


def parse_version(data: Any) -> str:
    return str(data.get("version", "")) if isinstance(data, dict) else str(data)


def schema_call() -> Call:
    return Call("GET", "/openapi.json", idempotent=True)


def upload_call(
    filename: str, content: bytes, *, board_id: str | None, is_intermediate: bool
) -> Call:
    params: dict[str, Any] = {
        "image_category": "user",
        "is_intermediate": "true" if is_intermediate else "false",
    }
    if board_id not in (None, "none"):  # "none" is the uncategorized board: no board_id at all
        params["board_id"] = board_id
    mime = _mime_type(filename)
    return Call(
        "POST",
        "/api/v1/images/upload",
        params=params,
        files={"file": (pathlib.PurePath(filename).name, content, mime)},
    )


def _mime_type(filename: str) -> str:
    suffix = pathlib.PurePath(filename).suffix.lower()
    return {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".webp": "image/webp",
        ".gif": "image/gif",
        ".bmp": "image/bmp",
        ".tif": "image/tiff",
        ".tiff": "image/tiff",
    }.get(suffix, "application/octet-stream")


def list_boards_call() -> Call:
    return Call("GET", "/api/v1/boards/", params={"all": "true"}, idempotent=True)


def parse_boards(data: Any, uncategorized_names: list[str] | None) -> list[dict[str, Any]]:
    boards = data.get("items", []) if isinstance(data, dict) else data
    result = [dict(b) for b in boards or [] if isinstance(b, dict)]
    if uncategorized_names is not None:
        result.insert(0, uncategorized_board(len(uncategorized_names)))
    return result


def uncategorized_board(image_count: int) -> dict[str, Any]:
    """The system's "Uncategorized" board, shaped like a BoardDTO (the server has none for it)."""
    return {
        "board_id": "none",
        "board_name": "Uncategorized",
        "image_count": image_count,
        "cover_image_name": None,
        "archived": False,
    }


def create_board_call(name: str) -> Call:
    return Call("POST", "/api/v1/boards/", params={"board_name": name})


def delete_board_call(board_id: str) -> Call:
    # Images stay (moved to uncategorized), as the GUI's default "delete board" does.
    return Call("DELETE", f"/api/v1/boards/{_seg(board_id)}", params={"include_images": "false"})


def board_images_call(board_id: str | None) -> Call:
    return Call("GET", f"/api/v1/boards/{_seg(board_id or 'none')}/image_names", idempotent=True)


def parse_image_names(data: Any) -> list[str]:
    names = data.get("image_names", []) if isinstance(data, dict) else data
    return [str(n) for n in names or []]


def image_call(image_name: str, *, full_resolution: bool) -> Call:
    kind = "full" if full_resolution else "thumbnail"
    return Call("GET", f"/api/v1/images/i/{_seg(image_name)}/{kind}", idempotent=True)


def list_models_call() -> Call:
    return Call("GET", "/api/v2/models/", idempotent=True)


def parse_models(data: Any) -> list[dict[str, Any]]:
    models = data.get("models", []) if isinstance(data, dict) else data
    return [dict(m) for m in models or [] if isinstance(m, dict)]


def queue_item_call(queue_id: str, item_id: int, *, timeout: float | None = None) -> Call:
    return Call(
        "GET", f"/api/v1/queue/{_seg(queue_id)}/i/{int(item_id)}", idempotent=True, timeout=timeout
    )


def cancel_call(queue_id: str, item_id: int) -> Call:
    return Call("PUT", f"/api/v1/queue/{_seg(queue_id)}/i/{int(item_id)}/cancel")


def cancel_batches_call(queue_id: str, batch_ids: list[str]) -> Call:
    return Call(
        "PUT",
        f"/api/v1/queue/{_seg(queue_id)}/cancel_by_batch_ids",
        json_body={"batch_ids": batch_ids},
    )


def enqueue_call(
    queue_id: str,
    graph: dict[str, Any],
    *,
    data: list[list[dict[str, Any]]] | None,
    workflow: dict[str, Any] | None,
    runs: int = 1,
    batch_id: str | None = None,
) -> Call:
    # Our own batch_id: if the answer is lost (timeout), the batch can still be canceled.
    batch: dict[str, Any] = {
        "batch_id": batch_id or str(uuid.uuid4()),
        "graph": graph,
        "runs": runs,
        "origin": ORIGIN,
        "destination": DESTINATION,
    }
    if data:
        batch["data"] = data
    if workflow is not None:
        batch["workflow"] = workflow
    return Call(
        "POST",
        f"/api/v1/queue/{_seg(queue_id)}/enqueue_batch",
        json_body={"prepend": False, "batch": batch},
    )


@dataclass(frozen=True)
class Enqueued:
    batch_id: str
    item_ids: list[int]  # ascending: the order the server generated the sessions in
    requested: int


def parse_enqueued(data: Any) -> Enqueued:
    batch = data.get("batch") or {}
    ids = sorted(int(i) for i in data.get("item_ids") or [])
    return Enqueued(str(batch.get("batch_id", "")), ids, int(data.get("requested", len(ids))))


def enqueue_answer(
    call: Call,
    url: str,
    status: int,
    text: str,
    locate: Callable[[str, str | None], tuple[int | None, str | None]],
) -> Enqueued:
    """Read enqueue_batch's answer: a 422 names the Form inputs at fault; a partial enqueue
    (the queue is full) is an error, so the caller cancels rather than run half the sets."""
    if status == 422:
        raise enqueue_problems(text, locate) or HTTPStatusError(call.method, url, status, text)
    answer = parse_enqueued(parse_json(call, url, status, text))
    if len(answer.item_ids) < answer.requested:
        raise ServerError(
            f"the queue took {len(answer.item_ids)} of {answer.requested} runs (queue full?)"
        )
    return answer


# --- an enqueue POST that got no answer ---------------------------------------------------------

SUMMARY_CHUNK = 100  # item summaries asked for at once while looking for a batch's items


def find_batch(queue_id: str, batch_id: str) -> Generator[Call, Any, Enqueued | None]:
    """The batch as if enqueue_batch had answered, or None when it is not on the queue.

    Sans-I/O: yields each Call and is sent back its parsed JSON answer. The server enqueues
    a batch in one transaction, so its items are all there or none are.
    ``requested`` is what was found: a partial (queue-full) enqueue is not detectable here.
    """
    status = yield Call(
        "GET", f"/api/v1/queue/{_seg(queue_id)}/b/{_seg(batch_id)}/status", idempotent=True
    )
    total = int(status.get("total") or 0) if isinstance(status, dict) else 0
    if total == 0:
        return None
    # No endpoint lists one batch's items: scan the queue's ids (newest first) in chunks.
    listing = yield Call("GET", f"/api/v1/queue/{_seg(queue_id)}/item_ids", idempotent=True)
    ids = [int(i) for i in (listing or {}).get("item_ids") or []]
    found: list[int] = []
    for start in range(0, len(ids), SUMMARY_CHUNK):
        summaries = yield Call(
            "POST",
            f"/api/v1/queue/{_seg(queue_id)}/item_summaries_by_ids",
            json_body={"item_ids": ids[start : start + SUMMARY_CHUNK]},
            idempotent=True,  # a read, though a POST
        )
        found += [int(s["item_id"]) for s in summaries or [] if s.get("batch_id") == batch_id]
        if len(found) >= total:
            break
    if not found:
        raise ServerError(f"batch {batch_id} is on the queue but its items were not found")
    return Enqueued(batch_id, sorted(found), len(found))


def lost_enqueue(error: ServerError, attempt: int, found: Enqueued | None) -> Enqueued | None:
    """Decide after enqueue POST number ``attempt`` (0-based) got no answer and ``find_batch``
    looked: the batch found, None to send the POST again, or raise ``error``.

    Sent again only once, and never after a timeout: a slow server may still be working on the
    first POST, and the batch would land twice. A dropped connection (e.g. a stale keep-alive
    one) with no batch on the queue means the server never took the request.
    """
    if found is not None:
        return found
    if attempt == 0 and not isinstance(error, RequestTimeout):
        return None
    raise error


def _seg(value: str) -> str:
    """One URL path segment: a name must not add path parts ("/", "..") to the URL."""
    text = urllib.parse.quote(str(value), safe="")
    return text.replace(".", "%2E") if text in (".", "..") else text


# --- the workflow attached to an enqueued batch ------------------------------------------------

_WORKFLOW_STRINGS = ("name", "author", "description", "version", "contact", "tags", "notes")
_NODE_KEYS = ("id", "type", "data", "position")


def attachable_workflow(data: Mapping[str, Any]) -> dict[str, Any]:
    """The workflow as the GUI attaches it to a batch (``buildWorkflowFast``), so saved images
    reopen in the workflow editor: the workflow keys only, no ``id``, nodes trimmed to what the
    editor keeps, and the strings the server's ``WorkflowWithoutID`` requires present."""
    out: dict[str, Any] = {}
    for key in _WORKFLOW_STRINGS:
        value = data.get(key)
        out[key] = value if isinstance(value, str) else ""
    exposed = data.get("exposedFields")
    out["exposedFields"] = exposed if isinstance(exposed, list) else []
    meta = data.get("meta")
    meta = dict(meta) if isinstance(meta, dict) else {}
    meta.setdefault("version", "3.0.0")
    meta.setdefault("category", "user")
    out["meta"] = meta
    out["nodes"] = [
        {k: n[k] for k in _NODE_KEYS if k in n}
        for n in data.get("nodes") or []
        if isinstance(n, dict)
    ]
    out["edges"] = [e for e in data.get("edges") or [] if isinstance(e, dict)]
    if isinstance(data.get("form"), dict):
        out["form"] = data["form"]
    return out


# --- 422 from enqueue_batch -> Form inputs -----------------------------------------------------


def enqueue_problems(
    body: str, locate: Callable[[str, str | None], tuple[int | None, str | None]]
) -> EnqueueValidationError | None:
    """Read a 422 answer to enqueue_batch; ``locate(node_id, field)`` names the Form input.

    ``loc`` looks like ``["body","batch","graph","nodes",<node id>,<node type>,<field>, ...]``.
    """
    try:
        data = json.loads(body)
    except ValueError:
        return None
    detail = data.get("detail") if isinstance(data, dict) else None
    if isinstance(detail, str):
        return EnqueueValidationError([EnqueueProblem(detail)])
    if not isinstance(detail, list):
        return None
    problems = []
    for entry in detail:
        if not isinstance(entry, dict):
            continue
        loc = [str(p) for p in entry.get("loc") or []]
        message = str(entry.get("msg", "invalid"))
        node_id: str | None = None
        field_name: str | None = None
        if "nodes" in loc:
            rest = loc[loc.index("nodes") + 1 :]
            node_id = rest[0] if rest else None
            field_name = rest[2] if len(rest) > 2 else None
        elif len(loc) > 2:
            message = f"{'.'.join(loc[1:])}: {message}"
        if "input" in entry and node_id is not None:
            message += f" (got {json.dumps(entry['input'], default=str)[:80]})"
        index, attribute = locate(node_id, field_name) if node_id else (None, None)
        problems.append(EnqueueProblem(message, node_id, field_name, index, attribute))
    return EnqueueValidationError(problems) if problems else None


# --- what graph building asks the server (image/string generator nodes) ------------------------

_CATEGORIES = {"images": ["general"], "assets": ["control", "mask", "user", "other"]}


class NeedServer(Exception):
    """Raised inside graph building when an answer only the server has is not cached yet."""

    def __init__(self, key: tuple[Any, ...], call: Call) -> None:
        super().__init__(key)
        self.key = key
        self.call = call


class CachedResolver:
    """A ``GeneratorResolver`` answering from a cache and asking for what it lacks.

    Graph building is synchronous and pure; both clients run it, catch ``NeedServer``, fetch
    that one answer (sync or async) into ``answers``, and build again.
    """

    def __init__(self) -> None:
        self.answers: dict[tuple[Any, ...], Any] = {}

    def board_image_names(self, board_id: str, category: str) -> list[str]:
        key: tuple[Any, ...] = ("board", board_id, category)
        if key not in self.answers:
            params = {
                "categories": _CATEGORIES.get(category, ["general"]),
                "is_intermediate": "false",
            }
            call = Call(
                "GET",
                f"/api/v1/boards/{_seg(board_id)}/image_names",
                params=params,
                idempotent=True,
            )
            raise NeedServer(key, call)
        return list(parse_image_names(self.answers[key]))

    def dynamic_prompts(
        self, prompt: str, max_prompts: int, combinatorial: bool, seed: int | None
    ) -> list[str]:
        key: tuple[Any, ...] = ("prompts", prompt, max_prompts, combinatorial, seed)
        if key not in self.answers:
            body = {
                "prompt": prompt,
                "max_prompts": max_prompts,
                "combinatorial": combinatorial,
                "seed": seed,
            }
            # A parse has no side effects, so it may be repeated.
            raise NeedServer(
                key,
                Call("POST", "/api/v1/utilities/dynamicprompts", json_body=body, idempotent=True),
            )
        data = self.answers[key]
        if not isinstance(data, dict) or data.get("error"):
            return []
        return [str(p) for p in data.get("prompts") or []]
