"""The seed's board record, ``Board`` (a BoardDTO; the uncategorized board is the id "none")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from ...api.boards import UNCATEGORIZED, BoardInfo

__all__ = ["Board"]


class Board(BaseModel):
    """A board, or the system's uncategorized board (``board_id`` "none"), which cannot be
    created, renamed or deleted. ``is_private`` is read from 6.14's ``board_visibility`` where
    the server sends that instead."""

    board_id: str | None = Field(None, description="The unique ID of the board (\"none\": uncategorized)")
    board_name: str | None = Field(None, description="The name of the board")
    created_at: datetime | str | None = Field(None, description="The created timestamp of the board")
    updated_at: datetime | str | None = Field(None, description="The updated timestamp of the board")
    deleted_at: datetime | str | None = Field(None, description="The deleted timestamp of the board")
    cover_image_name: str | None = Field(None, description="The name of the board's cover image")
    archived: bool = Field(False, description="Whether or not the board is archived")
    is_private: bool | None = Field(None, description="Whether the board is private")
    image_count: int = Field(0, ge=0, description="The number of images in the board")
    board_visibility: str | None = Field(None, description="private, shared or public (6.14+)")

    @model_validator(mode="before")
    @classmethod
    def _privacy_from_visibility(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("is_private") is None and data.get("board_visibility"):
            data = {**data, "is_private": data["board_visibility"] == "private"}
        return data

    @classmethod
    def from_api_response(cls, data: dict[str, Any]) -> Board:
        return cls.model_validate(data)

    @classmethod
    def from_info(cls, info: BoardInfo) -> Board:
        """From the core client's record."""
        return cls.model_validate(info.model_dump())

    @classmethod
    def uncategorized(cls, image_count: int = 0) -> Board:
        """The uncategorized board: id "none" (the string InvokeAI's URLs use), not None."""
        now = datetime.now().isoformat()
        return cls(
            board_id=UNCATEGORIZED,
            board_name="Uncategorized",
            created_at=now,
            updated_at=now,
            image_count=image_count,
            archived=False,
            is_private=False,
        )

    def is_uncategorized(self) -> bool:
        return self.board_id in (UNCATEGORIZED, None)

    def is_system_board(self) -> bool:
        """System boards cannot be created or deleted; only the uncategorized board is one."""
        return self.is_uncategorized()

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)
