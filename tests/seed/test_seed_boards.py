"""BoardRepository / BoardHandle over a fake core client."""

from __future__ import annotations

import pathlib

import pytest
from seed_fakes import FakeClient

from ivk_runtime.seed import Board, BoardRepository, IvkImage

BOARD = "49b067b6-1285-4187-8fc2-87a602755462"


def test_list_boards_with_uncategorized_first(fake: FakeClient) -> None:
    repo = BoardRepository(fake)
    boards = repo.list_boards(include_uncategorized=True)
    assert [b.board_id for b in boards] == ["none", BOARD]
    assert boards[0].is_uncategorized() and boards[0].image_count == 1
    assert [b.board_id for b in repo.list_boards()] == [BOARD]
    assert all(isinstance(b, Board) for b in boards)


def test_none_and_the_string_none_are_the_uncategorized_board(fake: FakeClient) -> None:
    repo = BoardRepository(fake)
    h = repo.get_board_handle(None)
    assert h is repo.get_board_handle("none")  # cached
    assert (h.board_id, h.board_name, h.is_uncategorized) == ("none", "Uncategorized", True)
    assert h.list_images() == ["u1.png"]
    with pytest.raises(ValueError):
        repo.get_board_handle("no-such-board")
    with pytest.raises(ValueError):
        repo.delete_board("none")


def test_upload_download_and_list(fake: FakeClient, tmp_path: pathlib.Path) -> None:
    repo = BoardRepository(fake)
    h = repo.get_board_handle(BOARD)
    src = tmp_path / "a.png"
    src.write_bytes(b"\x89PNG fake")
    img = h.upload_image(src)
    assert isinstance(img, IvkImage) and str(img) == img.image_name
    assert ("upload_image", (src,), {"board_id": BOARD, "is_intermediate": False}) in fake.calls
    assert h.upload_image_file(src).image_name == img.image_name
    assert h.list_images(limit=1) == [img.image_name]
    assert h.download_image("b1.png") == b"PNG:b1.png"
    with pytest.raises(ValueError, match="not found in board"):
        h.download_image("elsewhere.png")
    with pytest.raises(FileNotFoundError):
        h.upload_image(tmp_path / "missing.png")
    # uploads to uncategorized send no board id
    repo.get_uncategorized_handle().upload_image(src)
    assert fake.calls[-1][2]["board_id"] is None


def test_upload_bytes_goes_through_a_named_file(fake: FakeClient) -> None:
    h = BoardRepository(fake).get_uncategorized_handle()
    h.upload_image_data(b"bytes", "photo.jpg")
    path = fake.calls[-1][1][0]
    assert path.name == "photo.jpg" and not path.exists()  # temporary, removed afterwards


def test_create_find_delete(fake: FakeClient) -> None:
    repo = BoardRepository(fake)
    h = repo.create_board("seed-test")
    assert h.board_id == "id-seed-test"
    assert repo.get_board_handle_by_name("seed-test") is h
    assert [b.board_id for b in repo.get_boards_by_name("seed-test")] == ["id-seed-test"]
    assert repo.delete_board("id-seed-test") is True
    assert repo.get_board_handle_by_name("seed-test") is None
    with pytest.raises(NotImplementedError):
        repo.delete_board(BOARD, delete_images=True)
