"""The seed's exceptions (``ivk_runtime.seed.exceptions``): 1.1.1's names and constructors
(1.1.1's raised NotImplementedError), and the core's errors caught by them, with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivk_runtime import errors as core
from ivk_runtime.seed import WorkflowCanceledError, WorkflowExecutionError, WorkflowTimeoutError
from ivk_runtime.seed import exceptions as E
from ivk_runtime.seed.results import QueueItem


def test_the_hierarchy_as_1_1_1_declared_it() -> None:
    for name in ("ConnectionError", "AuthenticationError", "APIError", "ValidationError",
                 "WorkflowError", "JobError", "TimeoutError", "FileError", "ConfigurationError"):  # fmt: skip
        assert getattr(E, name).__bases__ == (E.InvokeAIError,)
    assert E.ResourceNotFoundError.__bases__ == (E.APIError,)
    assert E.InvokeAIError.__bases__ == (Exception,)


def test_constructors_take_what_the_docstrings_name() -> None:
    err = E.InvokeAIError("boom", {"why": 1})
    assert (err.message, err.details, str(err)) == ("boom", {"why": 1}, "boom")
    conn = E.ConnectionError("down", host="localhost", port=9090)
    assert (conn.host, conn.port, conn.details) == ("localhost", 9090, {})
    assert E.AuthenticationError().message == "Authentication failed"
    api = E.APIError("nope", status_code=404, response_body={"error": "x"})
    assert (api.status_code, api.response_body) == (404, {"error": "x"})
    val = E.ValidationError("too small", field_name="width", field_value=50, constraints={"minimum": 64})
    assert (val.field_name, val.field_value, val.constraints) == ("width", 50, {"minimum": 64})
    job = E.JobError("failed", job_id="job-123", status="failed", error_details="Out of memory")
    assert (job.job_id, job.status, job.error_details) == ("job-123", "failed", "Out of memory")
    missing = E.ResourceNotFoundError(resource_type="board", resource_id="abc-123")
    assert (missing.status_code, str(missing)) == (404, "board not found: abc-123")
    slow = E.TimeoutError("slow", operation="wait_for_completion", timeout=60.0)
    assert (slow.operation, slow.timeout) == ("wait_for_completion", 60.0)
    f = E.FileError("no upload", file_path="/p.png", operation="upload")
    assert (f.file_path, f.operation) == ("/p.png", "upload")
    cfg = E.ConfigurationError("bad port", config_key="port", config_value=-1)
    assert (cfg.config_key, cfg.config_value) == ("port", -1)
    wf = E.WorkflowError("missing", workflow_name="text2img", details={"missing_inputs": ["prompt"]})
    assert (wf.workflow_id, wf.workflow_name, wf.details) == (None, "text2img", {"missing_inputs": ["prompt"]})


def test_workflow_errors_are_1_1_1_classes_with_the_reason() -> None:
    item = QueueItem({"item_id": 9, "status": "failed", "error_type": "ZeroDivisionError",
                      "error_message": "division by zero"})  # fmt: skip
    with pytest.raises(E.JobError) as info:
        raise WorkflowExecutionError(item)
    assert (info.value.job_id, info.value.status) == ("9", "failed")
    assert info.value.error_details == "ZeroDivisionError: division by zero"
    assert isinstance(info.value, (core.RunFailed, RuntimeError))  # as before
    canceled = WorkflowCanceledError(QueueItem({"item_id": 3, "status": "canceled"}))
    assert isinstance(canceled, E.JobError) and canceled.status == "canceled"
    late = WorkflowTimeoutError(4, 2.5, "in_progress")
    assert isinstance(late, E.TimeoutError) and isinstance(late, TimeoutError)
    assert late.timeout == 2.5  # the core's value, not overwritten by the seed's constructor


@pytest.mark.parametrize(
    ("error", "seed_class"),
    [
        (core.AuthError("GET", "http://h/x", 401, '{"detail":"no"}', token_sent=False), E.AuthenticationError),
        (core.QueueItemNotFound("GET", "http://h/i/7", '{"detail":"Queue item with id 7 not found"}',
                                queue_id="default", item_id=7), E.ResourceNotFoundError),
        (core.NotFound("board", "b-1", "GET", "http://h/b", 404, "{}"), E.ResourceNotFoundError),
        (core.HTTPStatusError("PUT", "http://h/y", 500, "exploded"), E.APIError),
        (core.ServerUnreachable("http://127.0.0.1:9", "refused"), E.ConnectionError),
        (core.RequestTimeout("GET", "http://h/z", 5.0), E.TimeoutError),
        (core.RunTimeout(3, 9.0, "pending"), E.TimeoutError),
        (core.RunFailed(3, "ValueError", "bad value", "tb"), E.JobError),
        (core.RunCanceled(3), E.JobError),
        (core.EnqueueValidationError([core.EnqueueProblem("too big", "n", "width", 0, "width")]), E.ValidationError),
        (core.UnrunnableWorkflow("wf.json", "http://h", ["node type 'x' unknown"]), E.WorkflowError),
    ],
)  # fmt: skip
def test_core_errors_translated(error: core.IvkError, seed_class: type[E.InvokeAIError]) -> None:
    new = E.translate(error)
    assert isinstance(new, seed_class) and isinstance(new, type(error))
    assert type(new).__name__ == type(error).__name__ and str(new) == str(error)
    assert vars(error).items() <= vars(new).items()  # every core attribute kept
    assert new.message == getattr(error, "message", str(error))


def test_translated_attributes() -> None:
    found = E.translate(core.QueueItemNotFound("GET", "http://h/i/7", '{"detail":"gone"}', queue_id="default", item_id=7))
    assert isinstance(found, E.ResourceNotFoundError)
    assert (found.resource_type, found.resource_id, found.status_code) == ("queue item", "7", 404)
    down = E.translate(core.ServerUnreachable("http://127.0.0.1:9402", "refused"))
    assert isinstance(down, E.ConnectionError) and (down.host, down.port) == ("127.0.0.1", 9402)
    failed = E.translate(core.RunFailed(3, "ValueError", "bad value", "tb"))
    assert isinstance(failed, E.JobError) and failed.error_details == "ValueError: bad value"
    also = E.translate(core.RunFailed(3, "ValueError", "bad", None), ValueError)
    assert isinstance(also, ValueError) and isinstance(also, E.JobError)
    plain = KeyError("x")
    assert E.translate(plain) is plain  # not a core error: unchanged


def test_translated_block_keeps_the_cause() -> None:
    cause = OSError("socket closed")
    with pytest.raises(E.ConnectionError) as info:
        with E.translated():
            try:
                raise cause
            except OSError as exc:
                raise core.ServerUnreachable("http://h", "closed") from exc
    assert info.value.__cause__ is cause and isinstance(info.value, core.ServerUnreachable)


@pytest.mark.server
def test_a_failed_run_is_a_job_error_with_the_servers_reason(invokeai_url: str, repo_root: Path) -> None:
    from ivk_runtime.seed.client import InvokeAIClient
    from ivk_runtime.seed.workflow import WorkflowDefinition

    client = InvokeAIClient.from_url(invokeai_url)
    try:
        handle = client.workflow_repo.create_workflow(
            WorkflowDefinition.from_file(repo_root / "tests" / "workflows" / "fails_at_runtime.json")
        )
        handle.submit_sync()
        with pytest.raises(E.JobError) as info:  # as a 1.1.1 user would now write it
            handle.wait_for_completion_sync(timeout=60)
    finally:
        client.close()
    assert isinstance(info.value, WorkflowExecutionError) and info.value.status == "failed"
    assert info.value.error_details is not None
    assert info.value.error_details.startswith("ZeroDivisionError")
    assert "Unknown error" not in str(info.value) and "ZeroDivisionError" in str(info.value)
