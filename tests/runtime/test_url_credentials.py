"""A server URL with ``user:password@`` (a proxy's basic auth): the credentials reach the
connection only. A run's result, its Jupyter display, a pool's results and every error message
name the server without them. On a real server."""

from __future__ import annotations

import importlib.util
import pickle
import socket
import sys
import warnings
from pathlib import Path
from types import ModuleType

import pytest

from ivk_runtime import InvokeAIClient, InvokeAIPool, IvkError, PoolFailed, ServerUnreachable
from ivk_runtime.urls import public_url

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "zorro", "s3cret"


def _with_credentials(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{USER}:{PASSWORD}@{rest}"


def _leaks(text: str) -> bool:
    return USER in text or PASSWORD in text


@pytest.fixture(scope="module")
def blur_image() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "blur_image_credentials", ROOT / "generated_examples" / "blur_image.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the class finds its workflow JSON through its module
    spec.loader.exec_module(module)
    return module


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_public_url_drops_only_the_credentials() -> None:
    assert public_url("http://zorro:s3cret@host:9090/") == "http://host:9090"
    assert public_url(" https://zorro@host/base/ ") == "https://host/base"
    assert public_url("http://host:9090/api/v1/x?a=b") == "http://host:9090/api/v1/x?a=b"
    assert public_url("<schema>") == "<schema>"


def test_a_run_shows_the_server_without_credentials(
    invokeai_url: str, blur_image: ModuleType
) -> None:
    with InvokeAIClient(_with_credentials(invokeai_url)) as client:
        assert client.base_url == _with_credentials(invokeai_url)  # the connection keeps them
        result = blur_image.BlurImage(width=32, height=16).run(client, timeout=120)
        html = result._repr_html_()
        mapping = repr({key: result[key] for key in result})  # queue_item fetched here
        missing = None
        try:
            client.images.get("no-such-image.png")
        except IvkError as exc:
            missing = str(exc)
    assert result.ok
    assert result.server == invokeai_url and result["server"] == invokeai_url
    assert invokeai_url in mapping and not _leaks(mapping)
    assert invokeai_url in html and not _leaks(html)
    assert missing is not None and "no-such-image.png" in missing and not _leaks(missing)


def test_errors_name_the_server_without_credentials() -> None:
    url = f"http://{USER}:{PASSWORD}@127.0.0.1:{_closed_port()}"
    with InvokeAIClient(url, timeout=5) as client:
        with pytest.raises(ServerUnreachable) as caught:
            client.version()
    text = str(caught.value)
    assert "cannot reach the InvokeAI server at http://127.0.0.1:" in text, text
    assert not _leaks(text) and not _leaks(caught.value.url)


def test_a_pools_results_and_messages_name_the_server_without_credentials(
    invokeai_url: str, blur_image: ModuleType
) -> None:
    dead = f"http://{USER}:{PASSWORD}@127.0.0.1:{_closed_port()}"
    with InvokeAIPool([_with_credentials(invokeai_url)]) as pool:
        assert pool.urls == [invokeai_url]
        (result,) = blur_image.BlurImage.run_many(pool, [blur_image.BlurImage(width=16)])
        again = pickle.loads(pickle.dumps(pool))  # rebuilt elsewhere: with its credentials
        assert [m.connect_url for m in again.members] == [_with_credentials(invokeai_url)]
    assert result.ok and result.server == invokeai_url
    with InvokeAIPool([dead], timeout=5) as pool, warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        with pytest.raises(PoolFailed) as caught:
            blur_image.BlurImage.run_many(pool, [blur_image.BlurImage(width=16)], timeout=30)
    messages = [str(caught.value), *map(str, caught.value.errors), *(str(w.message) for w in said)]
    assert any("127.0.0.1" in m for m in messages), messages
    assert not any(_leaks(m) for m in messages), messages
