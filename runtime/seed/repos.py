"""The seed's repositories, ``client.workflow_repo`` and ``client.board_repo``
(now in ``seed.board``).

Both take the core client (``InvokeAIClient`` or ``AsyncInvokeAIClient``) and never speak
HTTP themselves.
"""

from __future__ import annotations

import pathlib
from typing import Any

from ..graph.schema_index import SchemaIndex
from ._dispatch import acall, call
from .board.board_repo import BoardRepository  # moved; the core imports it from here
from .definition import WorkflowDefinition
from .handle import WorkflowHandle

__all__ = ["BoardRepository", "WorkflowRepository"]


class WorkflowRepository:
    def __init__(self, client: Any) -> None:
        self._client = client
        self._schema: SchemaIndex | None = None  # one fetch serves every handle

    def _checked(self, definition: WorkflowDefinition, validate: bool) -> WorkflowDefinition:
        if validate:
            errors = definition.validate_workflow()
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

    def __repr__(self) -> str:
        return f"WorkflowRepository(client={self._client!r})"
