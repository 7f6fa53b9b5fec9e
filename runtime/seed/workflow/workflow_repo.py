"""``WorkflowRepository`` (``client.workflow_repo``): handles for workflow definitions, and the
server's workflow library (``client.workflows`` in the core).

It takes the core client (``InvokeAIClient`` or ``AsyncInvokeAIClient``) and never speaks HTTP
itself.
"""

from __future__ import annotations

import pathlib
from typing import Any

from ...errors import AmbiguousWorkflowName, NotFound
from ...graph.schema_index import SchemaIndex
from .._dispatch import acall, call, is_async_client
from .workflow_handle import WorkflowHandle
from .workflow_model import WorkflowDefinition

__all__ = ["WorkflowRepository"]

class WorkflowRepository:
    def __init__(self, client: Any) -> None:
        self._client = client
        self._schema: SchemaIndex | None = None  # one fetch serves every handle
        self._cached_workflows: dict[str, WorkflowHandle] = {}

    # ------------------------------------------------------------------ handles

    def validate_workflow_definition(self, definition: WorkflowDefinition) -> list[str]:
        """Problems that stop a workflow from being run here; [] when it can be.

        The seed also refused version 4.0.0 (and any later major) here. The core reads every
        format the GUI reads, 4.0.0 too, and refuses the others when the definition is loaded.
        """
        return definition.validate_workflow()

    def _checked(self, definition: WorkflowDefinition, validate: bool) -> WorkflowDefinition:
        if validate:
            errors = self.validate_workflow_definition(definition)
            if errors:
                raise ValueError(f"Workflow validation failed: {'; '.join(errors)}")
        return definition

    def create_workflow(
        self, definition: WorkflowDefinition, validate: bool = True, auto_fix: bool = True
    ) -> WorkflowHandle:
        """A handle for ``definition`` (``auto_fix`` is accepted for the seed's signature:
        migration to the newest format always happens when the definition is read)."""
        self._checked(definition, validate)
        if self._schema is None:
            self._schema = call(self._client, "schema")
        return WorkflowHandle(self._client, definition, self._schema)

    async def create_workflow_async(
        self, definition: WorkflowDefinition, validate: bool = True
    ) -> WorkflowHandle:
        """As ``create_workflow``, for the async client (the schema fetch is awaited)."""
        self._checked(definition, validate)
        if self._schema is None:
            self._schema = await acall(self._client, "schema")
        return WorkflowHandle(self._client, definition, self._schema)

    def create_workflow_from_file(
        self, filepath: str | pathlib.Path, validate: bool = True, auto_fix: bool = True
    ) -> WorkflowHandle:
        return self.create_workflow(WorkflowDefinition.from_file(filepath), validate)

    def create_workflow_from_dict(
        self, data: dict[str, Any], validate: bool = True, auto_fix: bool = True
    ) -> WorkflowHandle:
        return self.create_workflow(WorkflowDefinition.from_dict(data), validate)

    # ------------------------------------------------------------------ library

    def list_available_workflows(self) -> list[dict[str, str]]:
        """The server's saved workflows: id, name, description, author ("" : the listing does
        not carry it), category ("user", "default" for InvokeAI's own, "project"), tags."""
        return [
            {
                "id": item.workflow_id,
                "name": item.name,
                "description": item.description,
                "author": "",
                "category": item.category,
                "tags": item.tags,
            }
            for item in self._workflows().list()
        ]

    def download_workflow(self, workflow_id: str) -> WorkflowDefinition | None:
        """A saved workflow as a definition; None when the server has none of that id."""
        try:
            record = self._workflows().get(workflow_id)
        except NotFound:
            return None
        return WorkflowDefinition.from_dict(record.workflow, source=f"workflow {workflow_id}")

    def upload_workflow(self, definition: WorkflowDefinition, overwrite: bool = False) -> str:
        """Save ``definition`` to the server's library; its new id. A saved workflow of the
        same name (among the user's, not InvokeAI's own) raises ValueError, or is replaced in
        place (same id) with ``overwrite``; several of that name raise AmbiguousWorkflowName
        (a ValueError) naming their ids, and none is replaced."""
        library = self._workflows()
        same_name = [
            item
            for item in library.list(query=definition.name)
            if item.name == definition.name and item.category != "default"
        ]
        if same_name:
            if not overwrite:
                raise ValueError(f"Workflow '{definition.name}' already exists")
            if len(same_name) > 1:  # which one is meant is not ours to guess
                raise AmbiguousWorkflowName(definition.name, [i.workflow_id for i in same_name])
            return str(library.update(same_name[0].workflow_id, definition.workflow).workflow_id)
        return str(library.create(definition.workflow).workflow_id)

    def delete_workflow(self, workflow_id: str) -> bool:
        """Delete a saved workflow; False when the server has none of that id."""
        try:
            self._workflows().delete(workflow_id)
        except NotFound:
            return False
        return True

    def _workflows(self) -> Any:
        """The core's library area; the blocking methods need the synchronous client."""
        if is_async_client(self._client):
            raise TypeError(
                "the workflow library's methods block: use the synchronous InvokeAIClient, "
                "or 'await client.workflows.list()' (and get, create, update, delete)"
            )
        return self._client.workflows

    def __repr__(self) -> str:
        return f"WorkflowRepository(client={self._client!r})"

