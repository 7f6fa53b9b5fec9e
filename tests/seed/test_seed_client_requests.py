"""The seed client's raw requests (``_make_request``, ``client.session``) and ``health_check``,
on a real server: every keyword requests takes that is supported reaches the server, any
other is refused, and only an unreachable server is "not healthy"."""

from __future__ import annotations

import io
import json
import pathlib
import sys
import uuid
from collections.abc import Iterator

import pytest
from PIL import Image

from ivk_runtime.errors import AuthError, HTTPStatusError
from ivk_runtime.seed import InvokeAIClient

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "runtime"))
from fault_proxy import Fault, FaultProxy  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient.from_url(invokeai_url) as c:
        yield c


@pytest.fixture
def board_id(client: InvokeAIClient) -> Iterator[str]:
    made = client.boards.create(f"ivk-req-{uuid.uuid4().hex[:8]}")
    yield made.board_id
    client.boards.delete(made.board_id)


@pytest.fixture
def proxy(invokeai_url: str) -> Iterator[FaultProxy]:
    p = FaultProxy(invokeai_url)
    yield p
    p.close()


def test_session_sends_data_and_headers(client: InvokeAIClient, board_id: str) -> None:
    url = f"{client.base_url}/boards/{board_id}"
    body = json.dumps({"board_name": "ivk-req-renamed"})
    answer = client.session.patch(url, data=body, headers={"Content-Type": "application/json"})
    assert answer.status_code in (200, 201)
    assert client.boards.get(board_id).board_name == "ivk-req-renamed"  # the body arrived
    # the header arrived too: declared as text, the same body is not the JSON the server wants
    refused = client.session.patch(url, data=body, headers={"Content-Type": "text/plain"})
    assert refused.status_code == 422


def test_make_request_sends_form_fields_beside_files(client: InvokeAIClient) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (3, 2, 1)).save(buf, "PNG")
    answer = client._make_request(
        "POST",
        "/images/upload",
        params={"image_category": "user", "is_intermediate": "false"},
        files={"file": ("probe.png", buf.getvalue(), "image/png")},
        data={"metadata": json.dumps({"ivk_probe": 7})},
    )
    name = answer.json()["image_name"]
    try:
        assert client._make_request("GET", f"/images/i/{name}/metadata").json() == {"ivk_probe": 7}
    finally:
        client._make_request("DELETE", f"/images/i/{name}")


@pytest.mark.parametrize("keyword", ["allow_redirects", "cookies", "verify", "stream"])
def test_unsupported_keywords_are_refused_by_name(client: InvokeAIClient, keyword: str) -> None:
    with pytest.raises(TypeError, match=keyword):
        client.session.get(f"{client.base_url}/app/version", **{keyword: True})
    with pytest.raises(TypeError, match=keyword):
        client._make_request("GET", "/app/version", **{keyword: True})
    with pytest.raises(TypeError, match=keyword):
        client._make_request_v2("GET", "/models/", **{keyword: True})


def test_health_check_true_and_false_only_when_unreachable(
    client: InvokeAIClient, proxy: FaultProxy
) -> None:
    assert client.health_check() is True
    with InvokeAIClient.from_url(proxy.url, timeout=5) as through:
        assert through.health_check() is True
        proxy.close()  # nobody answers any more
        assert through.health_check() is False


def test_health_check_raises_a_refused_key(proxy: FaultProxy) -> None:
    proxy.rule = lambda method, path: Fault(status=401) if path.endswith("/app/version") else None
    with InvokeAIClient.from_url(proxy.url, api_key="wrong", timeout=5) as c:
        with pytest.raises(AuthError) as raised:
            c.health_check()
    assert raised.value.status == 401 and raised.value.token_sent


def test_health_check_raises_an_answer_that_is_not_the_servers(proxy: FaultProxy) -> None:
    # a 200 that is not InvokeAI's JSON (a captive portal, a proxy's page)
    proxy.rule = lambda method, path: Fault(status=200) if path.endswith("/app/version") else None
    with InvokeAIClient.from_url(proxy.url, timeout=5) as c:
        with pytest.raises(HTTPStatusError, match="not JSON"):
            c.health_check()
