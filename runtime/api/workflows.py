"""The workflow library: list, read, save, update and delete the workflows the server keeps
(requests and answers, pure)."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .call import Call, segment

__all__ = [
    "WorkflowCategory",
    "WorkflowListItem",
    "WorkflowPage",
    "WorkflowRecord",
    "create_workflow_call",
    "delete_workflow_call",
    "get_workflow_call",
    "library_body",
    "list_workflows_call",
    "update_workflow_call",
]

WorkflowCategory = Literal["user", "default", "project"]

# Fields the server's ``WorkflowWithoutID`` requires, with what an export lacking them means.
_REQUIRED: dict[str, Any] = {
    "name": "",
    "author": "",
    "description": "",
    "version": "",
    "contact": "",
    "tags": "",
    "notes": "",
    "exposedFields": [],
    "meta": {"version": "3.0.0", "category": "user"},
    "nodes": [],
    "edges": [],
}


class WorkflowListItem(BaseModel):
    """One workflow of the library listing (without its nodes)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    workflow_id: str
    name: str
    description: str = ""
    category: str = "user"
    tags: str = ""
    created_at: str | None = None
    updated_at: str | None = None
    opened_at: str | None = None
    user_id: str | None = None
    is_public: bool = False
    thumbnail_url: str | None = None


class WorkflowPage(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    page: int = 0
    pages: int = 0
    per_page: int = 0
    total: int = 0
    items: list[WorkflowListItem] = Field(default_factory=list)


class WorkflowRecord(BaseModel):
    """A saved workflow: the library's record and the workflow JSON itself (``workflow``)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    workflow_id: str
    name: str
    workflow: dict[str, Any]
    created_at: str | None = None
    updated_at: str | None = None
    opened_at: str | None = None
    user_id: str | None = None
    is_public: bool = False
    thumbnail_url: str | None = None


def list_workflows_call(
    *,
    page: int = 0,
    per_page: int | None = None,
    categories: Sequence[WorkflowCategory] | None = None,
    tags: Sequence[str] | None = None,
    query: str | None = None,
    order_by: str = "name",
    direction: Literal["ASC", "DESC"] = "ASC",
) -> Call:
    params: dict[str, Any] = {"page": page, "order_by": order_by, "direction": direction}
    if per_page is not None:
        params["per_page"] = per_page
    if categories:
        params["categories"] = list(categories)
    if tags:
        params["tags"] = list(tags)
    if query:
        params["query"] = query
    return Call("GET", "/api/v1/workflows/", params=params, idempotent=True)


def get_workflow_call(workflow_id: str) -> Call:
    return Call("GET", f"/api/v1/workflows/i/{segment(workflow_id)}", idempotent=True)


def library_body(workflow: Mapping[str, Any], *, with_id: bool) -> dict[str, Any]:
    """The workflow as the library stores it: every required field present; ``id`` only for an
    update (the server gives a new workflow its id)."""
    body = {**copy.deepcopy(_REQUIRED), **copy.deepcopy(dict(workflow))}
    if isinstance(body.get("tags"), list):  # some exports keep tags as a list
        body["tags"] = ", ".join(str(t) for t in body["tags"])
    if not with_id:
        body.pop("id", None)
    return body


def create_workflow_call(workflow: Mapping[str, Any]) -> Call:
    return Call("POST", "/api/v1/workflows/", json_body={"workflow": library_body(workflow, with_id=False)})


def update_workflow_call(workflow_id: str, workflow: Mapping[str, Any]) -> Call:
    body = {**library_body(workflow, with_id=True), "id": workflow_id}
    return Call("PATCH", f"/api/v1/workflows/i/{segment(workflow_id)}", json_body={"workflow": body})


def delete_workflow_call(workflow_id: str) -> Call:
    return Call("DELETE", f"/api/v1/workflows/i/{segment(workflow_id)}")
