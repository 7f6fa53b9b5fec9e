"""Boards: list, get, create, update, delete, and the names of the images on one (requests and
answers, pure).

The uncategorized board has no record on the server; its id in URLs is the string "none".
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .call import Call, segment

__all__ = [
    "UNCATEGORIZED",
    "BoardInfo",
    "BoardVisibility",
    "DeletedBoard",
    "board_call",
    "board_images_call",
    "create_board_call",
    "delete_board_call",
    "is_uncategorized",
    "list_boards_call",
    "parse_boards",
    "parse_image_names",
    "uncategorized_board",
    "update_board_call",
    "visibility_for",
]

UNCATEGORIZED = "none"
BoardVisibility = Literal["private", "shared", "public"]


class BoardInfo(BaseModel):
    """A board as the server describes it (BoardDTO). Fields a server version lacks are None:
    ``board_visibility`` is 6.14's (multi-user), ``is_private`` older servers'. Since 6.x
    ``image_count`` counts generated images and ``asset_count`` the others (uploads, masks);
    the uncategorized board's ``image_count`` counts all of its images."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    board_id: str
    board_name: str
    user_id: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    deleted_at: str | None = None
    cover_image_name: str | None = None
    archived: bool = False
    board_visibility: BoardVisibility | None = None
    is_private: bool | None = None
    image_count: int = Field(default=0, ge=0)
    asset_count: int | None = None
    video_count: int | None = None
    owner_username: str | None = None

    @property
    def private(self) -> bool | None:
        """Whether only its owner sees it (None: the server does not say)."""
        if self.board_visibility is not None:
            return self.board_visibility == "private"
        return self.is_private

    @property
    def uncategorized(self) -> bool:
        return self.board_id == UNCATEGORIZED


class DeletedBoard(BaseModel):
    """What deleting a board did (DeleteBoardResult): images unlinked (moved to uncategorized)
    and images deleted."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    board_id: str
    deleted_board_images: list[str] = []
    deleted_images: list[str] = []
    failed_images: list[str] = []


def is_uncategorized(board_id: str | None) -> bool:
    return board_id in (None, "", UNCATEGORIZED)


def list_boards_call(*, include_archived: bool = False) -> Call:
    params = {"all": "true", "include_archived": "true" if include_archived else "false"}
    return Call("GET", "/api/v1/boards/", params=params, idempotent=True)


def parse_boards(data: Any, uncategorized_names: list[str] | None) -> list[dict[str, Any]]:
    boards = data.get("items", []) if isinstance(data, dict) else data
    result = [dict(b) for b in boards or [] if isinstance(b, dict)]
    if uncategorized_names is not None:
        result.insert(0, uncategorized_board(len(uncategorized_names)))
    return result


def uncategorized_board(image_count: int) -> dict[str, Any]:
    """The system's "Uncategorized" board, shaped like a BoardDTO (the server has none for it)."""
    return {
        "board_id": UNCATEGORIZED,
        "board_name": "Uncategorized",
        "image_count": image_count,
        "cover_image_name": None,
        "archived": False,
    }


def board_call(board_id: str) -> Call:
    return Call("GET", f"/api/v1/boards/{segment(board_id)}", idempotent=True)


def create_board_call(name: str, *, is_private: bool | None = None) -> Call:
    params: dict[str, Any] = {"board_name": name}
    if is_private is not None:  # read by servers before 6.14; later ones set visibility by PATCH
        params["is_private"] = "true" if is_private else "false"
    return Call("POST", "/api/v1/boards/", params=params)


def visibility_for(is_private: bool) -> BoardVisibility:
    # "shared" (others may look, not change) is the least a non-private board can be.
    return "private" if is_private else "shared"


def update_board_call(
    board_id: str,
    *,
    name: str | None = None,
    cover_image_name: str | None = None,
    archived: bool | None = None,
    visibility: BoardVisibility | None = None,
) -> Call:
    changes: dict[str, Any] = {}
    if name is not None:
        changes["board_name"] = name
    if cover_image_name is not None:
        changes["cover_image_name"] = cover_image_name
    if archived is not None:
        changes["archived"] = archived
    if visibility is not None:
        changes["board_visibility"] = visibility
    return Call("PATCH", f"/api/v1/boards/{segment(board_id)}", json_body=changes)


def delete_board_call(board_id: str, *, include_images: bool = False) -> Call:
    # include_images=False: the images stay, uncategorized, as the GUI's default "delete board".
    params = {"include_images": "true" if include_images else "false"}
    return Call("DELETE", f"/api/v1/boards/{segment(board_id)}", params=params)


def board_images_call(
    board_id: str | None,
    *,
    categories: list[str] | None = None,
    is_intermediate: bool | None = None,
) -> Call:
    params: dict[str, Any] = {}
    if categories:
        params["categories"] = list(categories)
    if is_intermediate is not None:
        params["is_intermediate"] = "true" if is_intermediate else "false"
    path = f"/api/v1/boards/{segment(board_id or UNCATEGORIZED)}/image_names"
    return Call("GET", path, params=params or None, idempotent=True)


def parse_image_names(data: Any) -> list[str]:
    names = data.get("image_names", []) if isinstance(data, dict) else data
    return [str(n) for n in names or []]
