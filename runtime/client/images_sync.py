# Generated from images_async.py by scripts/unasync.py: edit that file, then run the script.
"""The server's images as typed API: ``client.images`` (requests and answers live in
``api.images``; this area sends them through the client's connection).

Every method naming one image raises ``NotFound`` (kind "image") when the server has none by
that name. A board id of "none" (or None where it says so) is the uncategorized board.
"""

from __future__ import annotations

import builtins
import pathlib
from typing import Any

from ..api import images as api
from ..api.boards import is_uncategorized
from ..api.call import Call
from ..api.connection_sync import Connection
from ..api.images import DeletedImages, ImageCategory, ImageInfo, ImageNames, ImagePage, OrderDir
from ..api.missing import as_not_found
from ..concurrency import to_thread
from ..errors import HTTPStatusError, NotFound

__all__ = ["Images"]


class Images:
    def __init__(self, conn: Connection, queue_id: str = "default") -> None:
        self._conn = conn
        self.queue_id = queue_id

    def _about(self, image_name: str, call: Call, *statuses: int) -> Any:
        try:
            return self._conn.json(call)
        except HTTPStatusError as exc:
            raise as_not_found(exc, "image", image_name, statuses or (404,)) from exc

    # --- one image ---

    def get(self, image_name: str) -> ImageInfo:
        """The image's record (ImageDTO)."""
        return _info(self._about(image_name, api.image_dto_call(image_name)))

    def find(self, image_name: str) -> ImageInfo | None:
        """As ``get``, None when there is no such image."""
        try:
            return self.get(image_name)
        except NotFound:
            return None

    def get_many(self, image_names: builtins.list[str]) -> builtins.list[ImageInfo]:
        """The records of those that exist, in the server's order (missing ones are left out)."""
        if not image_names:
            return []
        data = self._conn.json(api.images_by_names_call(image_names))
        return [_info(d) for d in data or []]

    def board_of(self, image_name: str) -> str | None:
        """The id of the board the image is on; None when it is uncategorized."""
        return (self.get(image_name)).board_id

    def metadata(self, image_name: str) -> dict[str, Any] | None:
        """The generation metadata saved with the image (None for an upload without any)."""
        data = self._about(image_name, api.metadata_call(image_name))
        return dict(data) if isinstance(data, dict) else None

    def download(self, image_name: str, *, full_resolution: bool = True) -> bytes:
        """The image's bytes, or its thumbnail's (WebP) with ``full_resolution=False``."""
        call = api.image_call(image_name, full_resolution=full_resolution)
        try:
            return self._conn.content(call)
        except HTTPStatusError as exc:
            raise as_not_found(exc, "image", image_name) from exc

    # --- changes ---

    def upload(
        self,
        file: str | pathlib.Path | bytes,
        *,
        filename: str | None = None,
        board_id: str | None = None,
        image_category: ImageCategory | str = ImageCategory.USER,
        is_intermediate: bool = False,
        session_id: str | None = None,
    ) -> ImageInfo:
        """Upload a file (a path) or bytes (named by ``filename``, default "upload.png", whose
        suffix gives the type) to a board (None or "none": uncategorized)."""
        if isinstance(file, bytes):
            data, name = file, filename or "upload.png"
        else:
            path = pathlib.Path(file)
            if not path.is_file():
                raise FileNotFoundError(f"Image file not found: {path}")
            data, name = to_thread(path.read_bytes), filename or path.name
        call = api.upload_call(
            name,
            data,
            board_id=None if is_uncategorized(board_id) else board_id,
            is_intermediate=is_intermediate,
            image_category=ImageCategory(image_category).value,
            session_id=session_id,
        )
        try:
            return _info(self._conn.json(call))
        except HTTPStatusError as exc:
            if call.params is None or "board_id" not in call.params:
                raise  # no board was named: a 404 is not a missing board
            raise as_not_found(exc, "board", str(board_id)) from exc

    def update(
        self,
        image_name: str,
        *,
        image_category: ImageCategory | str | None = None,
        is_intermediate: bool | None = None,
        starred: bool | None = None,
        session_id: str | None = None,
    ) -> ImageInfo:
        """Change the image's record; the server answers 400 for a missing image."""
        call = api.update_image_call(
            image_name,
            image_category=image_category,
            is_intermediate=is_intermediate,
            starred=starred,
            session_id=session_id,
        )
        return _info(self._about(image_name, call, 400, 404))

    def star(self, image_name: str) -> None:
        self._star([image_name], starred=True, single=True)

    def unstar(self, image_name: str) -> None:
        self._star([image_name], starred=False, single=True)

    def star_many(self, image_names: builtins.list[str], *, starred: bool = True) -> builtins.list[str]:
        """Star (or unstar) the images; the names the server changed (missing ones are not)."""
        return self._star(image_names, starred=starred, single=False)

    def _star(self, names: builtins.list[str], *, starred: bool, single: bool) -> builtins.list[str]:
        call = api.star_call(names, starred=starred)
        data = self._conn.json(call)
        done = [str(n) for n in (data or {}).get("starred_images" if starred else "unstarred_images", [])]
        if single and names[0] not in done:
            raise _missing(names[0], call, self._conn.base_url)
        return done

    def move_to_board(self, image_name: str, board_id: str | None) -> None:
        """Put the image on a board (None or "none": uncategorized, off any board). NotFound
        names the board or the image that is missing."""
        if is_uncategorized(board_id):
            self.remove_from_board(image_name)
            return
        call = api.add_to_board_call([image_name], str(board_id))
        try:
            data = self._conn.json(call)
        except HTTPStatusError as exc:
            raise as_not_found(exc, "board", str(board_id)) from exc
        if image_name not in (data or {}).get("added_images", []):
            raise _missing(image_name, call, self._conn.base_url)

    def remove_from_board(self, image_name: str) -> None:
        """Take the image off its board: it becomes uncategorized (a no-op if it was)."""
        call = api.remove_from_board_call([image_name])
        data = self._conn.json(call)
        if image_name not in (data or {}).get("removed_images", []):
            raise _missing(image_name, call, self._conn.base_url)

    def delete(self, image_name: str) -> None:
        """Delete the image for good."""
        self._about(image_name, api.delete_image_call(image_name))

    def delete_many(self, image_names: builtins.list[str]) -> DeletedImages:
        if not image_names:
            return DeletedImages()
        return DeletedImages.model_validate(self._conn.json(api.delete_images_call(image_names)))

    # --- many images ---

    def list(
        self,
        *,
        board_id: str | None = None,
        categories: builtins.list[ImageCategory] | builtins.list[str] | None = None,
        is_intermediate: bool | None = None,
        order_dir: OrderDir = "DESC",
        starred_first: bool = False,
        search_term: str | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> ImagePage:
        """A page of image records, as the gallery sorts them: by creation time (``order_dir``),
        starred ones first if asked; ``search_term`` matches the metadata. ``board_id`` None:
        every board; "none": uncategorized images only."""
        call = api.list_images_call(
            board_id=board_id,
            categories=categories,
            is_intermediate=is_intermediate,
            order_dir=order_dir,
            starred_first=starred_first,
            search_term=search_term,
            offset=offset,
            limit=limit,
        )
        return ImagePage.model_validate(self._board_json(board_id, call))

    def names(
        self,
        *,
        board_id: str | None = None,
        categories: builtins.list[ImageCategory] | builtins.list[str] | None = None,
        is_intermediate: bool | None = None,
        order_dir: OrderDir = "DESC",
        starred_first: bool = False,
        search_term: str | None = None,
    ) -> ImageNames:
        """Every matching image's name, sorted and filtered as ``list`` does."""
        call = api.image_names_call(
            board_id=board_id,
            categories=categories,
            is_intermediate=is_intermediate,
            order_dir=order_dir,
            starred_first=starred_first,
            search_term=search_term,
        )
        return ImageNames.model_validate(self._board_json(board_id, call))

    def _board_json(self, board_id: str | None, call: Call) -> Any:
        try:
            return self._conn.json(call)
        except HTTPStatusError as exc:
            raise as_not_found(exc, "board", str(board_id)) from exc


def _info(data: Any) -> ImageInfo:
    info = ImageInfo.model_validate(data)
    if info.board_id is not None and is_uncategorized(info.board_id):
        return info.model_copy(update={"board_id": None})
    return info


def _missing(image_name: str, call: Call, base_url: str) -> NotFound:
    # The batch endpoints answer 200 and leave a missing image out of what they changed.
    return NotFound("image", image_name, call.method, base_url + call.path, 200, "")
