"""The async twins, AsyncBoards and AsyncImages, against a real server (the sync ones are
generated from them; these prove the source itself runs)."""

from __future__ import annotations

import asyncio
import io
import uuid

import pytest
from PIL import Image

from ivk_runtime.api.boards import BoardInfo
from ivk_runtime.api.images import ImageInfo
from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.errors import NotFound

pytestmark = pytest.mark.server


def png(size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (0, 90, 0)).save(buf, "PNG")
    return buf.getvalue()


async def test_async_boards_and_images_round_trip(invokeai_url: str) -> None:
    async with AsyncInvokeAIClient(invokeai_url, timeout=60) as client:
        board = await client.boards.create(f"ivk-async-{uuid.uuid4().hex[:8]}", is_private=False)
        assert isinstance(board, BoardInfo) and board.board_visibility == "shared"
        try:
            uploads = await asyncio.gather(
                *(client.images.upload(png((3 + i, 2)), board_id=board.board_id) for i in range(3))
            )
            assert all(isinstance(u, ImageInfo) and u.board_id == board.board_id for u in uploads)
            names = await client.boards.image_names(board.board_id)
            assert sorted(names) == sorted(u.image_name for u in uploads)
            await client.images.star(uploads[0].image_name)
            assert (await client.boards.image_names(board.board_id, starred_first=True))[0] == uploads[0].image_name
            await client.images.move_to_board(uploads[1].image_name, None)
            assert await client.images.board_of(uploads[1].image_name) is None
            data = await client.images.download(uploads[2].image_name)
            with Image.open(io.BytesIO(data)) as img:
                assert img.size == (5, 2)
            await client.images.delete(uploads[1].image_name)
            with pytest.raises(NotFound):
                await client.images.get(uploads[1].image_name)
        finally:
            deleted = await client.boards.delete(board.board_id, delete_images=True)
        assert sorted(deleted.deleted_images) == sorted([uploads[0].image_name, uploads[2].image_name])
        with pytest.raises(NotFound) as caught:
            await client.boards.get(board.board_id)
        assert caught.value.kind == "board"
