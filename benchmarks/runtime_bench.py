"""Client overhead of ivk_runtime against a real InvokeAI server.

    python benchmarks/runtime_bench.py [URL]

URL defaults to $INVOKEAI_URL; with neither, the benchmark starts a fresh throwaway server
(scripts/invokeai-server.sh) and stops it at the end. A fresh server matters: InvokeAI counts
the whole queue for every status event it sends, so the floor grows with the queue's history
(about 7 ms on an empty queue here, about 13 ms after 1,600 finished items).

Prints, side by side:
  * overhead per run = client wall time - the server's own created->completed time, p50/p90,
    waiting on socket.io events (websocket, long-polling) vs polling the queue item, and the
    bytes read per run while waiting;
  * the floor, measured the same way: a prebuilt request body POSTed as bytes and a websocket
    session that only reads, so the part of the overhead that the server sets is on record.
    Each column runs in two alternating blocks, with no other session on the server;
  * 32 runs with different values: one batch vs one at a time (wall ratio), and the batch's
    wall time vs the server's busy time (first started -> last completed).
Goals: websocket overhead p50 within 1 ms of the floor, for the client's own httpx client and
for one passed in, reading no more bytes a run while waiting than the floor's bare reader; the
32-run batch within 5% of the server's busy time.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any, cast

import httpx

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Ping, Request, TextMessage

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.events import (
    SOCKET_PATH,
    EventTransport,
    ProgressEvent,
    SocketProtocol,
)
from ivk_runtime.client.results import RunResult
from ivk_runtime.workflow import Workflow, load_workflow

REPO = pathlib.Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("IVK_BENCH_RUNS", "40"))  # 20 left the medians a ms apart run to run
BATCH = int(os.environ.get("IVK_BENCH_BATCH", "32"))
# The bytes a run's events take depend on the server (its item ids' digits among them): the
# floor reads the same events, so it sets the mark; the slack covers ids of other lengths.
BYTES_SLACK = 1.005


def bench_workflow() -> Workflow:
    """blank_image(width, height) -> save_image, no cache: the smallest run that saves an image."""
    return load_workflow(pathlib.Path(__file__).with_name("blank_to_save.json"))


class Meter:
    """Counts the bytes a client reads, and what its enqueue answers weigh (not 'waiting')."""

    def __init__(self, client: InvokeAIClient) -> None:
        self.client = client
        self.enqueue_bytes = 0
        original = client._conn.send

        def send(call: Any) -> Any:
            response = original(call)
            if call.path.endswith("/enqueue_batch"):
                self.enqueue_bytes += len(response.content)
            return response

        client._conn.send = send  # type: ignore[method-assign]

    def total(self) -> int:
        return self.client._conn.bytes_read + self.client._events.state.bytes_read


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


class Phases:
    """Where one run's overhead goes, on the server's clock (UTC, same host): before the item
    exists (build + POST until the row is inserted), completed -> the client knowing it (event
    or poll), and the final fetch of the item with its results."""

    def __init__(self) -> None:
        self.before_created: list[float] = []
        self.notice_lag: list[float] = []
        self.final_fetch: list[float] = []
        self.client_cpu: list[float] = []  # this process's CPU time for the whole run


class BareWebSocket:
    """The least a websocket reader can do: wsproto over a blocking socket, read in this thread
    (no background reader, no queue), pings answered inline."""

    def __init__(self, url: str, timeout: float) -> None:
        parsed = httpx.URL(url)
        self.sock = socket.create_connection((parsed.host, parsed.port or 80), timeout)
        self.ws = WSConnection(ConnectionType.CLIENT)
        target = parsed.raw_path.decode()
        self.sock.sendall(self.ws.send(Request(host=parsed.host, target=target)))
        self.pending: list[str] = []
        self.bytes_read = 0
        while not self._pump(timeout, accept=True):
            pass

    def _pump(self, timeout: float, accept: bool = False) -> bool:
        self.sock.settimeout(timeout)
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the websocket")
        self.bytes_read += len(data)
        self.ws.receive_data(data)
        accepted = False
        for event in self.ws.events():
            if isinstance(event, AcceptConnection):
                accepted = True
            elif isinstance(event, TextMessage):
                self.pending.append(str(event.data))
            elif isinstance(event, Ping):
                self.sock.sendall(self.ws.send(event.response()))
        return accepted or not accept

    def send(self, packets: list[str]) -> None:
        for packet in packets:
            self.sock.sendall(self.ws.send(TextMessage(data=packet)))

    def receive(self, timeout: float) -> list[str]:
        if not self.pending:
            self._pump(timeout)
        out, self.pending = self.pending, []
        return out

    def close(self) -> None:
        self.sock.close()


class BareRun:
    """The floor: what any client must spend. The request body is prebuilt bytes (only the
    batch id and a width change), sent with one plain POST; a websocket session that does
    nothing but read notices the completed event."""

    def __init__(self, url: str, body: dict[str, Any]) -> None:
        self.url = url
        self.body = body
        self.http = httpx.Client(headers={"Accept-Encoding": "identity"})
        self.proto = SocketProtocol("default")
        self.ws = BareWebSocket(url + SOCKET_PATH + "?EIO=4&transport=websocket", 10.0)
        while not self.proto.ready:
            self.ws.send(self.proto.take_outbox())
            self.proto.feed(self.ws.receive(10.0))
        self.overheads: list[float] = []
        self.before_created: list[float] = []
        self.notice_lag: list[float] = []
        self.waited: list[float] = []  # bytes read while waiting, per run

    def run(self, width: int, fetch_between: bool) -> None:
        batch = self.body["batch"]
        batch["batch_id"] = str(uuid.uuid4())
        batch["graph"]["nodes"]["blank"]["width"] = width
        raw = json.dumps(self.body).encode()
        headers = {"Content-Type": "application/json"}
        t0, c0, b0 = time.perf_counter(), utcnow(), self.ws.bytes_read
        answer = self.http.post(
            f"{self.url}/api/v1/queue/default/enqueue_batch",
            content=raw,
            headers=headers,
        )
        item_id = answer.json()["item_ids"][0]
        while True:
            for event in self.proto.feed(self.ws.receive(30.0)):
                data = event.data
                if (
                    event.name == "queue_item_status_changed"
                    and data.get("item_id") == item_id
                ):
                    if data.get("status") in ("completed", "failed", "canceled"):
                        wall, c1 = time.perf_counter() - t0, utcnow()
                        # The event carries the item's times: no request after the run, as
                        # the client makes none.
                        created = datetime.datetime.fromisoformat(data["created_at"])
                        completed = datetime.datetime.fromisoformat(
                            data["completed_at"]
                        )
                        self.overheads.append(
                            wall - (completed - created).total_seconds()
                        )
                        self.before_created.append((created - c0).total_seconds())
                        self.notice_lag.append((c1 - completed).total_seconds())
                        self.waited.append(float(self.ws.bytes_read - b0))
                        if fetch_between:
                            self.http.get(
                                f"{self.url}/api/v1/queue/default/i/{item_id}"
                            )
                        return
            self.ws.send(self.proto.take_outbox())

    def close(self) -> None:
        self.ws.close()
        self.http.close()


def one_by_one(
    meter: Meter,
    wf: Workflow,
    n: int,
    offset: int,
    phases: Phases | None = None,
    fetch_between: bool = False,
) -> tuple[list[float], list[float], float]:
    """(overheads s, bytes read while waiting per run, total wall s) for n sequential runs."""
    client = meter.client
    overheads: list[float] = []
    waited: list[float] = []
    start = time.perf_counter()
    for i in range(n):
        before, before_enqueue = meter.total(), meter.enqueue_bytes
        noticed: list[datetime.datetime] = []

        def progress(event: ProgressEvent) -> None:
            if event.kind == "status" and event.status == "completed":
                noticed.append(utcnow())

        t0, c0, cpu0 = time.perf_counter(), utcnow(), time.process_time()
        result = client.run(wf, {0: 8 + offset + i, 1: 8}, progress=progress)
        wall, c1, cpu = time.perf_counter() - t0, utcnow(), time.process_time() - cpu0
        assert result.duration is not None and result.images[0].width == 8 + offset + i
        overheads.append(wall - result.duration)
        waited.append(
            float(meter.total() - before - (meter.enqueue_bytes - before_enqueue))
        )
        if phases is not None and noticed and result.created_at and result.completed_at:
            phases.before_created.append((result.created_at - c0).total_seconds())
            phases.notice_lag.append((noticed[0] - result.completed_at).total_seconds())
            phases.final_fetch.append((c1 - noticed[0]).total_seconds())
            phases.client_cpu.append(cpu)
        if fetch_between:  # untimed, as a user reading the results would
            client.get_queue_item(result.item_id)
    return overheads, waited, time.perf_counter() - start


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def busy_time(results: list[RunResult]) -> float:
    starts = [r.started_at for r in results if r.started_at]
    ends = [r.completed_at for r in results if r.completed_at]
    return (max(ends) - min(starts)).total_seconds()


def main(argv: list[str]) -> int:
    url = (argv[1] if len(argv) > 1 else os.environ.get("INVOKEAI_URL", "")).rstrip("/")
    if len(argv) > 2 or (url and not url.startswith(("http://", "https://"))):
        print(__doc__)
        return 2
    if url:
        return measure(url)
    with fresh_server() as started:
        return measure(started)


@contextlib.contextmanager
def fresh_server() -> Iterator[str]:
    script = ["bash", str(REPO / "scripts" / "invokeai-server.sh")]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        env = {**os.environ, "IVK_PORT": str(s.getsockname()[1])}
    out = subprocess.run(
        [*script, "start"], env=env, stdout=subprocess.PIPE, text=True, check=True
    ).stdout
    try:
        yield dict(line.split("=", 1) for line in out.splitlines() if "=" in line)[
            "INVOKEAI_URL"
        ]
    finally:
        subprocess.run([*script, "stop"], env=env, check=False)


def measure(url: str) -> int:
    wf = bench_workflow()
    with InvokeAIClient(url, events="off") as probe:
        status = httpx.get(f"{url}/api/v1/queue/default/status").json()
        history = sum(status["queue"][k] for k in ("completed", "failed", "canceled"))
        body = enqueue_body(probe, wf)
    # Each column in two alternating blocks, so that all see the same server, with one session
    # on the server at a time (each more one makes the server send every event once more).
    # Two patterns: a GET of the finished item between runs (untimed), as a user reading the
    # results does; and back to back, where the server's own work after a run (stats, logging)
    # lands in the next run's time, for the floor as for the clients.
    patterns = {"item read between runs": True, "back to back": False}
    # "injected": the websocket through an httpx.Client the user passes in.
    columns = ("websocket", "injected", "polling", "off", "floor")
    overs: dict[tuple[str, str], list[float]] = {
        (c, p): [] for c in columns for p in patterns
    }
    phases = {c: Phases() for c in columns}
    waited: dict[str, list[float]] = {c: [] for c in columns}
    for block in range(2):
        for pattern, between in patterns.items():
            for k, column in enumerate(columns):
                offset = 100 * k + 50 * block + (25 if between else 0)
                if column == "floor":
                    bare = BareRun(url, body)
                    bare.run(8, between)
                    for i in range(RUNS // 2):
                        bare.run(offset + i, between)
                    bare.close()
                    overs[column, pattern] += bare.overheads[1:]
                    waited[column] += bare.waited[1:]
                    if between:
                        phases[column].before_created += bare.before_created[1:]
                        phases[column].notice_lag += bare.notice_lag[1:]
                    continue
                injected = httpx.Client() if column == "injected" else None
                mode = cast(EventTransport, "auto" if injected else column)
                with InvokeAIClient(url, events=mode, http_client=injected) as client:
                    client.run(
                        wf, {0: 8, 1: 8}
                    )  # warm up: schema, connections, session
                    want = {"off": None, "auto": "websocket"}.get(mode, mode)
                    assert client._events.transport == want
                    o, w, _ = one_by_one(
                        Meter(client),
                        wf,
                        RUNS // 2,
                        offset,
                        phases[column] if between else None,
                        fetch_between=between,
                    )
                    overs[column, pattern] += o
                    waited[column] += w
                if injected is not None:
                    injected.close()

    with InvokeAIClient(url) as client:
        client.run(wf, {0: 8, 1: 8})
        values = [{0: 16 + i, 1: 8} for i in range(BATCH)]
        t0 = time.perf_counter()
        batch = client.run_many(wf, values)
        batch_wall = time.perf_counter() - t0
        assert [r.images[0].width for r in batch] == [v[0] for v in values]
        assert len({r.batch_id for r in batch}) == 1
        busy = busy_time(batch)
        _, _, single_wall = one_by_one(Meter(client), wf, BATCH, 300)

    ms: Callable[[float], str] = lambda s: f"{s * 1000:.1f} ms"
    print(
        f"InvokeAI at {url}, {RUNS} runs a cell (blank_image -> save_image, no cache)\n"
    )
    print("overhead = client wall time - the server's created->completed time")
    heads = ("websocket", "injected", "long-poll", "item poll", "floor")
    print(f"{'':38}" + "".join(f"{h:>11}" for h in heads))

    def row(label: str, cells: list[str]) -> None:
        print(f"{label:38}" + "".join(f"{c:>11}" for c in cells))

    for pattern in patterns:
        print(pattern)
        cells = [overs[c, pattern] for c in columns]
        row("  overhead per run, p50", [ms(statistics.median(o)) for o in cells])
        row("  overhead per run, p90", [ms(pct(o, 0.9)) for o in cells])
    row(
        "bytes read per run while waiting",
        [f"{statistics.median(waited[c]):,.0f}" for c in columns],
    )
    print("where the time goes (p50, item read between runs, on the server's clock):")
    for label, attr in (
        ("build + POST until the item exists", "before_created"),
        ("completed -> client notices", "notice_lag"),
        ("notice -> result returned", "final_fetch"),
        ("client CPU time (all of run)", "client_cpu"),
    ):
        got = [getattr(phases[c], attr) for c in columns]
        row(f"  {label}", [ms(statistics.median(g)) if g else "-" for g in got])
    print(f"\n{BATCH} runs with different values:")
    print(f"  one batch        {batch_wall:7.2f} s")
    print(
        f"  one at a time    {single_wall:7.2f} s"
        f"   (batch / one-at-a-time = {batch_wall / single_wall:.3f})"
    )
    print(
        f"  server busy      {busy:7.2f} s"
        f"   (batch / server busy = {batch_wall / busy:.3f}, goal <= 1.05)"
    )
    print(
        "\nfloor: what any client spends: a prebuilt request body POSTed as bytes, and a"
        "\nwebsocket session that only reads. Each cell's runs in two alternating blocks, with"
        "\none session on the server at a time."
    )
    first = next(iter(patterns))
    floor = statistics.median(overs["floor", first])
    floor_bytes = statistics.median(waited["floor"])
    for column in ("websocket", "injected"):
        p50 = statistics.median(overs[column, first])
        nbytes = statistics.median(waited[column])
        met = p50 - floor <= 0.001 and nbytes <= floor_bytes * BYTES_SLACK
        print(
            f"goal ({column}, {first}): p50 within 1 ms of the floor, and bytes read no more "
            f"than the floor's: {'met' if met else 'NOT met'} ({ms(p50)} vs {ms(floor)}; "
            f"{nbytes:,.0f} vs {floor_bytes:,.0f} bytes)"
        )
    return 0


def enqueue_body(client: InvokeAIClient, wf: Workflow) -> dict[str, Any]:
    """The body the client sends for one run (captured from a real run)."""
    bodies: list[Any] = []
    original = client._conn.send

    def send(call: Any) -> Any:
        if call.path.endswith("/enqueue_batch"):
            bodies.append(copy.deepcopy(call.json_body))
        return original(call)

    client._conn.send = send  # type: ignore[method-assign]
    try:
        client.run(wf, {0: 8, 1: 8})
    finally:
        del client._conn.send
    return dict(bodies[0])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
