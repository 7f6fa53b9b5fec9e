"""The generator's library reader meets answers no InvokeAI gives (an httpx.MockTransport plays
the server): not JSON, wrong shapes, huge pages, paging that never ends, a library that changes
while it is paged. Each is one clear error naming the server, never a traceback or a hang. And
the header record: read back exactly, never from past the header, credentials never kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ivk_codegen.library_client import PAGE_LIMIT, LibraryError, LibraryReader
from ivk_codegen.library_source import LibrarySource, parse_header, public_url

URL = "http://library.test:9090"


def reader(handler: Callable[[httpx.Request], httpx.Response]) -> LibraryReader:
    return LibraryReader(URL, transport=httpx.MockTransport(handler))


def page_of(
    items: list[dict[str, Any]], page: int = 0, pages: int = 1, total: int | None = None
) -> dict[str, Any]:
    return {"page": page, "pages": pages, "per_page": 100, "total": len(items) if total is None else total,
            "items": items}  # fmt: skip


def item(n: int) -> dict[str, Any]:
    return {
        "workflow_id": f"id-{n}",
        "name": f"wf {n}",
        "category": "user",
        "updated_at": "2026-01-01",
    }


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"<html>proxy error</html>", "not valid JSON"),
        (b"[1, 2]", "not a page of workflows"),
        (json.dumps({"items": "x", "pages": 1, "total": 1}).encode(), "items (an array)"),
        (
            json.dumps({"items": [], "pages": True, "total": 0}).encode(),
            "pages and total (integers)",
        ),
        (
            json.dumps(page_of([{"workflow_id": 3, "name": "a"}])).encode(),
            "item 0 is not a workflow",
        ),
        (
            json.dumps(page_of([{"workflow_id": "", "name": "a"}])).encode(),
            "item 0 is not a workflow",
        ),
        (json.dumps(page_of([], pages=10**9)).encode(), "at most 10000 pages"),
        (b'{"items": [], "pages": 1, "total": NaN}', "not a JSON value"),
    ],
)
def test_a_bad_listing_is_one_clear_error(body: bytes, needle: str) -> None:
    with (
        reader(lambda r: httpx.Response(200, content=body)) as lib,
        pytest.raises(LibraryError) as err,
    ):
        lib.list_all()
    assert needle in str(err.value) and URL in str(err.value) and "\n" not in str(err.value)


def test_a_huge_page_is_refused_while_it_arrives() -> None:
    sent = []

    def stream() -> Any:
        for _ in range(PAGE_LIMIT // 65536 + 10):
            sent.append(1)
            yield b" " * 65536

    with (
        reader(lambda r: httpx.Response(200, content=stream())) as lib,
        pytest.raises(LibraryError) as err,
    ):
        lib.list_all()
    assert "over 16 MiB" in str(err.value)
    assert len(sent) <= PAGE_LIMIT // 65536 + 2  # stopped reading, not read whole


def test_a_declared_huge_answer_is_refused_unread() -> None:
    headers = {"content-length": str(PAGE_LIMIT + 1)}
    with reader(lambda r: httpx.Response(200, headers=headers, content=b"{}")) as lib:
        with pytest.raises(LibraryError, match="over 16 MiB"):
            lib.list_all()


def test_a_server_that_ignores_the_page_is_caught() -> None:
    answer = page_of([item(1), item(2)], pages=5000, total=10000)
    with (
        reader(lambda r: httpx.Response(200, json=answer)) as lib,
        pytest.raises(LibraryError) as err,
    ):
        lib.list_all()
    assert "does not page" in str(err.value)


def test_pages_are_read_to_the_end_each_workflow_once() -> None:
    names = [item(n) for n in range(5)]

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        assert request.url.params["per_page"] == "100" and "categories" not in request.url.params
        return httpx.Response(200, json=page_of(names[page * 2 : page * 2 + 2], page, 3, 5))

    with reader(handler) as lib:
        items, stable = lib.list_all()
    assert [i.workflow_id for i in items] == [f"id-{n}" for n in range(5)] and stable


def test_a_library_that_keeps_changing_is_said_so() -> None:
    count = iter(range(1000))

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        return httpx.Response(200, json=page_of([item(page)], page, 2, 10 + next(count)))

    with reader(handler) as lib:
        items, stable = lib.list_all()
    assert not stable and {i.workflow_id for i in items} == {"id-0", "id-1"}


@pytest.mark.parametrize(
    ("answer", "needle"),
    [
        ({"workflow_id": "w", "name": "n"}, "workflow (an object)"),
        ({"workflow_id": "other", "name": "n", "workflow": {}}, "another workflow_id"),
        ({"workflow_id": "w", "name": 5, "workflow": {}}, "its name is not a string"),
        ([], "workflow (an object)"),
    ],
)
def test_a_bad_workflow_answer_is_one_clear_error(answer: Any, needle: str) -> None:
    with (
        reader(lambda r: httpx.Response(200, json=answer)) as lib,
        pytest.raises(LibraryError) as err,
    ):
        lib.get("w")
    assert needle in str(err.value)


def test_statuses_say_what_to_do() -> None:
    with reader(lambda r: httpx.Response(404, json={"detail": "Workflow not found"})) as lib:
        assert lib.get("gone") is None
        with pytest.raises(LibraryError, match="no workflow library there"):
            lib.list_all()
    with reader(lambda r: httpx.Response(401)) as lib, pytest.raises(LibraryError, match="--token"):
        lib.list_all()


def test_an_id_is_one_path_segment() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path)
        return httpx.Response(404)

    with reader(handler) as lib:
        assert lib.get("../../queue/x?y") is None
    assert seen == [b"/api/v1/workflows/i/..%2F..%2Fqueue%2Fx%3Fy"]


def test_the_header_is_read_back_exactly_and_only_from_the_header() -> None:
    source = LibrarySource("http://h:1", 'id"\n', 'a "name"\\ \x00\u2028', "")
    lines = [f"# {label}: {json.dumps(value)}" for label, value in source.fields()]
    header = parse_header(
        "\n".join(lines) + "\n# Content hash: sha256:" + "ab" * 32 + '\n"""doc"""\n'
    )
    assert header.library == source and header.content_hash == "ab" * 32
    late = '"""doc"""\n# Library server: "http://evil"\n# Library workflow id: "x"\n'
    assert parse_header(late).library is None  # a comment in the body is no record
    assert (
        parse_header('# Library server: __import__("os")\n# Library workflow id: "x"\n').library
        is None
    )


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("http://user:pa%40ss@host:9090/", "http://host:9090"),
        ("https://token@host/invoke", "https://host/invoke"),
        ("http://127.0.0.1:9090", "http://127.0.0.1:9090"),
    ],
)
def test_credentials_are_never_recorded(given: str, kept: str) -> None:
    assert public_url(given) == kept


def test_a_schema_error_names_the_server_without_its_password() -> None:
    import socket

    from ivk_codegen.schema_source import load_schema
    from ivk_runtime.errors import SchemaError

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SchemaError) as refused:
        load_schema(server=f"http://zorro:s3cret@127.0.0.1:{port}/")
    assert f"http://127.0.0.1:{port}/openapi.json" in str(refused.value)
    assert "s3cret" not in str(refused.value) and "zorro" not in str(refused.value)
