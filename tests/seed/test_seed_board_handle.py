"""ivk_runtime.seed.board.BoardHandle against a real server: listing with the seed's sorting and
paging options, uploads, downloads, moves, stars and deletes."""

from __future__ import annotations

import io
import pathlib
import time
import uuid
from collections.abc import Iterator

import pytest
from PIL import Image

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.seed.board import BoardHandle, BoardRepository
from ivk_runtime.seed.images import ImageCategory, IvkImage

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
def repo(client: InvokeAIClient) -> BoardRepository:
    return BoardRepository(client)


@pytest.fixture
def handle(repo: BoardRepository) -> Iterator[BoardHandle]:
    made = repo.create_board(f"ivk-seed-h-{uuid.uuid4().hex[:8]}")
    yield made
    repo.delete_board(made.board_id, delete_images=True)


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (90, 20, 200)).save(buf, "PNG")
    return buf.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return int(img.size[0]), int(img.size[1])


def test_upload_file_and_bytes(handle: BoardHandle, tmp_path: pathlib.Path, client: InvokeAIClient) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(png((21, 13)))
    img = handle.upload_image(path)
    assert isinstance(img, IvkImage) and str(img) == img.image_name
    assert (img.board_id, img.width, img.height) == (handle.board_id, 21, 13)
    assert img.image_category is ImageCategory.USER  # the GUI's Assets tab, as the seed defaults
    assert handle.upload_image_file(path).board_id == handle.board_id  # the docs' name
    raw = handle.upload_image_data(png((4, 4)), "raw.png", image_category=ImageCategory.CONTROL)
    assert raw.image_category is ImageCategory.CONTROL
    unnamed = handle.upload_image_data(png((2, 2)))  # "upload.png" by default
    assert unnamed.width == 2
    assert handle.get_image_count() == 4  # counted locally, as the seed did
    with pytest.raises(FileNotFoundError):
        handle.upload_image(tmp_path / "missing.png")
    inter = handle.upload_image_data(png(), "i.png", is_intermediate=True, session_id="sess-1")
    assert inter.is_intermediate and client.images.get(inter.image_name).session_id == "sess-1"


def test_uploads_to_uncategorized_send_no_board(repo: BoardRepository, client: InvokeAIClient) -> None:
    img = repo.get_uncategorized_handle().upload_image_data(png(), "u.png")
    try:
        assert img.board_id is None and client.images.board_of(img.image_name) is None
    finally:
        client.images.delete(img.image_name)


def test_list_images_sorts_pages_and_stars(handle: BoardHandle) -> None:
    names = []
    for i in range(4):
        names.append(handle.upload_image_data(png((3 + i, 3)), f"{i}.png").image_name)
        time.sleep(0.01)
    newest_first = names[::-1]
    assert handle.list_images() == newest_first
    assert handle.list_images(order_dir="ASC") == names
    assert handle.list_images(order_dir="asc") == names
    assert handle.list_images(offset=1, limit=2) == newest_first[1:3]
    assert handle.list_images(limit=1) == newest_first[:1]  # 1.1.1 ignored limit and offset
    assert handle.star_image(names[0]) is True
    assert handle.list_images(starred_first=True)[0] == names[0]
    assert handle.list_images(order_by="starred")[0] == names[0]
    assert handle.list_images()[0] == newest_first[0]  # by date unless asked
    assert handle.unstar_image(names[0]) is True
    assert handle.list_images(starred_first=True)[0] == newest_first[0]
    with pytest.raises(ValueError, match="order_by"):
        handle.list_images(order_by="width")
    with pytest.raises(ValueError, match="order_dir"):
        handle.list_images(order_dir="sideways")
    assert handle.star_image(f"no-such-{uuid.uuid4().hex}.png") is False


def test_list_images_searches(handle: BoardHandle) -> None:
    img = handle.upload_image_data(png(), "s.png")
    # an upload has no metadata to match: a term that matches nothing finds nothing
    assert handle.list_images(search_term=f"zz{uuid.uuid4().hex}") == []
    assert handle.list_images(search_term=None) == [img.image_name]


def test_download_checks_the_board(handle: BoardHandle, repo: BoardRepository, client: InvokeAIClient) -> None:
    img = handle.upload_image_data(png((17, 9)), "d.png")
    assert size_of(handle.download_image(img.image_name)) == (17, 9)
    assert max(size_of(handle.download_image(img.image_name, full_resolution=False))) <= 256
    elsewhere = repo.get_uncategorized_handle()
    with pytest.raises(ValueError, match="not found in board"):
        elsewhere.download_image(img.image_name)
    with pytest.raises(ValueError, match="Image not found"):
        handle.download_image(f"no-such-{uuid.uuid4().hex}.png")


def test_move_remove_and_delete(handle: BoardHandle, repo: BoardRepository, client: InvokeAIClient) -> None:
    other = repo.create_board(f"ivk-seed-o-{uuid.uuid4().hex[:8]}")
    try:
        img = handle.upload_image_data(png(), "mv.png")
        assert handle.move_image_to(img.image_name, other.board_id) is True
        assert other.list_images() == [img.image_name] and handle.list_images() == []
        assert other.remove_image(img.image_name) is True
        assert client.images.board_of(img.image_name) is None
        assert repo.get_uncategorized_handle().remove_image(img.image_name) is False
        assert repo.get_uncategorized_handle().move_image_to(img.image_name, handle.board_id) is True
        assert handle.move_image_to(img.image_name, "none") is True
        assert client.images.board_of(img.image_name) is None
        assert handle.move_image_to(img.image_name, f"no-such-{uuid.uuid4().hex}") is False
        assert handle.move_image_to(f"no-such-{uuid.uuid4().hex}.png", other.board_id) is False
        assert repo.get_uncategorized_handle().delete_image(img.image_name) is True
        assert repo.get_uncategorized_handle().delete_image(img.image_name) is False  # gone
    finally:
        repo.delete_board(other.board_id)


def test_refresh_and_dict(handle: BoardHandle, repo: BoardRepository) -> None:
    handle.refresh()
    assert handle.to_dict()["board_id"] == handle.board_id
    assert repr(handle) == f"BoardHandle(name='{handle.board_name}', id='{handle.board_id}', images=0)"
    stale = BoardHandle(handle.client, handle.board.model_copy())
    repo.delete_board(handle.board_id)
    with pytest.raises(ValueError, match="Board not found"):
        stale.refresh()
    with pytest.raises(ValueError, match="Board not found"):
        stale.list_images()
    handle.board = repo.create_board(f"ivk-seed-h2-{uuid.uuid4().hex[:8]}").board  # for the fixture
