"""The seed's repositories, ``client.workflow_repo`` and ``client.board_repo``.

Both take the core client (``InvokeAIClient`` or ``AsyncInvokeAIClient``) and never speak
HTTP themselves.
"""

from __future__ import annotations

import pathlib
from typing import Any

from ..errors import HTTPStatusError
from ..graph.schema_index import SchemaIndex
from ._dispatch import acall, call
from .board import UNCATEGORIZED, Board, BoardHandle
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


class BoardRepository:
    """Boards by id or name; handles are cached per board id (the seed's behaviour)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._cached_handles: dict[str, BoardHandle] = {}

    def list_boards(
        self, all: bool = True, include_uncategorized: bool = False
    ) -> list[Board]:  # noqa: A002
        """Every board (``all`` is the seed's; the core always lists them all). With
        ``include_uncategorized`` the "none" board comes first, with its image count."""
        boards = call(self._client, "list_boards", include_uncategorized=include_uncategorized)
        return [Board.model_validate(b) for b in boards]

    def get_board_by_id(self, board_id: str | None) -> Board | None:
        if board_id in (None, UNCATEGORIZED):
            return self.get_uncategorized_board()
        return next((b for b in self.list_boards() if b.board_id == board_id), None)

    def get_boards_by_name(self, name: str) -> list[Board]:
        """Boards named exactly ``name`` (names are not unique)."""
        return [b for b in self.list_boards() if b.board_name == name]

    def create_board(self, name: str) -> BoardHandle:
        board = Board.model_validate(call(self._client, "create_board", name))
        handle = BoardHandle(self._client, board)
        self._cached_handles[handle.board_id] = handle
        return handle

    def delete_board(self, board_id: str, delete_images: bool = False) -> bool:
        """Delete a board; its images move to uncategorized. False if there was no such board."""
        if board_id in (None, UNCATEGORIZED):
            raise ValueError("Cannot delete the uncategorized board")
        if delete_images:
            raise NotImplementedError(
                "deleting a board's images is not supported; they move to uncategorized"
            )
        try:
            call(self._client, "delete_board", board_id)
        except HTTPStatusError as exc:
            if exc.status == 404:
                return False
            raise
        self._cached_handles.pop(board_id, None)
        return True

    def get_board_handle(self, board_id: str | None) -> BoardHandle:
        """A handle for a board id; None or "none" is uncategorized. ValueError if unknown."""
        key = UNCATEGORIZED if board_id in (None, UNCATEGORIZED) else str(board_id)
        cached = self._cached_handles.get(key)
        if cached is not None:
            cached.refresh()
            return cached
        board = self.get_board_by_id(key)
        if board is None:
            raise ValueError(f"Board not found: {key}")
        handle = BoardHandle(self._client, board)
        self._cached_handles[key] = handle
        return handle

    def get_board_handle_by_name(self, name: str) -> BoardHandle | None:
        boards = self.get_boards_by_name(name)
        return self.get_board_handle(boards[0].board_id) if boards else None

    def get_uncategorized_board(self) -> Board:
        boards = self.list_boards(include_uncategorized=True)
        found = next((b for b in boards if b.is_uncategorized()), None)
        if found is not None:
            return Board.uncategorized(found.image_count)
        count = len(call(self._client, "list_board_images", UNCATEGORIZED))
        return Board.uncategorized(count)

    def get_uncategorized_handle(self) -> BoardHandle:
        return self.get_board_handle(UNCATEGORIZED)

    def clear_cache(self) -> None:
        self._cached_handles.clear()

    def __repr__(self) -> str:
        return f"BoardRepository(client={self._client!r})"
