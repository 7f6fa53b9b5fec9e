"""Board privacy on a multi-user server (INVOKEAI_MULTIUSER=true): what ``is_private`` asks
for is what another user can (not) see, and the owner's images stay the owner's."""

from __future__ import annotations

import io
import uuid

import httpx
import pytest
from PIL import Image

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import AuthError, HTTPStatusError
from ivk_runtime.seed.board import BoardRepository

pytestmark = pytest.mark.server

ADMIN = ("admin@ivk.test", "Ivk-Test-Passw0rd!")  # as test_multiuser sets the server up
OTHER = ("other@ivk.test", "Ivk-Other-Passw0rd!")


def login(url: str, email: str, password: str) -> str:
    answer = httpx.post(f"{url}/api/v1/auth/login", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["token"])


@pytest.fixture(scope="module")
def tokens(multiuser_url: str) -> tuple[str, str]:
    status = httpx.get(f"{multiuser_url}/api/v1/auth/status").json()
    if status["setup_required"]:
        body = {"email": ADMIN[0], "display_name": "Admin", "password": ADMIN[1]}
        assert httpx.post(f"{multiuser_url}/api/v1/auth/setup", json=body).status_code == 200
    admin = login(multiuser_url, *ADMIN)
    made = httpx.post(
        f"{multiuser_url}/api/v1/auth/users",
        json={"email": OTHER[0], "display_name": "Other", "password": OTHER[1], "is_admin": False},
        headers={"Authorization": f"Bearer {admin}"},
    )
    assert made.status_code in (200, 201, 400), made.text  # 400: made by an earlier run
    return admin, login(multiuser_url, *OTHER)


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (9, 9, 9)).save(buf, "PNG")
    return buf.getvalue()


def test_private_boards_are_hidden_from_other_users(multiuser_url: str, tokens: tuple[str, str]) -> None:
    admin, other = tokens
    with InvokeAIClient(multiuser_url, token=admin) as owner, InvokeAIClient(multiuser_url, token=other) as user:
        private = owner.boards.create(f"ivk-mu-priv-{uuid.uuid4().hex[:8]}", is_private=True)
        shared = owner.boards.create(f"ivk-mu-shared-{uuid.uuid4().hex[:8]}", is_private=False)
        try:
            assert user.boards.get(shared.board_id).board_name == shared.board_name
            with pytest.raises(AuthError) as refused:
                user.boards.get(private.board_id)
            assert refused.value.status == 403
            # shared means "look, do not touch"
            with pytest.raises(HTTPStatusError) as untouched:
                user.boards.update(shared.board_id, name="taken over")
            assert untouched.value.status == 403
            # making it private takes it away from the other user
            owner.boards.update(shared.board_id, is_private=True)
            with pytest.raises(AuthError):
                user.boards.get(shared.board_id)
        finally:
            owner.boards.delete(private.board_id)
            owner.boards.delete(shared.board_id)


def test_the_seeds_default_board_is_visible_to_other_users(multiuser_url: str, tokens: tuple[str, str]) -> None:
    """1.1.1 documents ``create_board(name)`` as a non-private board; on 6.14 it came out
    private (the server ignores ``is_private``). Ours is shared."""
    admin, other = tokens
    with InvokeAIClient(multiuser_url, token=admin) as owner, InvokeAIClient(multiuser_url, token=other) as user:
        repo = BoardRepository(owner)
        public = repo.create_board(f"ivk-mu-seed-{uuid.uuid4().hex[:8]}")
        private = repo.create_board(f"ivk-mu-seedp-{uuid.uuid4().hex[:8]}", is_private=True)
        try:
            up = public.upload_image_data(png(), "mu.png")
            assert BoardRepository(user).get_board_by_id(public.board_id) is not None
            assert up.image_name in BoardRepository(user).get_board_handle(public.board_id).list_images()
            with pytest.raises(AuthError):
                BoardRepository(user).get_board_by_id(private.board_id)
        finally:
            repo.delete_board(public.board_id, delete_images=True)
            repo.delete_board(private.board_id)
