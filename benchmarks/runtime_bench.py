"""Client overhead of ivk_runtime against a real InvokeAI server.

    python benchmarks/runtime_bench.py [URL]      (default: $INVOKEAI_URL)

Prints, side by side:
  * overhead per run = client wall time - the server's own created->completed time, p50/p90,
    waiting on socket.io events vs polling, and the bytes read per run while waiting;
  * the floor: a bare listener (a separate process whose socket.io session only reads) timing
    the same completed events, so the part of the overhead the server sets is on record;
  * 32 runs with different values: one batch vs one at a time (wall ratio), and the batch's
    wall time vs the server's busy time (first started -> last completed).
Goals: overhead <= 10 ms p50; the 32-run batch within 5% of the server's busy time.
"""

from __future__ import annotations

import datetime
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import httpx

from ivk_runtime.client import InvokeAIClient
from ivk_runtime.events import SOCKET_PATH, ProgressEvent, SocketProtocol, StreamLost
from ivk_runtime.results import RunResult
from ivk_runtime.workflow import Workflow, parse_workflow

RUNS = int(os.environ.get("IVK_BENCH_RUNS", "20"))
BATCH = int(os.environ.get("IVK_BENCH_BATCH", "32"))


def bench_workflow() -> Workflow:
    """blank_image(width, height) -> save_image, no cache: the smallest run that saves an image."""

    def node(
        node_id: str, node_type: str, version: str, inputs: dict[str, Any], x: float
    ) -> dict[str, Any]:
        return {
            "id": node_id,
            "type": "invocation",
            "position": {"x": x, "y": 0.0},
            "data": {
                "id": node_id,
                "type": node_type,
                "version": version,
                "label": "",
                "notes": "",
                "isOpen": True,
                "isIntermediate": node_id != "save",
                "useCache": False,
                "nodePack": "invokeai",
                "inputs": {
                    k: {"name": k, "label": "", "description": "", "value": v}
                    for k, v in inputs.items()
                },
            },
        }

    form_fields = [("blank", "width"), ("blank", "height")]
    elements: dict[str, Any] = {
        "root": {"id": "root", "type": "container", "data": {"layout": "column", "children": []}}
    }
    for i, (node_id, field) in enumerate(form_fields):
        eid = f"node-field-{i}"
        elements[eid] = {
            "id": eid,
            "type": "node-field",
            "parentId": "root",
            "data": {
                "fieldIdentifier": {"nodeId": node_id, "fieldName": field},
                "showDescription": False,
            },
        }
        elements["root"]["data"]["children"].append(eid)
    data = {
        "name": "ivk-bench",
        "author": "",
        "description": "",
        "version": "1.0.0",
        "contact": "",
        "tags": "",
        "notes": "",
        "exposedFields": [],
        "meta": {"category": "user", "version": "3.0.0"},
        "nodes": [
            node(
                "blank",
                "blank_image",
                "1.2.2",
                {
                    "width": 8,
                    "height": 8,
                    "mode": "RGB",
                    "color": {"r": 9, "g": 9, "b": 9, "a": 255},
                },
                0.0,
            ),
            node("save", "save_image", "1.2.2", {"board": "none", "image": None}, 300.0),
        ],
        "edges": [
            {
                "id": "e1",
                "type": "default",
                "source": "blank",
                "sourceHandle": "image",
                "target": "save",
                "targetHandle": "image",
            }
        ],
        "form": {"elements": elements, "rootElementId": "root"},
    }
    return parse_workflow(data, "ivk-bench.json")


class Meter:
    """Counts the bytes a client reads, and what its enqueue answers weigh (not 'waiting')."""

    def __init__(self, client: InvokeAIClient) -> None:
        self.client = client
        self.enqueue_bytes = 0
        original = client._send

        def send(call: Any) -> Any:
            response = original(call)
            if call.path.endswith("/enqueue_batch"):
                self.enqueue_bytes += len(response.content)
            return response

        client._send = send  # type: ignore[method-assign]

    def total(self) -> int:
        return self.client._bytes_read + self.client._events.state.bytes_read


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
        self.bare_lag: list[float] = []  # the same completed event at the bare listener
        self.floor: list[float] = []  # before_created + bare_lag, per run
        self.final_fetch: list[float] = []
        self.client_cpu: list[float] = []  # this process's CPU time for the whole run


def bare_listener(url: str, out: str) -> int:
    """Child process: one socket.io session that does nothing but read; for each completed
    event, "item_id arrival" (UTC, same clock as the server) on its own line."""
    proto = SocketProtocol("default")
    ready = False
    with httpx.Client(headers={"Accept-Encoding": "identity"}) as http, open(out, "w") as f:
        while True:
            exchange = proto.next_exchange()
            try:
                response = http.request(
                    exchange.method,
                    url.rstrip("/") + SOCKET_PATH,
                    params=exchange.params,
                    content=exchange.body.encode() if exchange.body is not None else None,
                    timeout=proto.poll_timeout,
                )
                now = utcnow()
                events = proto.receive(exchange, response.status_code, response.text)
            except (httpx.TransportError, StreamLost) as exc:
                # Seen here: the server resets a polling connection now and then. A new
                # session; runs that complete meanwhile just have no floor sample.
                print(f"bare listener: {exc!r}; new session", file=sys.stderr)
                proto = SocketProtocol("default")
                continue
            for event in events:
                if event.name == "queue_item_status_changed":
                    if event.data.get("status") == "completed":
                        f.write(f"{event.data.get('item_id')} {now.isoformat()}\n")
            if proto.ready and not ready:
                ready = True
                f.write("ready\n")
            f.flush()


class BareListener:
    def __init__(self, url: str) -> None:
        self.path = pathlib.Path(tempfile.mkstemp(prefix="ivk-bench-")[1])
        argv = [sys.executable, __file__, "--bare-listener", url, str(self.path)]
        self.proc = subprocess.Popen(argv)
        deadline = time.monotonic() + 30
        while "ready" not in self.path.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)

    def arrivals(self) -> dict[int, datetime.datetime]:
        out = {}
        for line in self.path.read_text().splitlines():
            if line != "ready":
                item, at = line.split()
                out[int(item)] = datetime.datetime.fromisoformat(at)
        return out

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait()
        self.path.unlink(missing_ok=True)


def one_by_one(
    client: InvokeAIClient,
    wf: Workflow,
    n: int,
    offset: int,
    phases: Phases | None = None,
    bare: BareListener | None = None,
) -> tuple[list[float], list[float], float]:
    """(overheads s, bytes read while waiting per run, total wall s) for n sequential runs."""
    meter = Meter(client)
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
        waited.append(float(meter.total() - before - (meter.enqueue_bytes - before_enqueue)))
        if phases is not None and noticed and result.created_at and result.completed_at:
            phases.before_created.append((result.created_at - c0).total_seconds())
            phases.notice_lag.append((noticed[0] - result.completed_at).total_seconds())
            phases.final_fetch.append((c1 - noticed[0]).total_seconds())
            phases.client_cpu.append(cpu)
            if bare is not None:
                time.sleep(0.01)  # the listener writes what it saw
                at = bare.arrivals().get(result.item_id)
                if at is not None:
                    phases.bare_lag.append((at - result.completed_at).total_seconds())
                    phases.floor.append(phases.before_created[-1] + phases.bare_lag[-1])
    return overheads, waited, time.perf_counter() - start


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def busy_time(results: list[RunResult]) -> float:
    starts = [r.started_at for r in results if r.started_at]
    ends = [r.completed_at for r in results if r.completed_at]
    return (max(ends) - min(starts)).total_seconds()


def main(argv: list[str]) -> int:
    url = (argv[1] if len(argv) > 1 else os.environ.get("INVOKEAI_URL", "")).rstrip("/")
    if not url:
        print(__doc__)
        return 2
    wf = bench_workflow()
    bare = BareListener(url)
    with InvokeAIClient(url) as events_client, InvokeAIClient(url) as polling_client:
        polling_client._events.state.enabled = False
        for c in (events_client, polling_client):  # warm up: schema, connections, event session
            c.run(wf, {0: 8, 1: 8})

        ev_phases, po_phases = Phases(), Phases()
        ev_over, ev_bytes, _ = one_by_one(events_client, wf, RUNS, 0, ev_phases, bare)
        po_over, po_bytes, _ = one_by_one(polling_client, wf, RUNS, 100, po_phases, bare)
        bare.close()

        values = [{0: 16 + i, 1: 8} for i in range(BATCH)]
        t0 = time.perf_counter()
        batch = events_client.run_many(wf, values)
        batch_wall = time.perf_counter() - t0
        assert [r.images[0].width for r in batch] == [v[0] for v in values]
        assert len({r.batch_id for r in batch}) == 1
        busy = busy_time(batch)
        _, _, single_wall = one_by_one(events_client, wf, BATCH, 200)

    ms: Callable[[float], str] = lambda s: f"{s * 1000:7.1f} ms"
    print(f"InvokeAI at {url}, {RUNS} runs each (blank_image -> save_image, no cache)\n")
    print(f"{'':34}{'events':>12}{'polling':>12}")
    print(
        f"{'overhead per run, p50':34}{ms(statistics.median(ev_over)):>12}{ms(statistics.median(po_over)):>12}"
    )
    print(f"{'overhead per run, p90':34}{ms(pct(ev_over, 0.9)):>12}{ms(pct(po_over, 0.9)):>12}")
    print(
        f"{'bytes read per run while waiting':34}{statistics.median(ev_bytes):>12,.0f}"
        f"{statistics.median(po_bytes):>12,.0f}"
    )
    print("  of which (p50, on the server's clock):")
    for label, attr in (
        ("build + POST until the item exists", "before_created"),
        ("completed -> client notices", "notice_lag"),
        ("completed -> bare listener", "bare_lag"),
        ("notice -> result returned", "final_fetch"),
        ("client CPU time (all of run)", "client_cpu"),
    ):
        a, b = getattr(ev_phases, attr), getattr(po_phases, attr)
        left = ms(statistics.median(a)) if a else "-"
        right = ms(statistics.median(b)) if b else "-"
        print(f"    {label:30}{left:>12}{right:>12}")
    print(f"\n{BATCH} runs with different values:")
    print(f"  one batch        {batch_wall:7.2f} s")
    print(
        f"  one at a time    {single_wall:7.2f} s   (batch / one-at-a-time = {batch_wall / single_wall:.3f})"
    )
    print(
        f"  server busy      {busy:7.2f} s   (batch / server busy = {batch_wall / busy:.3f}, goal <= 1.05)"
    )
    if ev_phases.floor:
        floor = ev_phases.floor
        print(
            f"\nfloor (build + POST until the item exists, + completed -> bare listener): "
            f"p50 {ms(statistics.median(floor)).strip()}, p90 {ms(pct(floor, 0.9)).strip()}"
        )
    goal = statistics.median(ev_over) <= 0.010
    print(f"\noverhead goal (<= 10 ms p50, events): {'met' if goal else 'NOT met'}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bare-listener":
        sys.exit(bare_listener(sys.argv[2], sys.argv[3]))
    sys.exit(main(sys.argv))
