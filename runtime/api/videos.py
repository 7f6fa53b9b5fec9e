"""Videos: upload one, fetch one (requests and answers, pure)."""

from __future__ import annotations

import pathlib
from typing import Any

from .call import Call, segment

__all__ = ["upload_video_call", "video_call"]


def upload_video_call(filename: str, content: bytes, *, board_id: str | None, is_intermediate: bool) -> Call:
    params: dict[str, Any] = {"video_category": "user", "is_intermediate": "true" if is_intermediate else "false"}
    if board_id not in (None, "none"):
        params["board_id"] = board_id
    name = pathlib.PurePath(filename).name
    return Call("POST", "/api/v1/videos/upload", params=params, files={"file": (name, content, "video/mp4")})


def video_call(video_name: str) -> Call:
    return Call("GET", f"/api/v1/videos/i/{segment(video_name)}/full", idempotent=True)
