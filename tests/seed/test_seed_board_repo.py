"""ivk_runtime.seed.board.BoardRepository against a real server: 1.1.1's names and documented
behaviour, including where 1.1.1 itself did otherwise (each such test says so)."""

from __future__ import annotations

import inspect
import io
import uuid
from collections.abc import Callable, Iterator

import pytest
from PIL import Image

from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.seed import repos
from ivk_runtime.seed.board import Board, BoardHandle, BoardRepository
from ivk_runtime.seed.board import board_handle, board_model, board_repo
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
    made = repo.create_board(f"ivk-seed-board-{uuid.uuid4().hex[:8]}")
    yield made
    repo.delete_board(made.board_id, delete_images=True)


def png(size: tuple[int, int] = (8, 8)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (1, 2, 3)).save(buf, "PNG")
    return buf.getvalue()


def params(f: Callable[..., object]) -> list[str]:
    return list(inspect.signature(f).parameters)


def test_module_paths_and_signatures_are_the_seeds() -> None:
    assert board_repo.BoardRepository is BoardRepository is repos.BoardRepository
    assert board_handle.BoardHandle is BoardHandle and board_model.Board is Board
    assert params(BoardRepository.list_boards) == ["self", "all", "include_uncategorized"]
    assert params(BoardRepository.create_board) == ["self", "name", "is_private"]
    assert params(BoardRepository.delete_board) == ["self", "board_id", "delete_images"]
    assert params(BoardRepository.update_board) == ["self", "board_id", "name", "is_private"]
    assert params(BoardRepository.move_image_to_board_by_name) == ["self", "image_name", "target_board_name"]
    assert params(BoardHandle.list_images) == [
        "self", "offset", "limit", "order_by", "order_dir", "starred_first", "search_term",
    ]
    assert params(BoardHandle.upload_image) == [
        "self", "file_path", "is_intermediate", "image_category", "session_id",
    ]
    assert [c.value for c in ImageCategory] == ["user", "general", "control", "mask", "other"]
    assert BoardHandle._get_mime_type_from_filename("a.JPG") == "image/jpeg"
    assert BoardHandle._get_mime_type_from_extension(".webp") == "image/webp"
    assert BoardHandle._get_mime_type_from_extension(".xyz") == "application/octet-stream"


def test_the_client_wires_this_repository(client: InvokeAIClient) -> None:
    assert isinstance(client.board_repo, BoardRepository)
    assert repr(client.board_repo) == f"BoardRepository(client={client.base_url})"


def test_the_seed_client_wires_it_too(invokeai_url: str) -> None:
    from ivk_runtime.seed.client import InvokeAIClient as SeedClient

    client = SeedClient.from_url(invokeai_url)
    try:
        repo = client.board_repo
        assert isinstance(repo, BoardRepository) and repo is client.board_repo
        assert repr(repo) == f"BoardRepository(client={client.base_url})"  # .../api/v1, as 1.1.1
        made = repo.create_board(f"ivk-seed-client-{uuid.uuid4().hex[:8]}")
        try:
            assert made.upload_image_data(png(), "c.png").board_id == made.board_id
            assert repo.get_board_handle_by_name(made.board_name) is made
        finally:
            assert repo.delete_board(made.board_id, delete_images=True) is True
    finally:
        client.close()


def test_an_async_client_is_refused_clearly(invokeai_url: str) -> None:
    repo = BoardRepository(AsyncInvokeAIClient(invokeai_url))
    with pytest.raises(TypeError, match="synchronous InvokeAIClient"):
        repo.list_boards()


def test_list_get_and_find_by_name(repo: BoardRepository, handle: BoardHandle) -> None:
    boards = repo.list_boards()
    assert handle.board_id in [b.board_id for b in boards] and all(isinstance(b, Board) for b in boards)
    assert "none" not in [b.board_id for b in boards]
    with_uncategorized = repo.list_boards(include_uncategorized=True)
    assert with_uncategorized[0].is_uncategorized() and with_uncategorized[0].board_name == "Uncategorized"
    got = repo.get_board_by_id(handle.board_id)
    assert got is not None and got.board_name == handle.board_name
    assert repo.get_board_by_id(f"no-such-{uuid.uuid4().hex}") is None
    assert repo.get_board_by_id("none") is not None and repo.get_board_by_id(None) is not None
    assert [b.board_id for b in repo.get_boards_by_name(handle.board_name)] == [handle.board_id]
    assert repo.get_boards_by_name(f"no-such-{uuid.uuid4().hex}") == []
    by_name = repo.get_board_handle_by_name(handle.board_name)
    assert by_name is handle  # the cached handle, refreshed
    assert repo.get_board_handle_by_name(f"no-such-{uuid.uuid4().hex}") is None


def test_handles_are_cached_and_refreshed(repo: BoardRepository, handle: BoardHandle, client: InvokeAIClient) -> None:
    again = repo.get_board_handle(handle.board_id)
    assert again is handle
    client.boards.update(handle.board_id, name=handle.board_name + "-renamed")
    assert repo.get_board_handle(handle.board_id).board_name.endswith("-renamed")  # refreshed
    with pytest.raises(ValueError, match="Board not found"):
        repo.get_board_handle(f"no-such-{uuid.uuid4().hex}")
    repo.clear_cache()
    assert repo.get_board_handle(handle.board_id) is not handle


def test_uncategorized(repo: BoardRepository, client: InvokeAIClient) -> None:
    before = repo.get_uncategorized_board().image_count
    up = client.images.upload(png())
    try:
        board = repo.get_uncategorized_board()
        assert (board.board_id, board.image_count, board.is_system_board()) == ("none", before + 1, True)
        h = repo.get_uncategorized_handle()
        assert h is repo.get_board_handle(None) is repo.get_board_handle("none")
        assert (h.board_id, h.board_name, h.is_uncategorized) == ("none", "Uncategorized", True)
        assert h.get_image_count() == before + 1  # refreshed from the server
        with pytest.raises(ValueError, match="uncategorized"):
            repo.delete_board("none")
        with pytest.raises(ValueError, match="uncategorized"):
            repo.update_board("none", name="x")
    finally:
        client.images.delete(up.image_name)


def test_create_private_and_update(repo: BoardRepository, client: InvokeAIClient) -> None:
    # 1.1.1 sent is_private as a query parameter that 6.14 ignores: every board came out
    # private. The docs promise a non-private board by default, a private one when asked.
    public = repo.create_board(f"ivk-seed-pub-{uuid.uuid4().hex[:8]}")
    private = repo.create_board(f"ivk-seed-priv-{uuid.uuid4().hex[:8]}", is_private=True)
    try:
        assert public.board.is_private is False and private.board.is_private is True
        assert client.boards.get(public.board_id).board_visibility == "shared"
        assert client.boards.get(private.board_id).board_visibility == "private"
        updated = repo.update_board(private.board_id, name="renamed-by-seed", is_private=False)
        assert updated is not None and (updated.board_name, updated.is_private) == ("renamed-by-seed", False)
        assert private.board.board_name == "renamed-by-seed"  # the cached handle sees it
        unchanged = repo.update_board(public.board_id)
        assert unchanged is not None and unchanged.board_id == public.board_id
        assert repo.update_board(f"no-such-{uuid.uuid4().hex}", name="x") is None
    finally:
        repo.delete_board(public.board_id)
        repo.delete_board(private.board_id)


def test_create_refusal_is_a_value_error_with_the_servers_answer(repo: BoardRepository) -> None:
    with pytest.raises(ValueError, match="Failed to create board: 422"):
        repo.create_board("x" * 301)  # the server caps names at 300 characters


def test_delete_board_keeps_or_deletes_images(repo: BoardRepository, client: InvokeAIClient) -> None:
    keep = repo.create_board(f"ivk-seed-keep-{uuid.uuid4().hex[:8]}")
    kept = keep.upload_image_data(png(), "k.png")
    assert repo.delete_board(keep.board_id) is True
    assert repo.get_image_current_board_id(kept.image_name) is None  # now uncategorized
    assert repo.delete_board(keep.board_id) is False  # gone already
    # 1.1.1's test deletes a board "including its images"; the previous seed layer refused
    drop = repo.create_board(f"ivk-seed-drop-{uuid.uuid4().hex[:8]}")
    dropped = drop.upload_image_data(png(), "d.png")
    assert repo.delete_board(drop.board_id, delete_images=True) is True
    assert repo.get_image_by_name(dropped.image_name) is None
    assert repo.get_board_by_id(drop.board_id) is None
    client.images.delete(kept.image_name)


def test_image_lookups_and_move_by_name(repo: BoardRepository, handle: BoardHandle) -> None:
    up = repo.get_uncategorized_handle().upload_image_data(png((5, 3)), "m.png")
    image = repo.get_image_by_name(up.image_name)
    assert isinstance(image, IvkImage) and (image.width, image.height) == (5, 3)
    assert image.image_category is ImageCategory.USER and image.board_id is None
    assert repo.get_image_by_name(f"no-such-{uuid.uuid4().hex}.png") is None
    assert repo.get_image_current_board_id(f"no-such-{uuid.uuid4().hex}.png") is None

    assert repo.move_image_to_board_by_name(up.image_name, handle.board_name) is True
    assert repo.get_image_current_board_id(up.image_name) == handle.board_id
    # a board that does not exist yet is made
    new_name = f"ivk-seed-made-{uuid.uuid4().hex[:8]}"
    assert repo.move_image_to_board_by_name(up.image_name, new_name) is True
    made = repo.get_boards_by_name(new_name)
    assert len(made) == 1 and repo.get_image_current_board_id(up.image_name) == made[0].board_id
    assert repo.move_image_to_board_by_name(f"no-such-{uuid.uuid4().hex}.png", new_name) is False
    repo.delete_board(str(made[0].board_id), delete_images=True)
