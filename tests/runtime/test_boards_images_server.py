"""client.boards and client.images against a real InvokeAI server: every answer typed, every
missing board or image a NotFound naming it."""

from __future__ import annotations

import io
import pathlib
import time
import uuid
from collections.abc import Iterator

import pytest
from PIL import Image

from ivk_runtime.api.boards import BoardInfo, DeletedBoard
from ivk_runtime.api.images import ImageCategory, ImageInfo, ImageNames, ImagePage
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import HTTPStatusError, NotFound

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
def board(client: InvokeAIClient) -> Iterator[BoardInfo]:
    made = client.boards.create(f"ivk-bi-{uuid.uuid4().hex[:8]}")
    yield made
    try:
        client.boards.delete(made.board_id, delete_images=True)
    except NotFound:
        pass


def png(size: tuple[int, int], color: tuple[int, int, int] = (200, 10, 10)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        return int(img.size[0]), int(img.size[1])


def missing() -> str:
    return f"no-such-{uuid.uuid4().hex}"


def test_board_lifecycle_typed(client: InvokeAIClient) -> None:
    name = f"ivk-life-{uuid.uuid4().hex[:8]}"
    made = client.boards.create(name)
    assert isinstance(made, BoardInfo) and made.board_name == name and made.image_count == 0
    assert client.boards.get(made.board_id) == made
    assert client.boards.get_by_name(name).board_id == made.board_id
    assert [b.board_id for b in client.boards.find_by_name(name)] == [made.board_id]
    listed = client.boards.list()
    assert made.board_id in [b.board_id for b in listed] and all(isinstance(b, BoardInfo) for b in listed)

    renamed = client.boards.update(made.board_id, name=name + "-x")
    assert renamed.board_name == name + "-x" and client.boards.get(made.board_id).board_name == name + "-x"
    archived = client.boards.update(made.board_id, archived=True)
    assert archived.archived is True
    # the GUI hides archived boards; they are listed, and found by name, when asked for
    assert made.board_id not in [b.board_id for b in client.boards.list()]
    assert made.board_id in [b.board_id for b in client.boards.list(include_archived=True)]
    assert client.boards.find_by_name(name + "-x") == []
    with pytest.raises(NotFound):
        client.boards.get_by_name(name + "-x")
    assert client.boards.get_by_name(name + "-x", include_archived=True).board_id == made.board_id
    assert client.boards.update(made.board_id).board_id == made.board_id  # nothing to change

    gone = client.boards.delete(made.board_id)
    assert isinstance(gone, DeletedBoard) and gone.board_id == made.board_id
    assert client.boards.find(made.board_id) is None


def test_missing_boards_are_not_found_naming_them(client: InvokeAIClient) -> None:
    bid = missing()
    for attempt in (
        lambda: client.boards.get(bid),
        lambda: client.boards.update(bid, name="x"),
        lambda: client.boards.delete(bid),
        lambda: client.boards.image_names(bid),
        lambda: client.boards.images(bid),
        lambda: client.boards.get_by_name(bid),
    ):
        with pytest.raises(NotFound) as caught:
            attempt()
        assert caught.value.kind == "board" and caught.value.name == bid and bid in str(caught.value)
        assert isinstance(caught.value, HTTPStatusError)  # code catching status errors still does
    with pytest.raises(ValueError, match="uncategorized"):
        client.boards.delete("none")
    with pytest.raises(ValueError, match="uncategorized"):
        client.boards.update("none", name="x")


def test_privacy_on_create_and_update(client: InvokeAIClient) -> None:
    private = client.boards.create(f"ivk-priv-{uuid.uuid4().hex[:8]}", is_private=True)
    shared = client.boards.create(f"ivk-pub-{uuid.uuid4().hex[:8]}", is_private=False)
    default = client.boards.create(f"ivk-def-{uuid.uuid4().hex[:8]}")
    try:
        assert (private.private, private.board_visibility) == (True, "private")
        assert (shared.private, shared.board_visibility) == (False, "shared")
        assert client.boards.get(shared.board_id).board_visibility == "shared"  # stored
        assert default.board_visibility == "private"  # 6.14's own default
        assert client.boards.update(private.board_id, is_private=False).board_visibility == "shared"
        assert client.boards.update(private.board_id, visibility="public").board_visibility == "public"
    finally:
        for b in (private, shared, default):
            client.boards.delete(b.board_id)


def test_uncategorized_board(client: InvokeAIClient) -> None:
    before = client.boards.get("none")
    assert before.uncategorized and before.board_name == "Uncategorized"
    assert client.boards.get(None) == before
    uploaded = client.images.upload(png((9, 9)), filename="u.png")
    try:
        assert uploaded.board_id is None  # uncategorized: no board, not the string "none"
        assert client.boards.get("none").image_count == before.image_count + 1
        listed = client.boards.list(include_uncategorized=True)
        assert listed[0].uncategorized and listed[0].image_count == before.image_count + 1
        assert uploaded.image_name in client.boards.image_names("none")
        assert uploaded.image_name in client.boards.image_names(None)
    finally:
        client.images.delete(uploaded.image_name)


def test_upload_get_download_delete(client: InvokeAIClient, board: BoardInfo) -> None:
    up = client.images.upload(png((31, 17)), filename="pic.png", board_id=board.board_id)
    assert isinstance(up, ImageInfo) and (up.width, up.height) == (31, 17)
    assert up.board_id == board.board_id and up.image_category is ImageCategory.USER
    assert client.images.get(up.image_name) == up
    assert client.images.board_of(up.image_name) == board.board_id
    assert size_of(client.images.download(up.image_name)) == (31, 17)
    assert max(size_of(client.images.download(up.image_name, full_resolution=False))) <= 256
    assert client.images.metadata(up.image_name) is None  # an upload carries none
    assert [i.image_name for i in client.images.get_many([up.image_name, missing()])] == [up.image_name]
    counted = client.boards.get(board.board_id)  # 6.14 counts uploads (user images) as assets
    assert (counted.image_count, counted.asset_count) == (0, 1)

    client.images.delete(up.image_name)
    assert client.images.find(up.image_name) is None
    with pytest.raises(NotFound) as caught:
        client.images.delete(up.image_name)
    assert (caught.value.kind, caught.value.name) == ("image", up.image_name)


def test_upload_from_a_path_with_category(
    client: InvokeAIClient, board: BoardInfo, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "mask.png"
    path.write_bytes(png((5, 4)))
    up = client.images.upload(path, board_id=board.board_id, image_category="mask", is_intermediate=True)
    assert up.image_category is ImageCategory.MASK and up.is_intermediate is True
    # intermediates are filtered like the GUI's: not among the board's non-intermediate images
    assert up.image_name not in client.boards.image_names(board.board_id, is_intermediate=False)
    assert up.image_name in client.boards.image_names(board.board_id, is_intermediate=True)
    with pytest.raises(FileNotFoundError):
        client.images.upload(tmp_path / "nope.png")
    with pytest.raises(NotFound) as caught:
        client.images.upload(png((2, 2)), board_id="no-such-board-for-upload")
    assert caught.value.kind == "board"


def test_missing_images_are_not_found_naming_them(client: InvokeAIClient, board: BoardInfo) -> None:
    name = missing() + ".png"
    for attempt in (
        lambda: client.images.get(name),
        lambda: client.images.download(name),
        lambda: client.images.download(name, full_resolution=False),
        lambda: client.images.star(name),
        lambda: client.images.unstar(name),
        lambda: client.images.update(name, starred=True),
        lambda: client.images.move_to_board(name, board.board_id),
        lambda: client.images.remove_from_board(name),
        lambda: client.images.delete(name),
        lambda: client.images.board_of(name),
        lambda: client.images.metadata(name),
    ):
        with pytest.raises(NotFound) as caught:
            attempt()
        assert (caught.value.kind, caught.value.name) == ("image", name), attempt


def test_move_between_boards_and_off(client: InvokeAIClient, board: BoardInfo) -> None:
    other = client.boards.create(f"ivk-other-{uuid.uuid4().hex[:8]}")
    try:
        up = client.images.upload(png((6, 6)), board_id=board.board_id)
        client.images.move_to_board(up.image_name, other.board_id)
        assert client.images.board_of(up.image_name) == other.board_id
        assert client.boards.image_names(other.board_id) == [up.image_name]
        assert client.boards.image_names(board.board_id) == []
        client.images.remove_from_board(up.image_name)
        assert client.images.board_of(up.image_name) is None
        client.images.move_to_board(up.image_name, other.board_id)
        client.images.move_to_board(up.image_name, "none")  # "none" moves it off any board
        assert client.images.board_of(up.image_name) is None
        with pytest.raises(NotFound) as caught:
            client.images.move_to_board(up.image_name, "no-such-board-to-move-to")
        assert caught.value.kind == "board"
        client.images.delete(up.image_name)
    finally:
        client.boards.delete(other.board_id)


def test_star_and_sorting_as_the_gallery(client: InvokeAIClient, board: BoardInfo) -> None:
    names = []
    for i in range(3):
        names.append(client.images.upload(png((4 + i, 4)), board_id=board.board_id).image_name)
        time.sleep(0.01)  # distinct creation times
    first, middle, last = names
    assert client.boards.image_names(board.board_id) == [last, middle, first]  # newest first
    assert client.boards.image_names(board.board_id, order_dir="ASC") == names
    client.images.star(first)
    assert client.images.get(first).starred is True
    assert client.boards.image_names(board.board_id, starred_first=True) == [first, last, middle]
    assert client.boards.image_names(board.board_id, offset=1, limit=1) == [middle]
    assert client.boards.image_names(board.board_id, limit=0) == []
    found: ImageNames = client.images.names(board_id=board.board_id, starred_first=True)
    assert (found.total_count, found.starred_count) == (3, 1)
    page = client.boards.images(board.board_id, starred_first=True, offset=0, limit=2)
    assert isinstance(page, ImagePage) and page.total == 3
    assert [i.image_name for i in page.items] == [first, last] and page.items[0].starred
    client.images.unstar(first)
    assert client.images.get(first).starred is False
    assert client.images.star_many([middle, missing()]) == [middle]
    assert client.images.update(middle, starred=False).starred is False
    assert client.boards.image_names(board.board_id, categories=["general"]) == []
    assert len(client.boards.image_names(board.board_id, categories=[ImageCategory.USER])) == 3
    with pytest.raises(ValueError):
        client.boards.image_names(board.board_id, order_dir="UP")  # type: ignore[arg-type]
    result = client.images.delete_many([*names, missing()])
    assert sorted(result.deleted_images) == sorted(names)


def test_delete_board_keeps_or_deletes_images(client: InvokeAIClient) -> None:
    keep = client.boards.create(f"ivk-keep-{uuid.uuid4().hex[:8]}")
    drop = client.boards.create(f"ivk-drop-{uuid.uuid4().hex[:8]}")
    kept = client.images.upload(png((3, 3)), board_id=keep.board_id)
    dropped = client.images.upload(png((3, 3)), board_id=drop.board_id)
    assert client.boards.delete(keep.board_id).deleted_images == []
    assert client.images.board_of(kept.image_name) is None  # uncategorized now
    assert client.boards.delete(drop.board_id, delete_images=True).deleted_images == [dropped.image_name]
    assert client.images.find(dropped.image_name) is None
    client.images.delete(kept.image_name)


def test_cover_image(client: InvokeAIClient, board: BoardInfo) -> None:
    up = client.images.upload(png((3, 3)), board_id=board.board_id)
    assert client.boards.update(board.board_id, cover_image_name=up.image_name).cover_image_name == up.image_name
