"""Boards: list, create, delete, and the names of the images on one (requests and answers, pure)."""

from __future__ import annotations

from typing import Any

from .call import Call, segment

__all__ = [
    "board_images_call",
    "create_board_call",
    "delete_board_call",
    "list_boards_call",
    "parse_boards",
    "parse_image_names",
    "uncategorized_board",
]


def list_boards_call() -> Call:
    return Call("GET", "/api/v1/boards/", params={"all": "true"}, idempotent=True)


def parse_boards(data: Any, uncategorized_names: list[str] | None) -> list[dict[str, Any]]:
    boards = data.get("items", []) if isinstance(data, dict) else data
    result = [dict(b) for b in boards or [] if isinstance(b, dict)]
    if uncategorized_names is not None:
        result.insert(0, uncategorized_board(len(uncategorized_names)))
    return result


def uncategorized_board(image_count: int) -> dict[str, Any]:
    """The system's "Uncategorized" board, shaped like a BoardDTO (the server has none for it)."""
    return {
        "board_id": "none",
        "board_name": "Uncategorized",
        "image_count": image_count,
        "cover_image_name": None,
        "archived": False,
    }


def create_board_call(name: str) -> Call:
    return Call("POST", "/api/v1/boards/", params={"board_name": name})


def delete_board_call(board_id: str) -> Call:
    # Images stay (moved to uncategorized), as the GUI's default "delete board" does.
    return Call("DELETE", f"/api/v1/boards/{segment(board_id)}", params={"include_images": "false"})


def board_images_call(board_id: str | None) -> Call:
    return Call("GET", f"/api/v1/boards/{segment(board_id or 'none')}/image_names", idempotent=True)


def parse_image_names(data: Any) -> list[str]:
    names = data.get("image_names", []) if isinstance(data, dict) else data
    return [str(n) for n in names or []]
