# Generated from workflows_async.py by scripts/unasync.py: edit that file, then run the script.
"""The server's workflow library as typed API: ``client.workflows`` (requests and answers live
in ``api.workflows``; this area sends them through the client's connection)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from ..api import workflows as api
from ..api.call import Call
from ..api.connection_sync import Connection
from ..api.workflows import WorkflowCategory, WorkflowListItem, WorkflowPage, WorkflowRecord
from ..errors import HTTPStatusError, NotFound
from ..workflow import Workflow

__all__ = ["Workflows"]

_PER_PAGE = 100
ListItems = list[WorkflowListItem]  # named here: the area's own ``list`` hides the builtin


class Workflows:
    def __init__(self, conn: Connection, queue_id: str = "default") -> None:
        self._conn = conn
        self.queue_id = queue_id

    def list(
        self,
        *,
        categories: Sequence[WorkflowCategory] | None = None,
        tags: Sequence[str] | None = None,
        query: str | None = None,
        order_by: str = "name",
        direction: Literal["ASC", "DESC"] = "ASC",
    ) -> ListItems:
        """Every workflow of the library (all pages), or those of ``categories`` ("user",
        "default": InvokeAI's own, "project"), with all ``tags``, matching ``query``."""
        found: ListItems = []
        page = 0
        while True:
            call = api.list_workflows_call(
                page=page,
                per_page=_PER_PAGE,
                categories=categories,
                tags=tags,
                query=query,
                order_by=order_by,
                direction=direction,
            )
            answer = WorkflowPage.model_validate(self._conn.json(call))
            found.extend(answer.items)
            page += 1
            if page >= answer.pages or not answer.items:
                return found

    def get(self, workflow_id: str) -> WorkflowRecord:
        """A saved workflow; NotFound when the library has none of that id."""
        return WorkflowRecord.model_validate(
            self._json(api.get_workflow_call(workflow_id), workflow_id)
        )

    def create(self, workflow: Workflow | Mapping[str, Any]) -> WorkflowRecord:
        """Save a workflow to the library as a new one (the server gives it its id). A loaded
        ``Workflow`` is saved as migrated, so the GUI opens it as it is run here."""
        data = workflow.data if isinstance(workflow, Workflow) else workflow
        return WorkflowRecord.model_validate(self._conn.json(api.create_workflow_call(data)))

    def update(self, workflow_id: str, workflow: Workflow | Mapping[str, Any]) -> WorkflowRecord:
        """Replace a saved workflow's JSON (its id stays); NotFound when there is none."""
        data = workflow.data if isinstance(workflow, Workflow) else workflow
        call = api.update_workflow_call(workflow_id, data)
        return WorkflowRecord.model_validate(self._json(call, workflow_id))

    def delete(self, workflow_id: str) -> None:
        """Delete a saved workflow; NotFound when there is none."""
        self._json(api.delete_workflow_call(workflow_id), workflow_id)

    def _json(self, call: Call, workflow_id: str) -> Any:
        try:
            return self._conn.json(call)
        except HTTPStatusError as exc:
            if exc.status == 404 and not isinstance(exc, NotFound):
                raise NotFound("workflow", workflow_id, exc.method, exc.url, exc.status, exc.body) from exc
            raise
