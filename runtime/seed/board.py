"""Boards in the seed's API: ``Board`` (the server's BoardDTO), ``IvkImage``, ``BoardHandle``.

Every request goes through the core client. The uncategorized board is the id ``"none"``
(never Python's None once normalised), as InvokeAI names it in its URLs.
"""

from __future__ import annotations

import pathlib
import tempfile
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ._dispatch import call

__all__ = ["Board", "BoardHandle", "IvkImage", "UNCATEGORIZED"]

UNCATEGORIZED = "none"


class Board(BaseModel):
    model_config = ConfigDict(extra="ignore")

    board_id: str | None = None
    board_name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    deleted_at: str | None = None
    cover_image_name: str | None = None
    archived: bool = False
    is_private: bool | None = None
    image_count: int = Field(default=0, ge=0)

    @classmethod
    def from_api_response(cls, data: dict[str, Any]) -> Board:
        return cls.model_validate(data)

    @classmethod
    def uncategorized(cls, image_count: int = 0) -> Board:
        return cls(board_id=UNCATEGORIZED, board_name="Uncategorized", image_count=image_count)

    def is_uncategorized(self) -> bool:
        return self.board_id in (None, UNCATEGORIZED)

    def is_system_board(self) -> bool:
        return self.is_uncategorized()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class IvkImage(BaseModel):
    """An image on the server (ImageDTO). ``str(image)`` is its name, and an image field
    accepts it as a value."""

    model_config = ConfigDict(extra="ignore")

    image_name: str
    board_id: str | None = None
    image_category: str | None = None
    image_origin: str | None = None
    width: int | None = None
    height: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    starred: bool = False
    image_url: str | None = None
    thumbnail_url: str | None = None
    is_intermediate: bool = False
    node_id: str | None = None
    session_id: str | None = None

    @classmethod
    def from_api_response(cls, data: dict[str, Any]) -> IvkImage:
        return cls.model_validate(data)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)

    def __str__(self) -> str:
        return self.image_name


class BoardHandle:
    """Operations on one board (blocking; needs the synchronous client)."""

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
        boards = call(self.client, "list_boards", include_uncategorized=self.is_uncategorized)
        found = next(
            (b for b in boards if (b.get("board_id") or UNCATEGORIZED) == self.board_id), None
        )
        if found is None:
            raise ValueError(f"Board not found: {self.board_id}")
        self.board = Board.model_validate(found)

    def list_images(self, offset: int = 0, limit: int | None = None) -> list[str]:
        """The board's image names, newest first as the server lists them.

        The seed took ``limit=100`` but returned every image; ``limit=None`` (all) keeps that.
        """
        names = [str(n) for n in call(self.client, "list_board_images", self.board_id)]
        return names[offset:] if limit is None else names[offset : offset + limit]

    def upload_image(
        self, file_path: str | pathlib.Path, is_intermediate: bool = False
    ) -> IvkImage:
        path = pathlib.Path(file_path)
        if not path.is_file():
            raise FileNotFoundError(f"Image file not found: {path}")
        board_id = None if self.is_uncategorized else self.board_id
        dto = call(
            self.client, "upload_image", path, board_id=board_id, is_intermediate=is_intermediate
        )
        self.board.image_count += 1
        return IvkImage.model_validate(dto)

    # The docs called it this; the code called it upload_image. Both work.
    upload_image_file = upload_image

    def upload_image_data(
        self, image_data: bytes, filename: str | None = None, is_intermediate: bool = False
    ) -> IvkImage:
        """Upload bytes (the core uploads files: they go through a temporary one, named like
        ``filename`` so the type is right; the server names the image itself)."""
        name = pathlib.Path(filename or "upload.png").name
        with tempfile.TemporaryDirectory(prefix="ivk-upload-") as tmp:
            path = pathlib.Path(tmp) / name
            path.write_bytes(image_data)
            return self.upload_image(path, is_intermediate=is_intermediate)

    def download_image(self, image_name: str, full_resolution: bool = True) -> bytes:
        """The image's bytes; ValueError if it is not on this board (as the seed checked)."""
        if image_name not in self.list_images():
            raise ValueError(f"Image {image_name} not found in board {self.board_name}")
        return bytes(
            call(self.client, "download_image", image_name, full_resolution=full_resolution)
        )

    def get_image_count(self) -> int:
        return self.board.image_count

    def to_dict(self) -> dict[str, Any]:
        return self.board.model_dump()

    def __repr__(self) -> str:
        return f"BoardHandle(name={self.board_name!r}, id={self.board_id!r}, images={self.get_image_count()})"
