"""Images: upload, fetch, list with the gallery's sorting and search, move between boards,
star, delete (requests and answers, pure)."""

from __future__ import annotations

import enum
import pathlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .call import Call, segment

__all__ = [
    "DeletedImages",
    "ImageCategory",
    "ImageInfo",
    "ImageNames",
    "ImagePage",
    "OrderDir",
    "add_to_board_call",
    "delete_image_call",
    "delete_images_call",
    "image_call",
    "image_dto_call",
    "image_names_call",
    "images_by_names_call",
    "list_images_call",
    "metadata_call",
    "mime_type",
    "remove_from_board_call",
    "star_call",
    "update_image_call",
    "upload_call",
]

OrderDir = Literal["ASC", "DESC"]


class ImageCategory(str, enum.Enum):
    """What an image is for, as the server files it (the GUI's Images tab shows GENERAL, its
    Assets tab the others)."""

    USER = "user"
    GENERAL = "general"
    CONTROL = "control"
    MASK = "mask"
    OTHER = "other"


class ImageInfo(BaseModel):
    """An image on the server (ImageDTO). ``board_id`` is None for an uncategorized image."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    image_name: str
    image_url: str | None = None
    thumbnail_url: str | None = None
    image_origin: str | None = None
    image_category: ImageCategory = ImageCategory.GENERAL
    width: int | None = None
    height: int | None = None
    created_at: str | None = None
    updated_at: str | None = None
    deleted_at: str | None = None
    is_intermediate: bool = False
    session_id: str | None = None
    node_id: str | None = None
    starred: bool = False
    has_workflow: bool = False
    board_id: str | None = None


class ImagePage(BaseModel):
    """One page of images (OffsetPaginatedResults[ImageDTO]); ``total`` counts every match."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    items: list[ImageInfo] = []
    offset: int = 0
    limit: int = 0
    total: int = Field(default=0, ge=0)


class ImageNames(BaseModel):
    """Every matching image's name, in the order asked for (ImageNamesResult). The server
    counts ``starred_count`` only when asked for starred images first."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    image_names: list[str] = []
    starred_count: int = 0
    total_count: int = 0


class DeletedImages(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    deleted_images: list[str] = []
    affected_boards: list[str] = []
    failed_images: list[str] = []


def upload_call(
    filename: str,
    content: bytes,
    *,
    board_id: str | None,
    is_intermediate: bool,
    image_category: str = "user",
    session_id: str | None = None,
) -> Call:
    params: dict[str, Any] = {
        "image_category": image_category,
        "is_intermediate": "true" if is_intermediate else "false",
    }
    if board_id not in (None, "", "none"):  # "none" is the uncategorized board: no board_id at all
        params["board_id"] = board_id
    if session_id:
        params["session_id"] = session_id
    mime = mime_type(filename)
    return Call(
        "POST",
        "/api/v1/images/upload",
        params=params,
        files={"file": (pathlib.PurePath(filename).name, content, mime)},
    )


def mime_type(filename: str) -> str:
    """The type an upload is sent as, from the file name's suffix."""
    suffix = pathlib.PurePath(filename).suffix.lower()
    return {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".webp": "image/webp",
        ".gif": "image/gif",
        ".bmp": "image/bmp",
        ".tif": "image/tiff",
        ".tiff": "image/tiff",
    }.get(suffix, "application/octet-stream")


def image_call(image_name: str, *, full_resolution: bool) -> Call:
    kind = "full" if full_resolution else "thumbnail"
    return Call("GET", f"/api/v1/images/i/{segment(image_name)}/{kind}", idempotent=True)


def image_dto_call(image_name: str) -> Call:
    return Call("GET", f"/api/v1/images/i/{segment(image_name)}", idempotent=True)


def metadata_call(image_name: str) -> Call:
    return Call("GET", f"/api/v1/images/i/{segment(image_name)}/metadata", idempotent=True)


def images_by_names_call(image_names: list[str]) -> Call:
    # A POST that only reads: safe to repeat.
    body = {"image_names": list(image_names)}
    return Call("POST", "/api/v1/images/images_by_names", json_body=body, idempotent=True)


def _filters(
    board_id: str | None,
    categories: list[ImageCategory] | list[str] | None,
    is_intermediate: bool | None,
    order_dir: OrderDir,
    starred_first: bool,
    search_term: str | None,
) -> dict[str, Any]:
    if order_dir not in ("ASC", "DESC"):
        raise ValueError(f"order_dir must be 'ASC' or 'DESC', not {order_dir!r}")
    params: dict[str, Any] = {
        "order_dir": order_dir,
        "starred_first": "true" if starred_first else "false",
    }
    if board_id is not None:  # "none": the uncategorized images only
        params["board_id"] = board_id or "none"
    if categories:
        params["categories"] = [ImageCategory(c).value for c in categories]
    if is_intermediate is not None:
        params["is_intermediate"] = "true" if is_intermediate else "false"
    if search_term:
        params["search_term"] = search_term
    return params


def list_images_call(
    *,
    board_id: str | None = None,
    categories: list[ImageCategory] | list[str] | None = None,
    is_intermediate: bool | None = None,
    order_dir: OrderDir = "DESC",
    starred_first: bool = False,
    search_term: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> Call:
    """``board_id`` None: every board; "none": uncategorized only."""
    if offset < 0 or limit < 0:
        raise ValueError(f"offset and limit must not be negative (got {offset}, {limit})")
    params = _filters(board_id, categories, is_intermediate, order_dir, starred_first, search_term)
    params.update(offset=offset, limit=limit)
    return Call("GET", "/api/v1/images/", params=params, idempotent=True)


def image_names_call(
    *,
    board_id: str | None = None,
    categories: list[ImageCategory] | list[str] | None = None,
    is_intermediate: bool | None = None,
    order_dir: OrderDir = "DESC",
    starred_first: bool = False,
    search_term: str | None = None,
) -> Call:
    params = _filters(board_id, categories, is_intermediate, order_dir, starred_first, search_term)
    return Call("GET", "/api/v1/images/names", params=params, idempotent=True)


def update_image_call(
    image_name: str,
    *,
    image_category: ImageCategory | str | None = None,
    is_intermediate: bool | None = None,
    starred: bool | None = None,
    session_id: str | None = None,
) -> Call:
    changes: dict[str, Any] = {}
    if image_category is not None:
        changes["image_category"] = ImageCategory(image_category).value
    if is_intermediate is not None:
        changes["is_intermediate"] = is_intermediate
    if starred is not None:
        changes["starred"] = starred
    if session_id is not None:
        changes["session_id"] = session_id
    return Call("PATCH", f"/api/v1/images/i/{segment(image_name)}", json_body=changes)


def star_call(image_names: list[str], *, starred: bool = True) -> Call:
    path = "/api/v1/images/star" if starred else "/api/v1/images/unstar"
    return Call("POST", path, json_body={"image_names": list(image_names)})


def delete_image_call(image_name: str) -> Call:
    return Call("DELETE", f"/api/v1/images/i/{segment(image_name)}")


def delete_images_call(image_names: list[str]) -> Call:
    return Call("POST", "/api/v1/images/delete", json_body={"image_names": list(image_names)})


def add_to_board_call(image_names: list[str], board_id: str) -> Call:
    body = {"image_names": list(image_names), "board_id": board_id}
    return Call("POST", "/api/v1/board_images/batch", json_body=body)


def remove_from_board_call(image_names: list[str]) -> Call:
    body = {"image_names": list(image_names)}
    return Call("POST", "/api/v1/board_images/batch/delete", json_body=body)
