"""A multi-user InvokeAI server (INVOKEAI_MULTIUSER=true), started for these tests: refused
credentials are a typed error that says whether a token was sent and what the server said,
and never shows the token; a good token runs a workflow, events included."""

from __future__ import annotations

import pathlib
import sys

import httpx
import pytest

from ivk_runtime import AsyncInvokeAIClient, InvokeAIClient
from ivk_runtime.errors import AuthError

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from wfbuild import blur_chain  # noqa: E402

pytestmark = pytest.mark.server

EMAIL, PASSWORD = "admin@ivk.test", "Ivk-Test-Passw0rd!"


@pytest.fixture(scope="module")
def token(multiuser_url: str) -> str:
    status = httpx.get(f"{multiuser_url}/api/v1/auth/status").json()
    assert status["multiuser_enabled"] is True
    if status["setup_required"]:
        setup = httpx.post(
            f"{multiuser_url}/api/v1/auth/setup",
            json={"email": EMAIL, "display_name": "Admin", "password": PASSWORD},
        )
        assert setup.status_code == 200, setup.text
    login = httpx.post(f"{multiuser_url}/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    assert login.status_code == 200, login.text
    return str(login.json()["token"])


def test_no_token_is_an_auth_error_that_says_none_was_sent(multiuser_url: str) -> None:
    with InvokeAIClient(multiuser_url) as client, pytest.raises(AuthError) as info:
        client.list_boards()
    assert info.value.status == 401 and not info.value.token_sent
    assert "none was sent" in str(info.value) and "the server said" in str(info.value)


def test_a_bad_token_is_an_auth_error_that_never_shows_it(multiuser_url: str) -> None:
    secret = "not-a-token-SECRET-7f3a9c"
    with InvokeAIClient(multiuser_url, token=secret) as client, pytest.raises(AuthError) as info:
        client.run(blur_chain(), {0: 12}, timeout=30)
    assert info.value.token_sent and info.value.status == 401
    assert secret not in str(info.value) and secret not in repr(info.value)


def test_a_good_token_runs_with_events(multiuser_url: str, token: str) -> None:
    with InvokeAIClient(multiuser_url, token=token) as client:
        result = client.run(blur_chain(), {0: 14, 1: 6}, timeout=60)
        assert client._events.transport == "websocket"
    assert result.status == "completed" and result.images[0].width == 14


async def test_async_a_good_token_runs(multiuser_url: str, token: str) -> None:
    async with AsyncInvokeAIClient(multiuser_url, token=token) as client:
        result = await client.run(blur_chain(), {0: 15, 1: 6}, timeout=60)
    assert result.status == "completed" and result.images[0].width == 15


def test_codegen_server_takes_a_token(
    multiuser_url: str, token: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(InvokeAI 6.14 serves its schema to anyone, even in multi-user mode: the token is for
    servers that do not.)"""
    from ivk_codegen.cli import main as codegen

    workflow = pathlib.Path(__file__).resolve().parents[1] / "workflows" / "blur_image.json"
    monkeypatch.delenv("INVOKEAI_TOKEN", raising=False)
    assert codegen([str(workflow), "-o", str(tmp_path / "a.py"), "-q", "--server", multiuser_url]) == 0
    assert codegen([str(workflow), "-o", str(tmp_path / "b.py"), "-q", "--server", multiuser_url, "--token", token]) == 0
    monkeypatch.setenv("INVOKEAI_TOKEN", token)  # as the runtime reads it
    assert codegen([str(workflow), "-o", str(tmp_path / "c.py"), "-q", "--server", multiuser_url]) == 0
    texts = {(tmp_path / f"{n}.py").read_text() for n in "abc"}
    assert len(texts) == 1 and token not in texts.pop()  # the token never reaches the module
    with InvokeAIClient(multiuser_url) as client:  # $INVOKEAI_TOKEN for the runtime too
        assert client.run(blur_chain(), {0: 16, 1: 6}, timeout=60).status == "completed"
