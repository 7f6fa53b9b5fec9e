"""``BoardHandle``: one board's images (list, upload, download, move, star, delete), blocking.

Every request goes through the core client's ``boards`` and ``images`` areas.
"""

from __future__ import annotations

import pathlib
from typing import Any

from ...api.boards import UNCATEGORIZED, is_uncategorized
from ...api.images import mime_type
from ...errors import NotFound
from ..images import ImageCategory, IvkImage
from .board_model import Board
from .core import areas

__all__ = ["BoardHandle"]

_ORDER_BY = ("created_at", "starred")


class BoardHandle:
    """Operations on one board, or on the uncategorized one (``board_id`` "none")."""

    def __init__(self, client: Any, board: Board) -> None:
        self.client = client
        self.board = board

    @property
    def board_id(self) -> str:
        return self.board.board_id or UNCATEGORIZED

    @property
    def board_name(self) -> str:
        return self.board.board_name or "Uncategorized"

    @property
    def is_uncategorized(self) -> bool:
        return self.board.is_uncategorized()

    def refresh(self) -> None:
        """Re-read the board from the server; ValueError if it no longer exists."""
        boards, _ = areas(self.client)
        try:
            info = boards.get(self.board_id)
        except NotFound as exc:
            raise ValueError(f"Board not found: {self.board_id}") from exc
        self.board = Board.from_info(info)

    def list_images(
        self,
        offset: int = 0,
        limit: int = 100,
        order_by: str = "created_at",
        order_dir: str = "DESC",
        starred_first: bool = False,
        search_term: str | None = None,
    ) -> list[str]:
        """The board's image names, a page of them: newest first (``order_dir="ASC"``: oldest),
        starred ones first with ``starred_first`` or ``order_by="starred"``, only those
        matching ``search_term``; ``offset`` names skipped, at most ``limit`` returned."""
        if order_by not in _ORDER_BY:
            raise ValueError(f"order_by must be one of {_ORDER_BY} (InvokeAI's orders), not {order_by!r}")
        direction = order_dir.upper()
        if direction not in ("ASC", "DESC"):
            raise ValueError(f"order_dir must be 'ASC' or 'DESC', not {order_dir!r}")
        boards, _ = areas(self.client)
        try:
            return boards.image_names(
                self.board_id,
                order_dir="ASC" if direction == "ASC" else "DESC",
                starred_first=starred_first or order_by == "starred",
                search_term=search_term,
                offset=offset,
                limit=limit,
            )
        except NotFound as exc:
            raise ValueError(f"Board not found: {self.board_id}") from exc

    def upload_image(
        self,
        file_path: str | pathlib.Path,
        is_intermediate: bool = False,
        image_category: ImageCategory = ImageCategory.USER,
        session_id: str | None = None,
    ) -> IvkImage:
        """Upload a file to this board (to uncategorized: no board at all, as the GUI does).
        FileNotFoundError if there is no such file."""
        path = pathlib.Path(file_path)
        if not path.is_file():
            raise FileNotFoundError(f"Image file not found: {path}")
        return self._uploaded(path, None, is_intermediate, image_category, session_id)

    # The docs call it this; the code called it upload_image. Both work.
    upload_image_file = upload_image

    def upload_image_data(
        self,
        image_data: bytes,
        filename: str | None = None,
        is_intermediate: bool = False,
        image_category: ImageCategory = ImageCategory.USER,
        session_id: str | None = None,
    ) -> IvkImage:
        """Upload bytes; ``filename`` (default "upload.png") gives the type by its suffix."""
        return self._uploaded(image_data, filename, is_intermediate, image_category, session_id)

    def _uploaded(
        self,
        file: pathlib.Path | bytes,
        filename: str | None,
        is_intermediate: bool,
        image_category: ImageCategory,
        session_id: str | None,
    ) -> IvkImage:
        _, images = areas(self.client)
        info = images.upload(
            file,
            filename=filename,
            board_id=None if self.is_uncategorized else self.board_id,
            image_category=image_category,
            is_intermediate=is_intermediate,
            session_id=session_id,
        )
        self.board.image_count += 1
        return IvkImage.from_info(info)

    def download_image(self, image_name: str, full_resolution: bool = True) -> bytes:
        """The image's bytes (its thumbnail's with ``full_resolution=False``); ValueError if
        the image is not on this board."""
        _, images = areas(self.client)
        try:
            on = images.board_of(image_name)
        except NotFound as exc:
            raise ValueError(f"Image not found: {image_name}") from exc
        if (on or UNCATEGORIZED) != self.board_id:
            raise ValueError(f"Image {image_name} not found in board {self.board_name}")
        return images.download(image_name, full_resolution=full_resolution)

    def move_image_to(self, image_name: str, target_board_id: str) -> bool:
        """Move an image to another board ("none": uncategorized). False if the image or the
        target board does not exist."""
        _, images = areas(self.client)
        try:
            images.move_to_board(image_name, None if is_uncategorized(target_board_id) else target_board_id)
        except NotFound:
            return False
        self.board.image_count = max(0, self.board.image_count - 1)
        return True

    def remove_image(self, image_name: str) -> bool:
        """Take an image off this board (it becomes uncategorized); False on uncategorized."""
        if self.is_uncategorized:
            return False
        return self.move_image_to(image_name, UNCATEGORIZED)

    def delete_image(self, image_name: str) -> bool:
        """Delete an image for good: True if the server deleted it, False if there was none."""
        _, images = areas(self.client)
        try:
            images.delete(image_name)
        except NotFound:
            return False
        self.board.image_count = max(0, self.board.image_count - 1)
        return True

    def star_image(self, image_name: str) -> bool:
        """Star an image; False if there is no such image."""
        return self._starred(image_name, True)

    def unstar_image(self, image_name: str) -> bool:
        return self._starred(image_name, False)

    def _starred(self, image_name: str, starred: bool) -> bool:
        _, images = areas(self.client)
        try:
            (images.star if starred else images.unstar)(image_name)
        except NotFound:
            return False
        return True

    @staticmethod
    def _get_mime_type(file_path: pathlib.Path) -> str:
        return mime_type(str(file_path))

    @staticmethod
    def _get_mime_type_from_filename(filename: str) -> str:
        return mime_type(filename)

    @staticmethod
    def _get_mime_type_from_extension(extension: str) -> str:
        return mime_type(f"x{extension}")

    def get_image_count(self) -> int:
        return self.board.image_count

    def to_dict(self) -> dict[str, Any]:
        return self.board.model_dump()

    def __repr__(self) -> str:
        return f"BoardHandle(name='{self.board_name}', id='{self.board_id}', images={self.get_image_count()})"
