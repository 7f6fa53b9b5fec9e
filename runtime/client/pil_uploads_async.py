"""A client's PIL image inputs, uploaded as PNG when a run is submitted: once per image content
per client (ten runs of one image upload it once; a changed image uploads again)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

from ..api import images
from ..concurrency import async_to_thread
from ..errors import HTTPStatusError, UnexpectedAnswer
from .pil_images import image_digest, pil_images_in, png_bytes, replace_pil
from .plan import AsyncFetchCall

__all__ = ["AsyncPilUploads"]

_KEPT = 512  # digests remembered per client (names only: no pixels are held)


class AsyncPilUploads:
    """Image names of the PIL images this client uploaded, by content digest."""

    def __init__(self, fetch: AsyncFetchCall) -> None:
        self._fetch = fetch
        self._names: OrderedDict[str, str] = OrderedDict()
        self.uploaded = 0  # how many uploads this client made for PIL images

    async def resolve(
        self, values_list: Sequence[Mapping[int, Any]], *, upload: bool = True
    ) -> list[Mapping[int, Any]]:
        """The value sets with each PIL image as the server image it was uploaded as (each
        distinct image once). ``upload`` False (a preview): named ``<upload: PIL image ...>``."""
        found = pil_images_in(values_list)
        if not found:
            return list(values_list)
        names: dict[int, str] = {}
        for image in found:
            if upload:
                names[id(image)] = await self._name(image)
            else:
                width, height = image.size
                names[id(image)] = f"<upload: PIL image {width}x{height} {image.mode}>"
        return [replace_pil(values, lambda image: names[id(image)]) for values in values_list]

    async def _name(self, image: Any) -> str:
        digest = await async_to_thread(image_digest, image)
        known = self._names.get(digest)
        if known is not None and await self._still_there(known):
            self._names.move_to_end(digest)
            return known
        data = await async_to_thread(png_bytes, image)
        call = images.upload_call(
            f"pil-{digest[:16]}.png", data, board_id=None, is_intermediate=False
        )
        answer = await self._fetch(call)
        name = answer.get("image_name") if isinstance(answer, Mapping) else None
        if not isinstance(name, str) or not name:
            raise UnexpectedAnswer(
                "POST /api/v1/images/upload", "an image with its image_name", answer
            )
        self.uploaded += 1
        self._names[digest] = name
        while len(self._names) > _KEPT:
            self._names.popitem(last=False)
        return name

    async def _still_there(self, image_name: str) -> bool:
        """Whether an image uploaded earlier is still on the server (it may have been deleted)."""
        try:
            await self._fetch(images.image_dto_call(image_name))
        except HTTPStatusError as exc:
            if exc.status == 404:
                return False
            raise
        return True
