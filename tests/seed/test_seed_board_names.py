"""The seed's board repository where a name fits several boards, or creating half-fails, on
a real server (a fault proxy on 127.0.0.1 fails chosen requests). 1.1.1 documents
get_board_handle_by_name as "the first one": kept, with a warning; moving by name refuses."""

from __future__ import annotations

import io
import pathlib
import sys
import uuid
from collections.abc import Iterator

import pytest
from PIL import Image

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import AmbiguousBoardName
from ivk_runtime.seed.board import BoardRepository
from ivk_runtime.seed.board.board_repo import AmbiguousBoardNameWarning

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "runtime"))
from fault_proxy import Fault, FaultProxy  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
def repo(client: InvokeAIClient) -> BoardRepository:
    return BoardRepository(client)


@pytest.fixture
def twins(client: InvokeAIClient) -> Iterator[tuple[str, str, str]]:
    """Two boards of one name: (name, older id, newer id)."""
    name = f"ivk-seed-twin-{uuid.uuid4().hex[:8]}"
    older = client.boards.create(name).board_id
    newer = client.boards.create(name).board_id
    yield name, older, newer
    for bid in (older, newer):
        client.boards.delete(bid, delete_images=True)


@pytest.fixture
def image(client: InvokeAIClient) -> Iterator[str]:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (4, 5, 6)).save(buf, "PNG")
    name = client.images.upload(buf.getvalue()).image_name
    yield name
    client.images.delete(name)


def test_moving_by_a_name_of_several_boards_refuses(
    repo: BoardRepository, twins: tuple[str, str, str], image: str
) -> None:
    name, older, newer = twins
    with pytest.raises(AmbiguousBoardName) as raised:
        repo.move_image_to_board_by_name(image, name)
    assert set(raised.value.board_ids) == {older, newer}
    assert repo.get_image_current_board_id(image) is None  # not moved anywhere


def test_moving_by_name_never_picks_an_archived_board(
    client: InvokeAIClient, repo: BoardRepository, twins: tuple[str, str, str], image: str
) -> None:
    name, older, newer = twins
    client.boards.update(newer, archived=True)  # the newest of the name, hidden in the GUI
    assert repo.move_image_to_board_by_name(image, name) is True
    assert repo.get_image_current_board_id(image) == older


def test_boards_by_name_leave_archived_ones_out(
    client: InvokeAIClient, repo: BoardRepository, twins: tuple[str, str, str]
) -> None:
    name, older, newer = twins
    client.boards.update(newer, archived=True)
    assert [b.board_id for b in repo.get_boards_by_name(name)] == [older]
    both = repo.get_boards_by_name(name, include_archived=True)
    assert {b.board_id for b in both} == {older, newer}
    handle = repo.get_board_handle_by_name(name)
    assert handle is not None and handle.board_id == older


def test_handle_by_a_name_of_several_boards_warns(repo: BoardRepository, twins: tuple[str, str, str]) -> None:
    name, older, newer = twins
    with pytest.warns(AmbiguousBoardNameWarning, match=newer):
        handle = repo.get_board_handle_by_name(name)
    assert handle is not None and handle.board_id == newer  # 1.1.1's documented "first one"


def test_failed_create_leaves_no_board_to_retry_into(invokeai_url: str, client: InvokeAIClient) -> None:
    proxy = FaultProxy(invokeai_url)
    proxy.rule = lambda method, path: Fault(status=500) if method == "PATCH" else None
    name = f"ivk-seed-half-{uuid.uuid4().hex[:8]}"
    try:
        with InvokeAIClient(proxy.url, timeout=30) as through:
            with pytest.raises(ValueError, match="Failed to create board: 500"):
                BoardRepository(through).create_board(name)  # is_private=False: a PATCH on 6.14
    finally:
        proxy.close()
    assert client.boards.find_by_name(name, include_archived=True) == []


def test_create_that_cannot_be_undone_names_the_board(invokeai_url: str, client: InvokeAIClient) -> None:
    proxy = FaultProxy(invokeai_url)
    proxy.rule = lambda method, path: Fault(status=500) if method in ("PATCH", "DELETE") else None
    name = f"ivk-seed-half-{uuid.uuid4().hex[:8]}"
    try:
        with InvokeAIClient(proxy.url, timeout=30) as through:
            with pytest.raises(ValueError, match="visibility is not set") as raised:
                BoardRepository(through).create_board(name)
    finally:
        proxy.close()
    left = [b.board_id for b in client.boards.find_by_name(name, include_archived=True)]
    for bid in left:
        client.boards.delete(bid)
    assert len(left) == 1 and left[0] in str(raised.value)
