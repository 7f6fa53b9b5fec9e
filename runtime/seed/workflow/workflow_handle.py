"""``WorkflowHandle``: the seed's stateful workflow object, over the core client.

The handle owns a private copy of the workflow and one typed field per Form input. Submitting
hands the core the workflow and a Form index -> JSON value map of the inputs that differ from
the saved workflow; the core builds the graph, uploads local images and enqueues.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from typing import Any

from ...errors import EnqueueValidationError, HTTPStatusError, IvkError, RunTimeout
from ...events import ProgressEvent
from ...graph.schema_index import SchemaIndex
from ...workflow import FormInput, Workflow
from .._dispatch import acall, call
from .workflow_model import WorkflowDefinition
from .field_factory import input_field, takes_null
from ..fields import IvkBoardField, IvkField, IvkModelIdentifierField
from .index_map import export_index_map, jsonpath_templates, verify_index_map
from .inputs import IvkWorkflowInput, IvkWorkflowOutput
from .upstream_models import build_input_jsonpath
from .monitor import Callbacks, EventCallback, Monitor, is_terminal, listen
from .handle_models import installed_models, sync_models
from .run_wait import ProgressCallback, await_item, finish, status_forwarder, wait_item
from .results import (
    OutputMapping,
    QueueItem,
    WorkflowCanceledError,
    WorkflowExecutionError,
    WorkflowSubmissionError,
    WorkflowTimeoutError,
    map_outputs,
)

__all__ = ["IvkWorkflowInput", "IvkWorkflowOutput", "OutputMapping", "WorkflowHandle"]

class WorkflowHandle:
    def __init__(
        self, client: Any, definition: WorkflowDefinition, schema: SchemaIndex | None = None
    ) -> None:
        self.client = client
        self.definition = definition
        self._workflow: Workflow = definition.workflow
        if schema is None and client is not None:
            schema = call(client, "schema")
        # No client: a handle to inspect a workflow (inputs typed from its JSON), not to run.
        self._schema: SchemaIndex | None = schema
        self.inputs: list[IvkWorkflowInput] = [self._make_input(fi) for fi in self._workflow.inputs]
        # Each field's first value: None now, where there was one, means "cleared", not "unset".
        self._first = [i.field.to_json_value() for i in self.inputs]
        self.job: Any = None  # the seed's attribute, never set by it either
        self.uploaded_assets: list[str] = []
        self.batch_id: str | None = None
        self.item_id: int | None = None
        self.session_id: str | None = None
        self._monitor: Monitor | None = None  # the run submitted with events, watched

    def _make_input(self, fi: FormInput) -> IvkWorkflowInput:
        field, required = input_field(self._schema, fi, self._workflow)
        return IvkWorkflowInput(
            input_index=fi.index,
            label=fi.label,
            node_name=fi.node_label or fi.node_type,
            node_id=fi.node_id,
            node_type=fi.node_type,
            field_name=fi.field_name,
            field=field,
            required=required,
            jsonpath=build_input_jsonpath(fi.node_id, fi.field_name),
            description=fi.description,
        )

    @property
    def workflow(self) -> Workflow:
        """The core's workflow this handle submits (model references as synced)."""
        return self._workflow

    # ------------------------------------------------------------------ inputs

    def list_inputs(self) -> list[IvkWorkflowInput]:
        return list(self.inputs)

    def get_input(self, index: int) -> IvkWorkflowInput:
        if not 0 <= index < len(self.inputs):
            raise IndexError(f"Input index {index} out of range (0-{len(self.inputs) - 1})")
        return self.inputs[index]

    def get_input_value(self, index: int) -> IvkField[Any]:
        """The live field of input ``index``: assigning its ``.value`` sets the input."""
        return self.get_input(index).field

    def set_input_value(self, index: int, value: IvkField[Any]) -> None:
        """Replace input ``index``'s field with one of exactly the same type."""
        inp = self.get_input(index)
        inp.field = value  # raises TypeError on another type
        inp.validate_input()

    def list_outputs(self) -> list[IvkWorkflowOutput]:
        """Form-exposed board fields: the nodes whose images the user routes to a board.

        The seed kept a fixed list of node types; any node the schema gives a board counts here.
        """
        return [
            i for i in self.inputs if i.field_name == "board" and isinstance(i.field, IvkBoardField)
        ]

    def export_input_index_map(self, path: str | os.PathLike[str]) -> None:
        """Save the inputs' indices, labels and node fields to ``path`` (JSON), so that
        ``verify_input_index_map`` can tell what a new export of the workflow moved."""
        export_index_map(path, self.definition.workflow.data.get("id"), self.inputs)

    def verify_input_index_map(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Compare the inputs with a saved map: ``unchanged``, ``moved``, ``missing``, ``new``."""
        return verify_index_map(path, self.inputs)

    def get_output_image_jsonpath_templates(self) -> list[dict[str, str]]:
        """For each output (``list_outputs()``), JSONPaths into the finished queue item."""
        return jsonpath_templates(o.node_id for o in self.list_outputs())

    def validate_inputs(self) -> dict[int, list[str]]:
        errors: dict[int, list[str]] = {}
        for inp in self.inputs:
            try:
                inp.validate_input()
            except ValueError as exc:
                errors.setdefault(inp.input_index, []).append(str(exc))
        return errors

    def preview(self) -> list[dict[str, Any]]:
        """One short line of data per input: index, label, field type, value."""
        rows = []
        for inp in self.inputs:
            value = getattr(inp.field, "value", None)
            if isinstance(inp.field, IvkModelIdentifierField):
                value = inp.field.name
            if isinstance(value, str) and len(value) > 60:
                value = value[:57] + "..."
            rows.append(
                {
                    "index": inp.input_index,
                    "label": inp.label or inp.field_name,
                    "type": type(inp.field).__name__.replace("Ivk", ""),
                    "value": value,
                }
            )
        return rows

    def values(self) -> dict[int, Any]:
        """Form index -> JSON value, for the inputs whose value differs from the workflow's.
        A field never set keeps the workflow's value; one set to None (cleared) is sent as
        null where the node takes null (submitting raises for the others)."""
        out: dict[int, Any] = {}
        cleared = self._cleared()
        for inp, saved in zip(self.inputs, self._workflow.inputs):
            value = inp.field.to_json_value()
            if value is None and cleared.get(inp.input_index):
                out[inp.input_index] = None
            elif value is not None and value != saved.value:
                out[inp.input_index] = value
        return out

    def _cleared(self) -> dict[int, bool]:
        """Inputs that had a value and now hold None: index -> whether the node takes null."""
        out: dict[int, bool] = {}
        for inp, saved, first in zip(self.inputs, self._workflow.inputs, self._first):
            if first is not None and saved.value is not None and inp.field.to_json_value() is None:
                out[inp.input_index] = takes_null(self._schema, inp.node_type, inp.field_name)
        return out

    # -------------------------------------------------------------- submitting

    def _check_submittable(self, queue_id: str, priority: int) -> None:
        if self.client is None:
            raise RuntimeError("this handle has no client (made to inspect a workflow)")
        if queue_id != "default" or priority != 0:
            # The core enqueues at normal priority on the default queue, as the GUI does.
            raise NotImplementedError("only queue_id='default' and priority=0 are supported")
        problems = self.validate_inputs()
        for index, nullable in self._cleared().items():
            if not nullable:  # None would silently run the saved value: say so instead
                problems.setdefault(index, []).append(
                    "set to None, but this field takes no null: give it a value "
                    "(the workflow saved one; it is not sent in its place)"
                )
        if problems:
            lines = [
                f"[{i}] {self.inputs[i].label or self.inputs[i].field_name}: {', '.join(m)}"
                for i, m in problems.items()
            ]
            raise ValueError(f"Input validation failed: {'; '.join(lines)}")

    def _record(self, submission: Any) -> list[int]:
        item_ids = [int(i) for i in _attr(submission, "item_ids")]
        if not item_ids:
            raise WorkflowSubmissionError(f"the server enqueued nothing: {submission!r}")
        self.batch_id = str(_attr(submission, "batch_id"))
        self.item_id = item_ids[0]
        self.session_id = None
        return item_ids

    def _submission(self, item_ids: list[int]) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "item_ids": item_ids,
            "enqueued": len(item_ids),
            "session_id": self.session_id,
        }

    def submit_sync(self, queue_id: str = "default", priority: int = 0) -> dict[str, Any]:
        """Enqueue the workflow with the inputs' values; returns batch_id, item_ids, session_id."""
        self._check_submittable(queue_id, priority)
        try:
            submission = call(self.client, "enqueue", self._workflow, [self.values()])
        except (EnqueueValidationError, HTTPStatusError) as exc:
            raise WorkflowSubmissionError(f"Workflow submission failed: {exc}") from exc
        item_ids = self._record(submission)
        try:  # the run is queued: from here on nothing raises, or a retry would run it twice
            self.session_id = QueueItem(call(self.client, "get_queue_item", self.item_id)).session_id
        except IvkError:
            pass  # None until the wait reads the finished item
        return self._submission(item_ids)

    async def submit(
        self,
        queue_id: str = "default",
        priority: int = 0,
        subscribe_events: bool = False,
        on_invocation_started: EventCallback | None = None,
        on_invocation_progress: EventCallback | None = None,
        on_invocation_complete: EventCallback | None = None,
        on_invocation_error: EventCallback | None = None,
    ) -> dict[str, Any]:
        """As ``submit_sync``, awaitable (either client). With ``subscribe_events`` (or any
        callback) the run is watched from before its enqueue: each callback gets the server's
        event dict (with ``node_id``, ``node_type``, ``progress``, ``outputs``, ``error``) on
        the event loop, while the caller awaits anything (``wait_for_completion`` ends with
        the watch). A callback may be a coroutine function."""
        callbacks = Callbacks(
            on_invocation_started, on_invocation_progress, on_invocation_complete, on_invocation_error
        )
        result = await self._submit(queue_id, priority, watch=subscribe_events or callbacks.any())
        if subscribe_events or callbacks.any():
            self._watch(Monitor(self.client, result["item_ids"][0], callbacks))
        return result

    async def _submit(self, queue_id: str, priority: int, *, watch: bool) -> dict[str, Any]:
        self._check_submittable(queue_id, priority)
        if watch:
            await listen(self.client)
        try:
            submission = await acall(self.client, "enqueue", self._workflow, [self.values()])
        except (EnqueueValidationError, HTTPStatusError) as exc:
            raise WorkflowSubmissionError(f"Workflow submission failed: {exc}") from exc
        item_ids = self._record(submission)
        try:  # queued: nothing raises from here on (see submit_sync)
            self.session_id = QueueItem(await acall(self.client, "get_queue_item", self.item_id)).session_id
        except IvkError:
            pass
        return self._submission(item_ids)

    def _watch(self, monitor: Monitor) -> None:
        if self._monitor is not None and not self._monitor.task.done():
            self._monitor.stop()  # watching the previous run is over: this handle moved on
        self._monitor = monitor

    async def submit_sync_monitor_async(
        self, queue_id: str = "default", priority: int = 0
    ) -> AsyncIterator[dict[str, Any]]:
        """Submit, then yield the run's events as they come: first ``{"event_type":
        "submission", batch_id, session_id, item_ids, enqueued}``, then the invocation events
        (``event_type`` "invocation_started", "invocation_progress", "invocation_complete",
        "invocation_error"), last the item's final "queue_item_status_changed". A watch that
        fails (the connection lost for good...) raises its error from the stream, naming the
        queued item in ``.item_ids``; ``wait_for_completion`` may wait for it again."""
        events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        result = await self._submit(queue_id, priority, watch=True)
        yield {"event_type": "submission", **result}
        monitor = Monitor(self.client, result["item_ids"][0], sink=events.put_nowait)
        self._watch(monitor)
        try:
            while True:
                try:
                    event = await monitor.next_event(events)
                except IvkError as exc:
                    raise exc.on_queue([str(result["batch_id"])], result["item_ids"])
                yield event
                if is_terminal(event):
                    return
        finally:
            if not monitor.task.done():
                monitor.stop()

    # ----------------------------------------------------------------- waiting

    def _submitted(self, queue_id: str) -> int:
        if self.item_id is None:
            raise RuntimeError("No job submitted to wait for")
        if queue_id != "default":
            raise NotImplementedError("only queue_id='default' is supported")
        return self.item_id

    def wait_for_completion_sync(
        self,
        poll_interval: float = 0.5,
        timeout: float | None = 60.0,
        progress_callback: ProgressCallback | None = None,
        queue_id: str = "default",
        *,
        raise_on_error: bool = True,
    ) -> QueueItem:
        """Wait for the submitted item (the core's wait: socket.io events, polling as fallback,
        so ``poll_interval`` is not needed). ``progress_callback`` gets a queue-item dict at
        each status change. A failed or canceled item raises (RuntimeError subclasses, with
        ``.queue_item`` and the reason) unless ``raise_on_error=False``; running past
        ``timeout`` raises TimeoutError and leaves the item running."""
        item_id = self._submitted(queue_id)
        try:
            result = wait_item(self.client, item_id, timeout=timeout, progress=status_forwarder(progress_callback))
        except RunTimeout as exc:
            raise WorkflowTimeoutError(exc.item_id, exc.timeout, exc.last_status) from exc
        if self._monitor is not None and self._monitor.item_id == item_id:
            self._monitor.raise_errors()  # what its callbacks raised so far
        return self._finish(QueueItem.of(result), raise_on_error)

    async def wait_for_completion(
        self,
        timeout: float | None = None,
        queue_id: str = "default",
        *,
        progress_callback: ProgressCallback | None = None,
        raise_on_error: bool = True,
    ) -> QueueItem:
        """As ``wait_for_completion_sync``, awaitable; no timeout unless one is given. After
        a ``submit`` with events this awaits that watch (its callbacks keep firing, async ones
        are awaited); an error a callback raised, or the watch's own, is raised here."""
        item_id = self._submitted(queue_id)
        monitor = self._monitor
        if monitor is not None and monitor.item_id == item_id and not monitor.task.cancelled():
            monitor.status = status_forwarder(progress_callback)
            try:
                item = await asyncio.wait_for(asyncio.shield(monitor.task), timeout)
            except asyncio.TimeoutError as exc:
                raise WorkflowTimeoutError(item_id, timeout or 0.0, monitor.last_status) from exc
            await monitor.settle(timeout)
            return self._finish(item, raise_on_error)
        try:
            result = await await_item(self.client, item_id, timeout=timeout, progress=status_forwarder(progress_callback))
        except RunTimeout as exc:
            raise WorkflowTimeoutError(exc.item_id, exc.timeout, exc.last_status) from exc
        return self._finish(QueueItem.of(result), raise_on_error)

    def _finish(self, item: QueueItem, raise_on_error: bool) -> QueueItem:
        if self.session_id is None and item.item_id == self.item_id:
            self.session_id = item.session_id  # not known at submit when that read failed
        return finish(item, raise_on_error)

    def get_queue_item(self, queue_id: str = "default") -> QueueItem | None:
        if self.item_id is None:
            return None
        return QueueItem(call(self.client, "get_queue_item", self._submitted(queue_id)))

    def cancel(self, queue_id: str = "default") -> bool:
        if self.item_id is None:
            raise RuntimeError("No job to cancel")
        call(self.client, "cancel", self._submitted(queue_id))
        return True

    async def cancel_async(self, queue_id: str = "default") -> bool:
        if self.item_id is None:
            raise RuntimeError("No job to cancel")
        await acall(self.client, "cancel", self._submitted(queue_id))
        return True

    # ----------------------------------------------------------------- outputs

    def map_outputs_to_images(self, queue_item: dict[str, Any]) -> list[OutputMapping]:
        """For each output (``list_outputs()``), the images it produced in ``queue_item``."""
        outputs = [(o.node_id, o.node_type, o.input_index, o.label) for o in self.list_outputs()]
        return map_outputs(queue_item, outputs)

    # ------------------------------------------------------------------ models

    def sync_dnn_model(
        self, by_name: bool = True, by_base: bool = False
    ) -> list[tuple[IvkModelIdentifierField, IvkModelIdentifierField]]:
        """Point every model reference at a model installed on the server (GET models).

        First match wins: same key, same hash, same name (``by_name``), same base
        (``by_base``); name and base matches keep the model type. Any reference left
        unmatched raises ValueError and changes nothing. Returns (old, new) for each reference
        changed. Only this handle's copy changes, never the definition or the caller's data.
        """
        models = installed_models(self.client)
        self._workflow, changed = sync_models(self._workflow, self.inputs, models, by_name, by_base)
        return changed

    def __repr__(self) -> str:
        status = "submitted" if self.batch_id else "none"
        return f"WorkflowHandle(name={self.definition.name!r}, inputs={len(self.inputs)}, status={status!r})"


def _attr(obj: Any, name: str) -> Any:
    """A field of the core's Submission (an object; a mapping accepted too)."""
    return obj[name] if isinstance(obj, dict) else getattr(obj, name)
