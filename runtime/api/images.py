"""Images: upload one, fetch one (requests and answers, pure)."""

from __future__ import annotations

import pathlib
from typing import Any

from .call import Call, segment

__all__ = ["image_call", "upload_call"]


def upload_call(
    filename: str, content: bytes, *, board_id: str | None, is_intermediate: bool
) -> Call:
    params: dict[str, Any] = {
        "image_category": "user",
        "is_intermediate": "true" if is_intermediate else "false",
    }
    if board_id not in (None, "none"):  # "none" is the uncategorized board: no board_id at all
        params["board_id"] = board_id
    mime = _mime_type(filename)
    return Call(
        "POST",
        "/api/v1/images/upload",
        params=params,
        files={"file": (pathlib.PurePath(filename).name, content, mime)},
    )


def _mime_type(filename: str) -> str:
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
