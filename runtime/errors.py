"""Every error the runtime and the generator raise; each says where and what went wrong."""

from __future__ import annotations

from .urls import public_url  # a message never shows a URL's user:password@


class IvkError(Exception):
    """Base of all ivk errors.

    Raised after an enqueue, it names what is on the queue: ``batch_ids`` and ``item_ids``
    (empty before), so that nothing enqueued is lost to the caller: ``client.wait(item_ids)``
    waits for them again."""

    batch_ids: tuple[str, ...] = ()
    item_ids: tuple[int, ...] = ()

    def on_queue(self, batch_ids: list[str] | tuple[str, ...], item_ids: list[int] | tuple[int, ...]) -> IvkError:
        """Add runs this error leaves on the queue to what it names (every record counts)."""
        self.batch_ids = tuple(dict.fromkeys([*self.batch_ids, *batch_ids]))
        self.item_ids = tuple(sorted({*self.item_ids, *item_ids}))
        return self

    def __str__(self) -> str:
        text = super().__str__()
        if self.item_ids:
            ids = list(self.item_ids)
            text += f" [batch {', '.join(self.batch_ids)}: queue items {ids}; client.wait({ids}) waits for them again]"
        elif self.batch_ids:
            text += f" [batch {', '.join(self.batch_ids)}]"
        return text


class WorkflowError(IvkError):
    """A workflow file that cannot be read, migrated or used.

    ``source`` is the file's name (never an absolute path in generated output), ``element`` the
    part of the workflow at fault (e.g. ``node 'abc' field 'width'``), ``message`` what is wrong.
    """

    def __init__(self, source: str, element: str | None, message: str) -> None:
        self.source = source
        self.element = element
        self.message = message
        where = f"{source}: {element}: " if element else f"{source}: "
        super().__init__(where + message)


class UnrunnableWorkflow(WorkflowError):
    """The server cannot run the workflow as it stands, found before anything is enqueued: a
    node type it does not know, or a node id used twice (the GUI refuses these too, where a
    graph built anyway would silently lose the node). ``problems``: one line each."""

    def __init__(self, source: str, server: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(source, None, f"the server at {server} cannot run it:\n{lines}")


class DriftError(IvkError):
    """A generated module no longer fits the server it runs on: an input's field is gone, or
    its type changed with its node's version. Regenerate with ``ivk-codegen --server URL``."""

    def __init__(self, module: str, server: str, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(
            f"{module} was generated for other nodes than the server at {server} has:\n{lines}\n"
            "Regenerate it: ivk-codegen WORKFLOW.json -o MODULE.py --server URL"
        )


class DroppedEdgeWarning(UserWarning):
    """An edge of the workflow that the GUI's validator drops against this server (and so
    does the graph built here): its target input takes its own value instead."""


class DriftWarning(UserWarning):
    """A node's version differs from the one a module was generated for, with its types unchanged."""


class LibraryChangedWarning(UserWarning):
    """A paged listing kept changing while it was read: it may miss an entry added meanwhile."""


class SchemaError(IvkError):
    """An OpenAPI schema that cannot be read or lacks what is needed."""


class ServerError(IvkError):
    """The InvokeAI server answered with an error, or could not be reached."""


class ServerUnreachable(ServerError):
    """``request_sent`` is False only when the request provably never left (the connection was
    refused or never opened): only then may a POST be sent again."""

    def __init__(self, url: str, reason: str, *, request_sent: bool = True) -> None:
        self.url = url = public_url(url)
        self.request_sent = request_sent
        super().__init__(
            f"cannot reach the InvokeAI server at {url}: {reason.rstrip('. ')}. "
            f"Check that it runs and answers: curl {url.rstrip('/')}/api/v1/app/version"
        )


class HTTPStatusError(ServerError):
    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        self.method = method
        self.url = url = public_url(url)
        self.status = status
        self.body = body
        super().__init__(f"{method} {url} answered {status}: {body[:500]}")


class AuthError(HTTPStatusError):
    """The server refused the credentials (401) or what they allow (403): a multi-user server.
    Says whether a token was sent and what the server said; never the token."""

    def __init__(self, method: str, url: str, status: int, body: str, *, token_sent: bool) -> None:
        self.token_sent = token_sent
        detail = _detail(body)
        if status == 401:
            why = (
                "it refused the token sent (expired, or not one of its own?)"
                if token_sent
                else "it needs a token and none was sent: pass token=... (ivk-codegen: --token), "
                "from POST /api/v1/auth/login"
            )
        else:
            why = "the token's user may not do this"
        HTTPStatusError.__init__(self, method, url, status, body)
        self.args = (f"{method} {self.url} answered {status}: {why} (the server said: {detail})",)


def _detail(body: str) -> str:
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return body[:200]
    detail = data.get("detail") if isinstance(data, dict) else None
    return str(detail)[:200] if detail is not None else body[:200]


class RequestTimeout(ServerError):
    """The server did not answer a request in time (the request is not retried)."""

    def __init__(self, method: str, url: str, timeout: float | None) -> None:
        self.method = method
        self.url = url = public_url(url)
        self.timeout = timeout
        limit = f" within {timeout:g} s" if timeout is not None else ""
        super().__init__(f"{method} {url} got no answer{limit}")


class EnqueueValidationError(ServerError):
    """The server refused the batch (422). ``problems`` maps each to a Form input where possible."""

    def __init__(self, problems: list[EnqueueProblem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"the server refused the workflow:\n{lines}")


class EnqueueProblem:
    def __init__(
        self,
        message: str,
        node_id: str | None = None,
        field: str | None = None,
        input_index: int | None = None,
        attribute: str | None = None,
    ) -> None:
        self.message = message
        self.node_id = node_id
        self.field = field
        self.input_index = input_index
        self.attribute = attribute

    def __str__(self) -> str:
        where = []
        if self.attribute is not None:
            where.append(f"attribute {self.attribute!r}")
        if self.input_index is not None:
            where.append(f"input {self.input_index}")
        if self.node_id is not None:
            where.append(f"node {self.node_id!r}" + (f" field {self.field!r}" if self.field else ""))
        return (", ".join(where) + ": " if where else "") + self.message

    def __repr__(self) -> str:
        return f"EnqueueProblem({str(self)!r})"


class RunFailed(IvkError):
    """The queue item failed on the server."""

    def __init__(
        self,
        item_id: int | None,
        error_type: str | None,
        error_message: str | None,
        error_traceback: str | None,
        result: object = None,
        results: list[object] | None = None,
    ) -> None:
        self.item_id = item_id
        self.error_type = error_type
        self.error_message = error_message
        self.error_traceback = error_traceback
        self.result = result
        # run_many: every item's result, in the order of the value sets
        self.results = results
        super().__init__(f"queue item {item_id} failed: {error_type}: {error_message}")


class RunTimeout(IvkError):
    def __init__(self, item_id: int | None, timeout: float, last_status: str | None) -> None:
        self.item_id = item_id
        self.timeout = timeout
        self.last_status = last_status
        super().__init__(
            f"queue item {item_id} did not finish within {timeout:g} s (last status: {last_status})"
        )


class RunCanceled(IvkError):
    def __init__(
        self, item_id: int | None, result: object = None, results: list[object] | None = None
    ) -> None:
        self.item_id = item_id
        self.result = result
        self.results = results  # run_many: every item's result, in the order of the value sets
        super().__init__(f"queue item {item_id} was canceled")


class NotFound(HTTPStatusError):
    """The server has no such ``kind`` ("board", "image") named ``name`` (it answered 404, or
    the request could only fail because the thing is missing)."""

    def __init__(self, kind: str, name: str, method: str, url: str, status: int, body: str) -> None:
        self.kind = kind
        self.name = name
        HTTPStatusError.__init__(self, method, url, status, body)
        self.args = (f"{kind} {name!r} not found on the server ({method} {self.url} answered {status})",)


class QueueItemNotFound(NotFound):
    """The queue has no item of that id (404): never enqueued, or deleted (clear, prune)."""

    def __init__(self, method: str, url: str, body: str, *, queue_id: str, item_id: int) -> None:
        self.queue_id = queue_id
        self.item_id = item_id
        NotFound.__init__(self, "queue item", str(item_id), method, url, 404, body)
        self.args = (f"queue {queue_id!r} has no item {item_id} (the server said: {_detail(body)})",)


class ModelInstallRefused(HTTPStatusError):
    """The server would not start installing ``source`` (a path it cannot use answers 409,
    a Hugging Face id it cannot reach 500); ``reason`` is what it said."""

    def __init__(self, source: str, reason: str, method: str, url: str, status: int, body: str) -> None:
        self.source = source
        self.reason = reason
        HTTPStatusError.__init__(self, method, url, status, body)
        self.args = (f"the server refused to install {source!r} ({status}): {reason}",)


class ModelInstallFailed(IvkError):
    """A model install job ended in "error" or "cancelled". ``error_reason`` is the server's
    name for the failure (``DuplicateModelException``...), ``error`` its message; ``job`` the
    last ``InstallJob`` seen."""

    def __init__(
        self,
        job_id: int,
        source: str,
        status: str,
        error: str | None,
        error_reason: str | None,
        error_traceback: str | None = None,
        job: object = None,
    ) -> None:
        self.job_id = job_id
        self.source = source
        self.status = status
        self.error = error
        self.error_reason = error_reason
        self.error_traceback = error_traceback
        self.job = job
        why = ": ".join(p for p in (error_reason, error) if p) or "no reason given"
        super().__init__(f"model install job {job_id} ({source}) ended {status}: {why}")


class ModelAlreadyInstalled(ModelInstallFailed):
    """The install failed because a model with that path or source is installed already."""


class ModelInstallStatusUnknown(ModelInstallFailed):
    """A model install job is in a status this client does not know (``status`` is the
    server's word, from an InvokeAI newer than this client): it may have ended, so waiting
    stops here rather than wait for a status that may never come."""


class ModelInstallTimeout(IvkError):
    """A model install job was not done within ``timeout`` seconds (it goes on on the server)."""

    def __init__(self, job_id: int, timeout: float, last_status: str | None, job: object = None) -> None:
        self.job_id = job_id
        self.timeout = timeout
        self.last_status = last_status
        self.job = job
        super().__init__(
            f"model install job {job_id} was not done within {timeout:g} s (last status: {last_status})"
        )


class AmbiguousModel(IvkError):
    """Several installed models fit a lookup that should name one: ``keys`` are theirs."""

    def __init__(self, what: str, keys: list[str]) -> None:
        self.keys = keys
        super().__init__(f"{len(keys)} models fit {what}: keys {keys}; give the base and type too")


class UnexpectedAnswer(ServerError):
    """An answer of the wrong shape (a list where a mapping belongs, a count missing...):
    ``endpoint`` is what was asked; nothing is guessed from such an answer."""

    def __init__(self, endpoint: str, expected: str, got: object) -> None:
        self.endpoint = endpoint
        self.expected = expected
        super().__init__(f"{endpoint} answered {got!r:.200}, not {expected}")


class QueuePaused(IvkError):
    """Waiting for an idle queue whose processor is paused: its ``pending`` items never start
    (``queue.resume()`` starts them)."""

    def __init__(self, queue_id: str, pending: int) -> None:
        self.queue_id = queue_id
        self.pending = pending
        super().__init__(
            f"queue {queue_id!r} is paused with {pending} pending item(s): it will not become "
            f"idle until resumed (queue.resume())"
        )


class RetryCopiesMissing(ServerError):
    """The server retried items but their new copies were not found on the queue (deleted
    meanwhile?): ``item_ids`` the retried ids without a copy, ``found`` old -> new of the rest."""

    def __init__(self, missing: list[int], found: dict[int, int]) -> None:
        self.missing = missing
        self.found = found
        super().__init__(f"queue items {missing} were retried but no copy of them was found")


class AmbiguousBoardName(IvkError):
    """Several boards are named ``name`` (names need not be unique) where one was wanted:
    ``board_ids`` are theirs, newest first; pass one of them instead."""

    def __init__(self, name: str, board_ids: list[str]) -> None:
        self.name = name
        self.board_ids = board_ids
        super().__init__(f"{len(board_ids)} boards are named {name!r}: ids {board_ids}; use an id")


class AmbiguousWorkflowName(IvkError, ValueError):
    """Several saved workflows are named ``name`` where one was wanted (``overwrite``):
    ``workflow_ids`` are theirs; update one of them by id (``client.workflows.update``)."""

    def __init__(self, name: str, workflow_ids: list[str]) -> None:
        self.name = name
        self.workflow_ids = workflow_ids
        super().__init__(
            f"{len(workflow_ids)} saved workflows are named {name!r}: ids {workflow_ids}; "
            f"replace one by id (client.workflows.update(id, workflow)) or delete the others"
        )


class BoardVisibilityNotSet(ServerError):
    """A board was created, setting its visibility failed, and deleting it failed too: the
    board ``board_id`` exists with the server's default visibility. ``error`` is the failure
    to set it, ``delete_error`` the failure to delete it."""

    def __init__(
        self, board_id: str, name: str, visibility: str, error: IvkError, delete_error: IvkError
    ) -> None:
        self.board_id = board_id
        self.board_name = name
        self.visibility = visibility
        self.error = error
        self.delete_error = delete_error
        super().__init__(
            f"board {name!r} created ({board_id}), visibility not set to {visibility!r}: {error}; "
            f"deleting it failed too: {delete_error}"
        )


class PoolWarning(UserWarning):
    """A pool of servers left a server out, or moved runs off one that stopped answering (the
    runs it could not cancel there are named: that server may still run them if it returns)."""


class PoolFailed(IvkError):
    """A pool's batch could not finish: every server failed, the time ran out, or a run was
    refused. ``fates`` has one line per run (done where, queued where, never enqueued), in
    input order; ``results`` the finished runs' results (None for the others); ``errors``
    what each server or run failed with."""

    def __init__(
        self, why: str, fates: list[str], results: list[object], errors: list[BaseException]
    ) -> None:
        self.fates = fates
        self.results = results
        self.errors = errors
        lines = "\n".join(f"  - run {i}: {fate}" for i, fate in enumerate(fates))
        super().__init__(f"{why}:\n{lines}")
