# Generated from boards_async.py by scripts/unasync.py: edit that file, then run the script.
"""The server's boards as typed API: ``client.boards`` (requests and answers live in
``api.boards``; this area sends them through the client's connection).

The uncategorized board is the id "none" (None is taken for it too): it has no record on the
server, so ``get("none")`` makes one up with the count of uncategorized images, and it cannot
be created, renamed or deleted. A missing board raises ``NotFound`` (kind "board").
"""

from __future__ import annotations

import builtins
from typing import Any

from ..api import boards as api
from ..api.boards import UNCATEGORIZED, BoardInfo, BoardVisibility, DeletedBoard, is_uncategorized
from ..api.call import Call
from ..api.connection_sync import Connection
from ..api.images import ImageCategory, ImageNames, ImagePage, OrderDir
from ..api.missing import as_not_found
from ..errors import AmbiguousBoardName, BoardVisibilityNotSet, HTTPStatusError, IvkError, NotFound
from .images_sync import Images

__all__ = ["Boards"]


class Boards:
    def __init__(self, conn: Connection, queue_id: str = "default") -> None:
        self._conn = conn
        self.queue_id = queue_id
        self._images = Images(conn, queue_id)

    def _about(self, board_id: str, call: Call) -> Any:
        try:
            return self._conn.json(call)
        except HTTPStatusError as exc:
            raise as_not_found(exc, "board", board_id) from exc

    def list(
        self, *, include_archived: bool = False, include_uncategorized: bool = False
    ) -> builtins.list[BoardInfo]:
        """Every board (newest first, as the server lists them); with
        ``include_uncategorized`` the uncategorized board comes first."""
        data = self._conn.json(api.list_boards_call(include_archived=include_archived))
        boards = [BoardInfo.model_validate(b) for b in api.parse_boards(data, None)]
        if include_uncategorized:
            boards.insert(0, self.uncategorized())
        return boards

    def uncategorized(self) -> BoardInfo:
        """The uncategorized board, with the number of images on no board."""
        names = api.parse_image_names(self._conn.json(api.board_images_call(UNCATEGORIZED)))
        return BoardInfo.model_validate(api.uncategorized_board(len(names)))

    def get(self, board_id: str | None) -> BoardInfo:
        if is_uncategorized(board_id):
            return self.uncategorized()
        bid = str(board_id)
        return BoardInfo.model_validate(self._about(bid, api.board_call(bid)))

    def find(self, board_id: str | None) -> BoardInfo | None:
        """As ``get``, None when there is no such board."""
        try:
            return self.get(board_id)
        except NotFound:
            return None

    def find_by_name(
        self, name: str, *, include_archived: bool = False
    ) -> builtins.list[BoardInfo]:
        """The boards named exactly ``name`` (names need not be unique), newest first;
        archived ones only with ``include_archived`` (the GUI hides them too)."""
        boards = self.list(include_archived=include_archived)
        return [b for b in boards if b.board_name == name]

    def get_by_name(self, name: str, *, include_archived: bool = False) -> BoardInfo:
        """The one board named exactly ``name`` (archived ones only with
        ``include_archived``). NotFound if there is none, AmbiguousBoardName (naming the ids)
        if there are several: picking one would put images on a board the caller did not mean."""
        found = self.find_by_name(name, include_archived=include_archived)
        if not found:
            call = api.list_boards_call(include_archived=include_archived)
            raise NotFound("board", name, call.method, self._conn.base_url + call.path, 404, "")
        if len(found) > 1:
            raise AmbiguousBoardName(name, [b.board_id for b in found])
        return found[0]

    def create(self, name: str, *, is_private: bool | None = None) -> BoardInfo:
        """A new board. ``is_private``: True, only its owner sees it; False, every user of a
        multi-user server may look at it (6.14: "shared" visibility); None: the server's
        default (6.14: private).

        6.14 creates boards private and sets the visibility with a second request. If that
        fails the new board is deleted and its error raised, so that a retry does not leave a
        second board; if the delete fails too, BoardVisibilityNotSet names the board left."""
        created = BoardInfo.model_validate(
            self._conn.json(api.create_board_call(name, is_private=is_private))
        )
        if is_private is not None and created.board_visibility is not None:
            wanted = api.visibility_for(is_private)
            if created.board_visibility != wanted:
                try:
                    return self.update(created.board_id, visibility=wanted)
                except IvkError as exc:
                    self._undo_create(created, wanted, exc)
                    raise
        return created

    def _undo_create(self, created: BoardInfo, visibility: str, error: IvkError) -> None:
        try:
            self.delete(created.board_id)
        except IvkError as delete_error:
            raise BoardVisibilityNotSet(
                created.board_id, created.board_name, visibility, error, delete_error
            ) from error

    def update(
        self,
        board_id: str,
        *,
        name: str | None = None,
        cover_image_name: str | None = None,
        archived: bool | None = None,
        is_private: bool | None = None,
        visibility: BoardVisibility | None = None,
    ) -> BoardInfo:
        """Change what is given; the board as it is afterwards. ``is_private`` is the
        shorthand for ``visibility`` "private" / "shared"."""
        if is_uncategorized(board_id):
            raise ValueError("the uncategorized board cannot be changed")
        if is_private is not None and visibility is None:
            visibility = api.visibility_for(is_private)
        call = api.update_board_call(
            board_id,
            name=name,
            cover_image_name=cover_image_name,
            archived=archived,
            visibility=visibility,
        )
        if call.json_body == {}:
            return self.get(board_id)
        return BoardInfo.model_validate(self._about(board_id, call))

    def delete(self, board_id: str, *, delete_images: bool = False) -> DeletedBoard:
        """Delete the board. Its images become uncategorized, or are deleted with it when
        ``delete_images`` is True."""
        if is_uncategorized(board_id):
            raise ValueError("the uncategorized board cannot be deleted")
        call = api.delete_board_call(board_id, include_images=delete_images)
        return DeletedBoard.model_validate(self._about(board_id, call))

    def image_names(
        self,
        board_id: str | None,
        *,
        order_dir: OrderDir = "DESC",
        starred_first: bool = False,
        search_term: str | None = None,
        categories: builtins.list[ImageCategory] | builtins.list[str] | None = None,
        is_intermediate: bool | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> builtins.list[str]:
        """The names of the board's images (None or "none": the uncategorized ones), newest
        first (``order_dir="ASC"``: oldest), starred first if asked, matching ``search_term``;
        then ``offset`` and ``limit`` (None: all) cut the list."""
        if offset < 0 or (limit is not None and limit < 0):
            raise ValueError(f"offset and limit must not be negative (got {offset}, {limit})")
        bid = UNCATEGORIZED if is_uncategorized(board_id) else str(board_id)
        found: ImageNames = self._images.names(
            board_id=bid,
            categories=categories,
            is_intermediate=is_intermediate,
            order_dir=order_dir,
            starred_first=starred_first,
            search_term=search_term,
        )
        if not found.image_names and bid != UNCATEGORIZED:
            self.get(bid)  # a missing board lists as empty: NotFound instead
        names = found.image_names[offset:]
        return names if limit is None else names[:limit]

    def images(
        self,
        board_id: str | None,
        *,
        order_dir: OrderDir = "DESC",
        starred_first: bool = False,
        search_term: str | None = None,
        categories: builtins.list[ImageCategory] | builtins.list[str] | None = None,
        is_intermediate: bool | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> ImagePage:
        """A page of the board's image records, sorted and filtered as ``image_names``."""
        bid = UNCATEGORIZED if is_uncategorized(board_id) else str(board_id)
        page = self._images.list(
            board_id=bid,
            categories=categories,
            is_intermediate=is_intermediate,
            order_dir=order_dir,
            starred_first=starred_first,
            search_term=search_term,
            offset=offset,
            limit=limit,
        )
        if page.total == 0 and bid != UNCATEGORIZED:
            self.get(bid)  # a missing board lists as empty: NotFound instead
        return page
