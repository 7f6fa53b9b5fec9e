"""``IvkImageField.upload``/``download`` against a real server, with the sync and the async
client (1.1.1 left both as ``NotImplementedError``)."""

from __future__ import annotations

import asyncio
import io
import pathlib
import uuid

import pytest
from PIL import Image

from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.seed.ivk_fields import IvkImageField

pytestmark = pytest.mark.server


def _png(path: pathlib.Path, colour: tuple[int, int, int]) -> pathlib.Path:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_upload_then_download_with_the_sync_client(
    invokeai_url: str, tmp_path: pathlib.Path
) -> None:
    local = _png(tmp_path / f"up-{uuid.uuid4().hex[:8]}.png", (200, 10, 10))
    field = IvkImageField(value=str(local))  # 1.1.1's way: a local path as a string
    with InvokeAIClient(invokeai_url, timeout=60) as client:
        name = asyncio.run(field.upload(client))
        try:
            assert field.value == name and field.is_uploaded and name != str(local)
            assert field.to_api_format() == {"value": {"image_name": name}, "type": "image"}
            assert client.images.get(name).image_name == name
            out = tmp_path / "out"
            out.mkdir()
            written = asyncio.run(field.download(client, out))
            assert written == out / name
            with Image.open(written) as img:
                assert img.size == (8, 8) and img.convert("RGB").getpixel((0, 0)) == (200, 10, 10)
        finally:
            client.images.delete(name)


def test_upload_a_path_with_the_async_client(invokeai_url: str, tmp_path: pathlib.Path) -> None:
    local = _png(tmp_path / "async.png", (10, 200, 10))

    async def run() -> tuple[str, bytes]:
        async with AsyncInvokeAIClient(invokeai_url, timeout=60) as client:
            field = IvkImageField(value=local)
            name = await field.upload(client)
            try:
                target = await field.download(client, tmp_path / "copy.png")
                return name, target.read_bytes()
            finally:
                await client.images.delete(name)

    name, data = asyncio.run(run())
    assert name.endswith(".png")
    with Image.open(io.BytesIO(data)) as img:
        assert img.convert("RGB").getpixel((3, 3)) == (10, 200, 10)
