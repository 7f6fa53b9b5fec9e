"""The server's workflow library as typed API: ``client.workflows`` (requests and answers live
in ``api.workflows``; this area sends them through the client's connection)."""

from __future__ import annotations

import builtins
import functools
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from ..api import workflows as api
from ..api.call import Call
from ..api.connection_async import AsyncConnection
from ..api.workflows import WorkflowCategory, WorkflowListItem, WorkflowPage, WorkflowRecord
from ..errors import HTTPStatusError, LibraryChangedWarning, NotFound
from ..workflow import Workflow

__all__ = ["AsyncWorkflows"]

_PER_PAGE = 100
_ATTEMPTS = 3  # listings of a library that keeps changing under the paging
ListItems = list[WorkflowListItem]  # named here: the area's own ``list`` hides the builtin


class AsyncWorkflows:
    def __init__(self, conn: AsyncConnection, queue_id: str = "default") -> None:
        self._conn = conn
        self.queue_id = queue_id

    async def list(
        self,
        *,
        categories: Sequence[WorkflowCategory] | None = None,
        tags: Sequence[str] | None = None,
        query: str | None = None,
        order_by: str = "name",
        direction: Literal["ASC", "DESC"] = "ASC",
    ) -> ListItems:
        """Every workflow of the library (all pages), or those of ``categories`` ("user",
        "default": InvokeAI's own, "project"), with all ``tags``, matching ``query``. Each
        workflow once; pages are by offset, so when the library's total changes while paging
        the listing starts over (LibraryChangedWarning after a few tries)."""
        for _ in range(_ATTEMPTS):
            found, stable = await self._pages(
                functools.partial(
                    api.list_workflows_call,
                    per_page=_PER_PAGE,
                    categories=categories,
                    tags=tags,
                    query=query,
                    order_by=order_by,
                    direction=direction,
                )
            )
            if stable:
                return found
        warnings.warn(
            f"the workflow library changed while it was listed ({_ATTEMPTS} times): "
            f"this listing may miss workflows saved meanwhile",
            LibraryChangedWarning,
            stacklevel=2,
        )
        return found

    async def _pages(self, page_call: Callable[..., Call]) -> tuple[ListItems, bool]:
        """Every page (``page_call(page=n)``), each workflow once (by id); False when the total
        changed between pages, so an offset page may have skipped one."""
        found: dict[str, WorkflowListItem] = {}
        total: int | None = None
        stable = True
        page = 0
        while True:
            answer = WorkflowPage.model_validate(await self._conn.json(page_call(page=page)))
            if total is not None and answer.total != total:
                stable = False
            total = answer.total
            for item in answer.items:
                found.setdefault(item.workflow_id, item)
            page += 1
            if page >= answer.pages or not answer.items:
                return builtins.list(found.values()), stable

    async def get(self, workflow_id: str) -> WorkflowRecord:
        """A saved workflow; NotFound when the library has none of that id."""
        return WorkflowRecord.model_validate(
            await self._json(api.get_workflow_call(workflow_id), workflow_id)
        )

    async def create(self, workflow: Workflow | Mapping[str, Any]) -> WorkflowRecord:
        """Save a workflow to the library as a new one (the server gives it its id). A loaded
        ``Workflow`` is saved as migrated, so the GUI opens it as it is run here."""
        data = workflow.data if isinstance(workflow, Workflow) else workflow
        return WorkflowRecord.model_validate(await self._conn.json(api.create_workflow_call(data)))

    async def update(self, workflow_id: str, workflow: Workflow | Mapping[str, Any]) -> WorkflowRecord:
        """Replace a saved workflow's JSON (its id stays); NotFound when there is none."""
        data = workflow.data if isinstance(workflow, Workflow) else workflow
        call = api.update_workflow_call(workflow_id, data)
        return WorkflowRecord.model_validate(await self._json(call, workflow_id))

    async def delete(self, workflow_id: str) -> None:
        """Delete a saved workflow; NotFound when there is none."""
        await self._json(api.delete_workflow_call(workflow_id), workflow_id)

    async def _json(self, call: Call, workflow_id: str) -> Any:
        try:
            return await self._conn.json(call)
        except HTTPStatusError as exc:
            if exc.status == 404 and not isinstance(exc, NotFound):
                raise NotFound("workflow", workflow_id, exc.method, exc.url, exc.status, exc.body) from exc
            raise
