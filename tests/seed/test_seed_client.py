"""``ivk_runtime.seed.InvokeAIClient``: the seed's constructors and helpers, on a real server,
and the same object as a full core client."""

from __future__ import annotations

import socket
import urllib.parse
from collections.abc import Iterator

import httpx
import pytest
from seed_fakes import REPO

from ivk_runtime import InvokeAIClient as CoreClient
from ivk_runtime.errors import HTTPStatusError
from ivk_runtime.seed import InvokeAIClient, WorkflowDefinition, WorkflowHandle
from ivk_runtime.seed.client import InvokeAIClient as ClientModuleName
from ivk_runtime.seed.client import RequestFailed

pytestmark = pytest.mark.server

BLUR = REPO / "tests" / "workflows" / "blur_image.json"


@pytest.fixture(scope="module")
def hostport(invokeai_url: str) -> tuple[str, int]:
    parsed = urllib.parse.urlsplit(invokeai_url)
    assert parsed.hostname and parsed.port
    return parsed.hostname, parsed.port


@pytest.fixture(scope="module")
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient.from_url(invokeai_url) as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_one_client_two_faces(client: InvokeAIClient) -> None:
    assert ClientModuleName is InvokeAIClient
    assert isinstance(client, CoreClient)  # every typed area and method of the core
    assert client.version().count(".") == 2
    assert client.workflows.list(categories=["default"])  # InvokeAI ships workflows


def test_constructors_agree(hostport: tuple[str, int], invokeai_url: str) -> None:
    host, port = hostport
    made = [
        InvokeAIClient(host, port),
        InvokeAIClient(host=host, port=port, timeout=12.0),
        InvokeAIClient.from_url(invokeai_url),
        InvokeAIClient.from_url(invokeai_url + "/api/v1"),
        InvokeAIClient.from_url(invokeai_url + "/api/v1/"),
        InvokeAIClient(invokeai_url),  # the core's way, a URL first
    ]
    try:
        for c in made:
            assert c.base_url == f"http://{host}:{port}/api/v1"
            assert c.server_url == f"http://{host}:{port}"
            assert (c.host, c.port, c.base_path) == (host, port, "/api/v1")
            assert c.health_check() is True
        assert made[1].timeout == 12.0
    finally:
        for c in made:
            c.close()


def test_defaults_and_ports_follow_the_scheme() -> None:
    with InvokeAIClient() as c:
        assert c.base_url == "http://localhost:9090/api/v1"
    with InvokeAIClient.from_url("https://invoke.example:8443/api/v1") as c:
        assert (c.use_https, c.port, c.base_url) == (True, 8443, "https://invoke.example:8443/api/v1")
    with InvokeAIClient.from_url("https://invoke.example") as c:
        assert c.port == 443
    with InvokeAIClient("localhost", 9090, api_key="k", colour="blue") as c:
        assert c.api_key == "k" and c.extra_config == {"colour": "blue"}
        assert c._conn.headers["Authorization"] == "Bearer k"


def test_health_check_is_false_when_nobody_answers() -> None:
    with InvokeAIClient("127.0.0.1", free_port(), timeout=2.0) as c:
        assert c.health_check() is False


def test_repositories_are_made_once(client: InvokeAIClient) -> None:
    assert client.workflow_repo is client.workflow_repo
    assert client.board_repo is client.board_repo
    assert type(client.workflow_repo).__module__ == "ivk_runtime.seed.workflow.workflow_repo"


def test_create_workflow_gives_a_handle(client: InvokeAIClient) -> None:
    handle = client.create_workflow(WorkflowDefinition.from_file(BLUR))
    assert isinstance(handle, WorkflowHandle) and handle.client is client
    assert [i.field_name for i in handle.list_inputs()][:2] == ["width", "height"]


def test_make_request_maps_onto_the_core_connection(client: InvokeAIClient) -> None:
    answer = client._make_request("GET", "/app/version")
    assert isinstance(answer, httpx.Response) and answer.status_code == 200
    assert answer.json()["version"] == client.version()
    with pytest.raises(RequestFailed) as failed:
        client._make_request("GET", "/images/i/no-such-image.png")
    assert isinstance(failed.value, HTTPStatusError)
    assert failed.value.status == 404 and failed.value.response.status_code == 404
    assert client._make_request_v2("GET", "/models/").status_code == 200
    with pytest.raises(ValueError):
        client._make_request_v2("GET", "models/")


def test_session_takes_absolute_urls(client: InvokeAIClient) -> None:
    answer = client.session.get(f"{client.base_url}/app/version")
    answer.raise_for_status()
    assert answer.json()["version"] == client.version()
    missing = client.session.get(f"{client.base_url}/images/i/no-such-image.png")
    assert missing.status_code == 404
    with pytest.raises(httpx.HTTPStatusError):
        missing.raise_for_status()
    with pytest.raises(ValueError, match="not on this client's server"):
        client.session.get("http://elsewhere.example/api/v1/app/version")


def test_verify_ssl_false_uses_a_client_it_closes(invokeai_url: str) -> None:
    c = InvokeAIClient.from_url(invokeai_url, verify_ssl=False)
    own = c._own_http
    assert own is not None and c.health_check()
    c.close()
    assert own.is_closed


async def test_socketio_is_not_a_second_event_stream(client: InvokeAIClient) -> None:
    with pytest.raises(NotImplementedError, match="on_invocation_"):
        await client.connect_socketio()
    await client.disconnect_socketio()  # nothing to disconnect: no error
    with pytest.raises(NotImplementedError):
        async with client.socketio_session():
            pass


def test_models_go_through_the_model_repository(client: InvokeAIClient) -> None:
    keys = [m.key for m in client.dnn_model_repo.list_models()]
    assert [m.key for m in client.list_models()] == keys
    assert client.list_models(base_model="no-such-base") == []
    with pytest.raises(ValueError, match="no-such-key"):
        client.get_model_info("no-such-key")
