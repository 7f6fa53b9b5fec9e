"""``BoardRepository`` (``client.board_repo``): boards by id or name, their handles (cached per
board id), and image lookups. Every request goes through the core client's areas."""

from __future__ import annotations

import warnings
from typing import Any

from ...api.boards import UNCATEGORIZED, is_uncategorized
from ...errors import AmbiguousBoardName, BoardVisibilityNotSet, HTTPStatusError, NotFound
from ..images import IvkImage
from .board_handle import BoardHandle
from .board_model import Board
from .core import areas, base_url

__all__ = ["AmbiguousBoardNameWarning", "BoardRepository"]


class AmbiguousBoardNameWarning(UserWarning):
    """A board was looked up by a name several boards have; the newest was taken."""


class BoardRepository:
    def __init__(self, client: Any) -> None:
        self._client = client
        self._cached_handles: dict[str, BoardHandle] = {}

    def list_boards(self, all: bool = True, include_uncategorized: bool = False) -> list[Board]:  # noqa: A002
        """Every board, archived ones left out as the GUI does (``all`` is the seed's
        pagination switch; every board is always listed). With ``include_uncategorized`` the
        uncategorized board ("none") comes first, with its image count."""
        boards, _ = areas(self._client)
        return [Board.from_info(b) for b in boards.list(include_uncategorized=include_uncategorized)]

    def get_board_by_id(self, board_id: str | None) -> Board | None:
        """The board, or None if there is none with that id ("none"/None: uncategorized)."""
        boards, _ = areas(self._client)
        info = boards.find(board_id)
        return None if info is None else Board.from_info(info)

    def get_boards_by_name(self, name: str, *, include_archived: bool = False) -> list[Board]:
        """Boards named exactly ``name`` (names are not unique), newest first; archived ones
        only with ``include_archived`` (1.1.1 listed them as the server does: left out)."""
        boards, _ = areas(self._client)
        found = boards.find_by_name(name, include_archived=include_archived)
        return [Board.from_info(b) for b in found]

    def create_board(self, name: str, is_private: bool = False) -> BoardHandle:
        """A new board's handle. ``is_private=False`` lets every user of a multi-user server
        see it (6.14: "shared"); True keeps it to its owner. ValueError if the server refuses."""
        boards, _ = areas(self._client)
        try:
            info = boards.create(name, is_private=is_private)
        except BoardVisibilityNotSet as exc:  # it exists: a retry would make a second one
            raise ValueError(
                f"Board created but its visibility is not set: board_id {exc.board_id} ({exc})"
            ) from exc
        except HTTPStatusError as exc:
            raise ValueError(f"Failed to create board: {exc.status} - {exc.body[:300]}") from exc
        handle = BoardHandle(self._client, Board.from_info(info))
        self._cached_handles[handle.board_id] = handle
        return handle

    def delete_board(self, board_id: str, delete_images: bool = False) -> bool:
        """Delete a board: its images become uncategorized, or are deleted with it when
        ``delete_images`` is True. False if there is no such board."""
        if is_uncategorized(board_id):
            raise ValueError("Cannot delete the uncategorized board")
        boards, _ = areas(self._client)
        try:
            boards.delete(board_id, delete_images=delete_images)
        except NotFound:
            return False
        self._cached_handles.pop(board_id, None)
        return True

    def update_board(
        self, board_id: str, name: str | None = None, is_private: bool | None = None
    ) -> Board | None:
        """Rename a board and/or change its privacy; the board afterwards, None if not found."""
        if is_uncategorized(board_id):
            raise ValueError("Cannot update the uncategorized board")
        boards, _ = areas(self._client)
        try:
            board = Board.from_info(boards.update(board_id, name=name, is_private=is_private))
        except NotFound:
            return None
        cached = self._cached_handles.get(board_id)
        if cached is not None:
            cached.board = board
        return board

    def get_board_handle(self, board_id: str | None) -> BoardHandle:
        """A handle for a board id (None or "none": uncategorized), cached and refreshed on
        each call. ValueError if there is no such board."""
        key = UNCATEGORIZED if is_uncategorized(board_id) else str(board_id)
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
        """The handle of the first (newest) unarchived board named ``name``, or None, as
        1.1.1 documented; when several are so named, an AmbiguousBoardNameWarning names them."""
        boards = self.get_boards_by_name(name)
        if len(boards) > 1:
            ids = [str(b.board_id) for b in boards]
            warnings.warn(AmbiguousBoardNameWarning(str(AmbiguousBoardName(name, ids))), stacklevel=2)
        return self.get_board_handle(boards[0].board_id) if boards else None

    def get_uncategorized_board(self) -> Board:
        boards, _ = areas(self._client)
        return Board.uncategorized(boards.uncategorized().image_count)

    def get_uncategorized_handle(self) -> BoardHandle:
        return self.get_board_handle(UNCATEGORIZED)

    def clear_cache(self) -> None:
        self._cached_handles.clear()

    def get_image_by_name(self, image_name: str) -> IvkImage | None:
        """The image's record, or None if there is no such image."""
        _, images = areas(self._client)
        info = images.find(image_name)
        return None if info is None else IvkImage.from_info(info)

    def get_image_current_board_id(self, image_name: str) -> str | None:
        """The id of the board the image is on; None if uncategorized or not found."""
        image = self.get_image_by_name(image_name)
        return None if image is None else image.board_id

    def move_image_to_board_by_name(self, image_name: str, target_board_name: str) -> bool:
        """Move an image to the unarchived board named ``target_board_name``, creating it if
        there is none. False if the image does not exist; AmbiguousBoardName (naming the ids)
        if several boards have that name: moving by id says which."""
        if self.get_image_by_name(image_name) is None:
            return False
        boards = self.get_boards_by_name(target_board_name)
        if len(boards) > 1:
            raise AmbiguousBoardName(target_board_name, [str(b.board_id) for b in boards])
        if boards:
            handle = self.get_board_handle(boards[0].board_id)
        else:
            handle = self.create_board(target_board_name)
        source = self.get_board_handle(self.get_image_current_board_id(image_name))
        return source.move_image_to(image_name, handle.board_id)

    def __repr__(self) -> str:
        return f"BoardRepository(client={base_url(self._client)})"
