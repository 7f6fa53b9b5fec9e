"""Every error the runtime and the generator raise; each says where and what went wrong."""

from __future__ import annotations


class IvkError(Exception):
    """Base of all ivk errors."""


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


class SchemaError(IvkError):
    """An OpenAPI schema that cannot be read or lacks what is needed."""


class ServerError(IvkError):
    """The InvokeAI server answered with an error, or could not be reached."""


class ServerUnreachable(ServerError):
    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        super().__init__(
            f"cannot reach the InvokeAI server at {url}: {reason}. "
            f"Check that it runs and answers: curl {url.rstrip('/')}/api/v1/app/version"
        )


class HTTPStatusError(ServerError):
    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        super().__init__(f"{method} {url} answered {status}: {body[:500]}")


class RequestTimeout(ServerError):
    """The server did not answer a request in time (the request is not retried)."""

    def __init__(self, method: str, url: str, timeout: float | None) -> None:
        self.method = method
        self.url = url
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
