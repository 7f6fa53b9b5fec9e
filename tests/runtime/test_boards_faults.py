"""Boards when a request fails half-way, or a name fits several boards, on a real server (a
fault proxy on 127.0.0.1 fails chosen requests): a failed create leaves no board behind, a
404 is a missing board only when a board was named, and a name never picks one silently."""

from __future__ import annotations

import io
import pathlib
import sys
import uuid
from collections.abc import Iterator

import pytest
from PIL import Image

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import AmbiguousBoardName, BoardVisibilityNotSet, HTTPStatusError, NotFound

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from fault_proxy import Fault, FaultProxy  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
def proxy(invokeai_url: str) -> Iterator[FaultProxy]:
    p = FaultProxy(invokeai_url)
    yield p
    p.close()


def failing(*methods: str, under: str = "/api/v1/boards/") -> object:
    def rule(method: str, path: str) -> Fault | None:
        return Fault(status=500) if method in methods and path.startswith(under) else None

    return rule


def named(client: InvokeAIClient, name: str) -> list[str]:
    return [b.board_id for b in client.boards.find_by_name(name, include_archived=True)]


def test_failed_visibility_leaves_no_board(client: InvokeAIClient, proxy: FaultProxy) -> None:
    name = f"ivk-half-{uuid.uuid4().hex[:8]}"
    proxy.rule = failing("PATCH")  # type: ignore[assignment]
    with InvokeAIClient(proxy.url, timeout=30) as through:
        with pytest.raises(HTTPStatusError) as raised:
            through.boards.create(name, is_private=False)
    assert raised.value.status == 500 and "/boards/" in raised.value.url  # the PATCH's error
    assert ("DELETE", proxy.requests[-1][1]) == proxy.requests[-1]  # it was undone
    assert named(client, name) == []  # a retry will not make a second board


def test_undo_that_fails_names_the_board_left(client: InvokeAIClient, proxy: FaultProxy) -> None:
    name = f"ivk-half-{uuid.uuid4().hex[:8]}"
    proxy.rule = failing("PATCH", "DELETE")  # type: ignore[assignment]
    with InvokeAIClient(proxy.url, timeout=30) as through:
        with pytest.raises(BoardVisibilityNotSet, match="created .*visibility not set") as raised:
            through.boards.create(name, is_private=False)
    left = named(client, name)
    try:
        assert left == [raised.value.board_id]
        assert raised.value.visibility == "shared"
        assert isinstance(raised.value.error, HTTPStatusError)
        assert isinstance(raised.value.delete_error, HTTPStatusError)
        assert client.boards.get(left[0]).board_visibility == "private"  # as the error says
    finally:
        for bid in left:
            client.boards.delete(bid)


def test_create_without_second_request_is_unchanged(client: InvokeAIClient, proxy: FaultProxy) -> None:
    proxy.rule = failing("PATCH", "DELETE")  # type: ignore[assignment]
    with InvokeAIClient(proxy.url, timeout=30) as through:
        made = through.boards.create(f"ivk-half-{uuid.uuid4().hex[:8]}", is_private=True)
    try:
        assert made.board_visibility == "private"
        assert [m for m, _ in proxy.requests].count("PATCH") == 0
    finally:
        client.boards.delete(made.board_id)


def test_upload_404_without_a_board_is_not_a_missing_board(proxy: FaultProxy) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    proxy.rule = lambda method, path: Fault(status=404) if path.endswith("/images/upload") else None
    with InvokeAIClient(proxy.url, timeout=30) as through:
        with pytest.raises(HTTPStatusError) as raised:
            through.images.upload(buf.getvalue())
    assert raised.value.status == 404 and not isinstance(raised.value, NotFound)
    assert "board" not in str(raised.value)


def test_upload_to_a_missing_board_is_not_found(client: InvokeAIClient) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "PNG")
    missing = f"no-such-{uuid.uuid4().hex}"
    with pytest.raises(NotFound) as raised:
        client.images.upload(buf.getvalue(), board_id=missing)
    assert raised.value.kind == "board" and raised.value.name == missing


@pytest.fixture
def twins(client: InvokeAIClient) -> Iterator[tuple[str, str, str]]:
    """Two boards of one name: (name, older id, newer id)."""
    name = f"ivk-twin-{uuid.uuid4().hex[:8]}"
    older = client.boards.create(name).board_id
    newer = client.boards.create(name).board_id
    yield name, older, newer
    for bid in (older, newer):
        client.boards.delete(bid)


def test_a_name_of_several_boards_is_ambiguous(client: InvokeAIClient, twins: tuple[str, str, str]) -> None:
    name, older, newer = twins
    assert set(b.board_id for b in client.boards.find_by_name(name)) == {older, newer}
    with pytest.raises(AmbiguousBoardName) as raised:
        client.boards.get_by_name(name)
    assert set(raised.value.board_ids) == {older, newer} and raised.value.name == name
    assert older in str(raised.value) and newer in str(raised.value)


def test_archived_boards_are_left_out_by_name(client: InvokeAIClient, twins: tuple[str, str, str]) -> None:
    name, older, newer = twins
    client.boards.update(newer, archived=True)
    assert [b.board_id for b in client.boards.find_by_name(name)] == [older]
    assert client.boards.get_by_name(name).board_id == older
    with pytest.raises(AmbiguousBoardName):
        client.boards.get_by_name(name, include_archived=True)
