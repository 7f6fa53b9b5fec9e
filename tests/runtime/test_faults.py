"""Fault handling, offline, with httpx.MockTransport: refused connections, 5xx on reads (retried)
and on enqueue (never retried), slow answers, and an event stream that fails or drops."""

from __future__ import annotations

import copy
import json
import pathlib
import sys
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from ivk_runtime.api import call, queue
from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import (
    EnqueueValidationError,
    HTTPStatusError,
    RequestTimeout,
    RunFailed,
    RunTimeout,
    ServerUnreachable,
)

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from wfbuild import blur_chain  # noqa: E402

SHARED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "invokeai"
URL = "http://invoke.test"


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(call, "RETRY_DELAYS", (0.0, 0.0, 0.0))


def item(status: str, item_id: int = 1) -> dict[str, Any]:
    path = SHARED / "captures" / "queue_item_completed.json"
    if not path.exists():
        pytest.skip("shared captures not available")
    data = json.loads(path.read_text())
    data = copy.deepcopy(data)
    data.update(item_id=item_id, status=status)
    if status == "failed":
        data.update(
            error_type="ZeroDivisionError", error_message="division by zero", error_traceback="tb"
        )
    return dict(data)


class FakeServer:
    """Routes of an InvokeAI server, enough for enqueue + wait; counts every request."""

    def __init__(self, statuses: list[str], socket: str = "ok", outputs: bool = False) -> None:
        self.statuses = list(statuses)  # what successive GETs of item 1 answer
        self.socket = socket  # "ok", "down" (500), "drop" (session lost after connecting)
        self.outputs = outputs  # polls also carry each node's invocation_complete
        self.calls: Counter[str] = Counter()
        self.enqueue_status = 200
        self.polls = 0
        self.version_failures = 0
        self._sid_state = "new"

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        key = f"{request.method} {path}"
        self.calls[key] += 1
        if path == "/api/v1/app/version":
            if self.version_failures:
                self.version_failures -= 1
                return httpx.Response(503, text="busy")
            return httpx.Response(200, json={"version": "6.14.2"})
        if path == "/openapi.json":
            openapi = SHARED / "openapi" / "invokeai-6.14.2.json"
            if not openapi.exists():
                pytest.skip("shared OpenAPI dump not available")
            return httpx.Response(200, content=openapi.read_bytes())
        if path.endswith("/enqueue_batch"):
            if self.enqueue_status == 422:
                detail = [
                    {
                        "loc": ["body", "batch", "graph", "nodes", "blur", "img_blur", "radius"],
                        "msg": "Input should be greater than or equal to 0",
                        "input": -5,
                    }
                ]
                return httpx.Response(422, json={"detail": detail})
            if self.enqueue_status != 200:
                return httpx.Response(self.enqueue_status, text="boom")
            body = json.loads(request.content)
            return httpx.Response(
                200,
                json={
                    "queue_id": "default",
                    "enqueued": 1,
                    "requested": 1,
                    "batch": {"batch_id": "B", **body["batch"]},
                    "priority": 0,
                    "item_ids": [1],
                },
            )
        if path == "/api/v1/queue/default/i/1":
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            return httpx.Response(200, json=item(status))
        if path == "/ws/socket.io/":
            return self._socket(request)
        return httpx.Response(404, json={"detail": "Not Found"})

    def _socket(self, request: httpx.Request) -> httpx.Response:
        if self.socket == "down":
            return httpx.Response(500, text="Internal Server Error")
        sid = request.url.params.get("sid")
        if sid is None:
            self._sid_state = "opened"
            return httpx.Response(
                200, text='0{"sid":"S","upgrades":[],"pingInterval":25000,"pingTimeout":20000}'
            )
        if request.method == "POST":
            body = request.content.decode()
            if body.startswith("40"):
                self._sid_state = "connect"
            elif body.startswith("421"):
                self._sid_state = "ack"
            return httpx.Response(200, text="ok")
        if self._sid_state == "connect":
            self._sid_state = "connected"
            return httpx.Response(200, text='40{"sid":"N"}')
        if self._sid_state == "ack":
            self._sid_state = "ready"
            return httpx.Response(200, text="431[]")
        if self.socket == "drop":
            return httpx.Response(400, text='"Invalid session"')
        self.polls += 1
        packets = self._completions() if self.outputs else []
        status = {"queue_id": "default", "item_id": 1, "status": "completed"}
        packets.append(json.dumps(["queue_item_status_changed", status]))
        return httpx.Response(200, text="\x1e".join(f"42{p}" for p in packets))

    def _completions(self) -> list[str]:
        session = item("completed")["session"]
        return [
            json.dumps(
                [
                    "invocation_complete",
                    {
                        "queue_id": "default",
                        "item_id": 1,
                        "invocation_source_id": source,
                        "invocation": session["execution_graph"]["nodes"][prepared],
                        "result": session["results"][prepared],
                    },
                ]
            )
            for source in session["executed_history"]
            for prepared in session["source_prepared_mapping"][source]
        ]


def sync_client(server: Callable[[httpx.Request], httpx.Response], **kw: Any) -> InvokeAIClient:
    return InvokeAIClient(URL, transport=httpx.MockTransport(server), **kw)


def async_client(
    server: Callable[[httpx.Request], httpx.Response], **kw: Any
) -> AsyncInvokeAIClient:
    return AsyncInvokeAIClient(URL, transport=httpx.MockTransport(server), **kw)


def refuse(request: httpx.Request) -> httpx.Response:
    refuse.count += 1  # type: ignore[attr-defined]
    raise httpx.ConnectError("[Errno 111] Connection refused", request=request)


def test_connection_refused_is_server_unreachable_after_retrying_reads() -> None:
    refuse.count = 0  # type: ignore[attr-defined]
    with sync_client(refuse) as client, pytest.raises(ServerUnreachable) as info:
        client.version()
    assert refuse.count == 1 + len(call.RETRY_DELAYS)
    assert info.value.url == URL and "curl http://invoke.test/api/v1/app/version" in str(info.value)


async def test_async_connection_refused() -> None:
    async with async_client(refuse) as client:
        with pytest.raises(ServerUnreachable):
            await client.list_models()


def test_5xx_on_get_is_retried() -> None:
    server = FakeServer(["completed"])
    server.version_failures = 2
    with sync_client(server) as client:
        assert client.version() == "6.14.2"
    assert server.calls["GET /api/v1/app/version"] == 3
    server.version_failures = 10
    with sync_client(server) as client, pytest.raises(HTTPStatusError) as info:
        client.version()
    assert info.value.status == 503


@pytest.mark.parametrize("status", [500, 502])
def test_5xx_on_enqueue_is_not_retried(status: int) -> None:
    server = FakeServer(["completed"])
    server.enqueue_status = status
    with sync_client(server) as client, pytest.raises(HTTPStatusError) as info:
        client.run(blur_chain(), {0: 10})
    assert info.value.status == status
    assert server.calls["POST /api/v1/queue/default/enqueue_batch"] == 1


async def test_async_5xx_on_enqueue_is_not_retried() -> None:
    server = FakeServer(["completed"])
    server.enqueue_status = 503
    async with async_client(server) as client:
        with pytest.raises(HTTPStatusError):
            await client.enqueue(blur_chain(), [{0: 10}])
    assert server.calls["POST /api/v1/queue/default/enqueue_batch"] == 1


def test_422_names_the_form_input() -> None:
    server = FakeServer(["completed"])
    server.enqueue_status = 422
    with sync_client(server) as client, pytest.raises(EnqueueValidationError) as info:
        client.enqueue(blur_chain(), [{2: -5}], attribute_names={2: "radius"})
    (problem,) = info.value.problems
    assert (problem.input_index, problem.attribute, problem.node_id, problem.field) == (
        2,
        "radius",
        "blur",
        "radius",
    )


def test_slow_answer_is_a_timeout_and_not_repeated() -> None:
    calls = Counter[str]()

    def slow(request: httpx.Request) -> httpx.Response:
        calls[request.url.path] += 1
        raise httpx.ReadTimeout("timed out", request=request)

    with sync_client(slow, timeout=0.5) as client, pytest.raises(RequestTimeout):
        client.get_queue_item(1)
    assert calls["/api/v1/queue/default/i/1"] == 1


def test_events_drive_the_wait() -> None:
    server = FakeServer(["completed"])
    seen: list[str] = []
    with sync_client(server) as client:
        result = client.run(
            blur_chain(), {0: 10}, progress=lambda e: seen.append(f"{e.kind}:{e.status}")
        )
    assert result.status == "completed" and result.images[0].node_id == "save"
    # subscribed before enqueueing, so only the final fetch: no status polling
    assert server.calls["GET /api/v1/queue/default/i/1"] == 1
    assert seen == ["status:completed"]


def test_results_from_events_need_no_fetch_until_asked() -> None:
    server = FakeServer(["completed"], outputs=True)
    with sync_client(server) as client:
        result = client.run(blur_chain(), {0: 10})
        assert result.status == "completed" and [i.node_id for i in result.images] == ["save"]
        assert server.calls["GET /api/v1/queue/default/i/1"] == 0  # every node reported
        assert result.queue_item["session"]["id"] == item("completed")["session"]["id"]
        assert server.calls["GET /api/v1/queue/default/i/1"] == 1  # fetched once, on demand
        assert "field_values" in result and server.calls["GET /api/v1/queue/default/i/1"] == 1


async def test_async_results_from_events_need_no_fetch() -> None:
    server = FakeServer(["completed"], outputs=True)
    async with async_client(server) as client:
        result = await client.run(blur_chain(), {0: 10})
        assert result.images and server.calls["GET /api/v1/queue/default/i/1"] == 0
        assert (await result.aqueue_item())["status"] == "completed"


@pytest.mark.parametrize("mode", ["down", "drop"])
def test_event_stream_failure_falls_back_to_polling(mode: str) -> None:
    server = FakeServer(["pending", "in_progress", "in_progress", "completed"], socket=mode)
    seen: list[str | None] = []
    with sync_client(server) as client:
        result = client.wait(1, timeout=10, progress=lambda e: seen.append(e.status))
    assert result.status == "completed"
    assert server.calls["GET /api/v1/queue/default/i/1"] == 4
    assert seen == ["pending", "in_progress", "completed"]


async def test_async_event_stream_failure_falls_back_to_polling() -> None:
    server = FakeServer(["pending", "in_progress", "completed"], socket="down")
    async with async_client(server) as client:
        result = await client.wait(1, timeout=10)
    assert result.status == "completed"


async def test_async_events_drive_the_wait() -> None:
    server = FakeServer(["pending", "completed"])
    async with async_client(server) as client:
        result = await client.wait(1, timeout=10)
    assert result.status == "completed"
    assert server.calls["GET /api/v1/queue/default/i/1"] == 2  # the check after subscribing + final


def test_wait_times_out_with_the_last_status() -> None:
    server = FakeServer(["in_progress"], socket="down")
    with sync_client(server) as client, pytest.raises(RunTimeout) as info:
        client.wait(1, timeout=0.3)
    assert info.value.last_status == "in_progress" and info.value.item_id == 1


def test_failed_item_raises_run_failed_with_the_servers_error() -> None:
    server = FakeServer(["failed"], socket="down")
    with sync_client(server) as client, pytest.raises(RunFailed) as info:
        client.wait(1, timeout=5)
    assert (info.value.error_type, info.value.error_message, info.value.error_traceback) == (
        "ZeroDivisionError",
        "division by zero",
        "tb",
    )


def test_token_is_sent_as_bearer() -> None:
    seen: list[str | None] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("authorization"))
        assert request.headers.get("accept-encoding") == "identity"
        return httpx.Response(200, json={"version": "x"})

    with sync_client(server, token="secret") as client:
        client.version()
    assert seen == ["Bearer secret"]


# --- an enqueue POST that gets no answer: ask the queue, never enqueue twice -------------------

Q = "/api/v1/queue/default"
POST_ENQUEUE = f"POST {Q}/enqueue_batch"


class LossyServer(FakeServer):
    """A FakeServer whose first enqueue POST gets no answer (raises ``lose``); with ``lands`` the
    server had enqueued it anyway (as item 1). Answers the routes the client asks afterwards."""

    def __init__(self, lose: type[httpx.TransportError], *, lands: bool = False) -> None:
        super().__init__(["completed"])
        self.lose = lose
        self.lands = lands
        self.status_down = False
        self.batches: dict[str, list[int]] = {"other": [9, 8, 5]}  # other users' batches

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == f"{Q}/enqueue_batch" and self.calls[POST_ENQUEUE] == 0:
            self.calls[POST_ENQUEUE] += 1
            if self.lands:
                self.batches[json.loads(request.content)["batch"]["batch_id"]] = [1]
            raise self.lose("Server disconnected without sending a response.", request=request)
        if path.startswith(f"{Q}/b/") and path.endswith("/status"):
            self.calls["GET batch status"] += 1
            if self.status_down:
                raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
            batch_id = path.split("/")[-2]
            total = len(self.batches.get(batch_id, []))
            body = {"queue_id": "default", "batch_id": batch_id, "pending": total, "total": total}
            return httpx.Response(200, json=body)
        if path == f"{Q}/cancel_by_batch_ids":
            self.calls["PUT cancel batches"] += 1
            return httpx.Response(200, json={"canceled": 0})
        if path == f"{Q}/item_ids":
            ids = sorted((i for ids in self.batches.values() for i in ids), reverse=True)
            return httpx.Response(200, json={"item_ids": ids, "total_count": len(ids)})
        if path == f"{Q}/item_summaries_by_ids":
            self.calls["POST summaries"] += 1
            owner = {i: b for b, ids in self.batches.items() for i in ids}
            wanted = json.loads(request.content)["item_ids"]
            summaries = [{"item_id": i, "batch_id": owner[i]} for i in wanted]
            return httpx.Response(200, json=summaries)
        return super().__call__(request)


@pytest.fixture(autouse=True)
def quick_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The grace period of a lost enqueue answer, without its pauses."""
    monkeypatch.setattr(queue, "LOST_ENQUEUE_LOOKS", (0.0, 0.0, 0.0))
    monkeypatch.setattr(queue, "RESEND_PAUSES", (0.0, 0.0))


def test_an_enqueue_that_never_left_is_sent_again() -> None:
    server = LossyServer(httpx.ConnectError)  # connection refused: the server never saw it
    with sync_client(server) as client:
        submission = client.enqueue(blur_chain(), [{0: 10}])
    assert submission.item_ids == [1]
    assert server.calls[POST_ENQUEUE] == 2 and server.calls["GET batch status"] == 0


async def test_async_an_enqueue_that_never_left_is_sent_again() -> None:
    server = LossyServer(httpx.ConnectError)
    async with async_client(server) as client:
        submission = await client.enqueue(blur_chain(), [{0: 10}])
    assert submission.item_ids == [1] and server.calls[POST_ENQUEUE] == 2


@pytest.mark.parametrize("lose", [httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError])
def test_a_lost_answer_is_never_sent_again_and_the_error_names_the_batch(
    lose: type[httpx.TransportError],
) -> None:
    # The request may still reach the server later: sending it again could run it twice.
    server = LossyServer(lose)
    with sync_client(server) as client, pytest.raises(ServerUnreachable) as info:
        client.enqueue(blur_chain(), [{0: 10}])
    assert server.calls[POST_ENQUEUE] == 1
    assert server.calls["GET batch status"] == len(queue.LOST_ENQUEUE_LOOKS)  # looked, in time
    assert server.calls["PUT cancel batches"] == 1  # should it land after all, it will not run
    (batch_id,) = info.value.batch_ids
    assert batch_id in str(info.value)


async def test_async_a_lost_answer_is_never_sent_again() -> None:
    server = LossyServer(httpx.RemoteProtocolError)
    async with async_client(server) as client:
        with pytest.raises(ServerUnreachable):
            await client.enqueue(blur_chain(), [{0: 10}])
    assert server.calls[POST_ENQUEUE] == 1


def test_a_lost_answer_whose_batch_shows_up_late_is_found() -> None:
    server = LossyServer(httpx.RemoteProtocolError)
    looks = 0
    original = server.__call__

    def late(request: httpx.Request) -> httpx.Response:
        nonlocal looks
        path = request.url.path
        if path.startswith(f"{Q}/b/") and path.endswith("/status"):
            looks += 1
            if looks == 3:  # the delayed request lands between the second and third look
                server.batches[path.split("/")[-2]] = [1]
        return original(request)

    with sync_client(late) as client:
        submission = client.enqueue(blur_chain(), [{0: 10}])
    assert submission.item_ids == [1] and server.calls[POST_ENQUEUE] == 1 and looks == 3


@pytest.mark.parametrize("lose", [httpx.RemoteProtocolError, httpx.ReadTimeout])
def test_lost_enqueue_already_on_the_queue_is_not_sent_again(
    lose: type[httpx.TransportError], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "SUMMARY_CHUNK", 2)  # the listing is read in chunks
    server = LossyServer(lose, lands=True)
    with sync_client(server) as client:
        result = client.run(blur_chain(), {0: 10})
    assert result.status == "completed"
    assert server.calls[POST_ENQUEUE] == 1 and server.calls["POST summaries"] == 2


async def test_async_lost_enqueue_already_on_the_queue_is_not_sent_again() -> None:
    server = LossyServer(httpx.ReadError, lands=True)
    async with async_client(server) as client:
        submission = await client.enqueue(blur_chain(), [{0: 10}])
        assert submission.item_ids == [1] and submission.batch_ids == [
            b for b in server.batches if b != "other"
        ]
    assert server.calls[POST_ENQUEUE] == 1


def test_lost_enqueue_with_the_queue_unreadable_is_server_unreachable() -> None:
    server = LossyServer(httpx.RemoteProtocolError)
    server.status_down = True
    with sync_client(server) as client, pytest.raises(ServerUnreachable):
        client.enqueue(blur_chain(), [{0: 10}])
    assert server.calls[POST_ENQUEUE] == 1
    # every look is a read, itself retried
    assert server.calls["GET batch status"] == len(queue.LOST_ENQUEUE_LOOKS) * (1 + len(call.RETRY_DELAYS))


async def test_async_lost_enqueue_with_the_queue_unreadable_is_server_unreachable() -> None:
    server = LossyServer(httpx.RemoteProtocolError)
    server.status_down = True
    async with async_client(server) as client:
        with pytest.raises(ServerUnreachable):
            await client.enqueue(blur_chain(), [{0: 10}])
    assert server.calls[POST_ENQUEUE] == 1


@pytest.mark.parametrize("use_async", [False, True])
async def test_timed_out_enqueue_not_on_the_queue_is_not_sent_again(use_async: bool) -> None:
    # The server may still be working on it: sending it again could enqueue it twice.
    server = LossyServer(httpx.ReadTimeout)
    with pytest.raises(RequestTimeout):
        if use_async:
            async with async_client(server) as aclient:
                await aclient.enqueue(blur_chain(), [{0: 10}])
        else:
            with sync_client(server) as client:
                client.enqueue(blur_chain(), [{0: 10}])
    assert server.calls[POST_ENQUEUE] == 1
    assert server.calls["GET batch status"] == len(queue.LOST_ENQUEUE_LOOKS)


def test_a_refused_enqueue_is_sent_at_most_as_often_as_resends_allow() -> None:
    server = LossyServer(httpx.ConnectError)
    original = server.__call__

    def always_refused(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"{Q}/enqueue_batch":
            server.calls[POST_ENQUEUE] += 1
            raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return original(request)

    with sync_client(always_refused) as client, pytest.raises(ServerUnreachable):
        client.enqueue(blur_chain(), [{0: 10}])
    assert server.calls[POST_ENQUEUE] == 1 + len(queue.RESEND_PAUSES)


def test_a_gateway_503_to_an_enqueue_is_looked_for_not_taken_as_a_failure() -> None:
    """A proxy answering 503 while the request still reaches InvokeAI: found on the queue."""
    server = LossyServer(httpx.RemoteProtocolError)
    original = server.__call__

    def gateway(request: httpx.Request) -> httpx.Response:
        if request.url.path == f"{Q}/enqueue_batch" and server.calls[POST_ENQUEUE] == 0:
            server.calls[POST_ENQUEUE] += 1
            server.batches[json.loads(request.content)["batch"]["batch_id"]] = [1]  # it landed
            return httpx.Response(503, text="upstream busy")
        return original(request)

    with sync_client(gateway) as client:
        submission = client.enqueue(blur_chain(), [{0: 10}])
    assert submission.item_ids == [1] and server.calls[POST_ENQUEUE] == 1
