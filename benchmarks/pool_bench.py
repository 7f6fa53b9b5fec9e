"""Throughput of a pool of two InvokeAI servers, against one server and the machine's ceiling.

    python benchmarks/pool_bench.py [URL_A URL_B]

With no URLs the benchmark starts two fresh throwaway servers (scripts/invokeai-server.sh) and
stops them at the end; then it also prunes their finished queue items between blocks (InvokeAI
counts the whole queue for every status event, so a growing history would slow later blocks).
Servers given by URL are never pruned.

Prints, in one run, with the model-free blur workflow (generated_examples/blur_image.py,
small images), RUNS (64) runs in each column, ROUNDS (2) alternating blocks of each:
  * one server: the 64 as one batch on one client (server A, then B in the next round);
  * pool: the same 64 through InvokeAIPool([A, B]), as one run_many, at its default
    per_server (8: at most that many of the pool's runs queued on one server at once);
  * pool, per_server=SHALLOW (2, the first default; IVK_BENCH_SHALLOW=0 leaves it out): a
    server answers its API slowly while it runs (the run holds the GIL), so an enqueue sent
    during a run lands when the run ends, and a pool that keeps few runs queued there lets the
    server's queue run dry between runs;
  * ceiling: each server driven on its own at the same time, two clients in two threads,
    32 runs each: what the two servers reach together. On 2 cores they share the CPU, so this
    is the machine's real ceiling, not 2x.
Throughput is runs / wall time; each ratio is against the one-server column. Goal: the pool's
ratio within 5% of the ceiling's.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib.util
import os
import pathlib
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

from ivk_runtime import InvokeAIPool
from ivk_runtime.client.results import RunResult
from ivk_runtime.client.sync_client import InvokeAIClient

REPO = pathlib.Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("IVK_BENCH_RUNS", "64"))
ROUNDS = int(os.environ.get("IVK_BENCH_ROUNDS", "2"))
GOAL = 0.95  # the pool's ratio at least this share of the ceiling's
# A second pool, shallower, to show what the default's depth is for (see the docstring)
SHALLOW = int(os.environ.get("IVK_BENCH_SHALLOW", "2"))
TIMEOUT = 600.0


def blur_module() -> ModuleType:
    path = REPO / "generated_examples" / "blur_image.py"
    spec = importlib.util.spec_from_file_location("pool_bench_blur_image", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the annotations through sys.modules
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    urls = [u.rstrip("/") for u in argv[1:]]
    if len(urls) not in (0, 2) or any(not u.startswith(("http://", "https://")) for u in urls):
        print(__doc__)
        return 2
    if urls:
        return measure(urls, prune=False)
    with fresh_servers(2) as started:
        return measure(started, prune=True)


@contextlib.contextmanager
def fresh_servers(count: int) -> Iterator[list[str]]:
    """Servers started side by side (each start takes 30-60 s), all stopped at the end."""
    script = ["bash", str(REPO / "scripts" / "invokeai-server.sh")]
    envs = [{**os.environ, "IVK_PORT": str(free_port())} for _ in range(count)]
    starts = [
        subprocess.Popen([*script, "start"], env=env, stdout=subprocess.PIPE, text=True)
        for env in envs
    ]
    try:
        outs = [start.communicate()[0] for start in starts]
        if any(start.returncode != 0 for start in starts):
            raise SystemExit("scripts/invokeai-server.sh start failed (its log is above)")
        yield [
            dict(line.split("=", 1) for line in out.splitlines() if "=" in line)["INVOKEAI_URL"]
            for out in outs
        ]
    finally:
        for start in starts:
            if start.poll() is None:  # interrupted mid-start: the script stops on SIGTERM
                start.terminate()
                start.wait()
        for env in envs:
            subprocess.run([*script, "stop"], env=env, check=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(work: Callable[[], list[RunResult]]) -> tuple[float, list[RunResult]]:
    t0 = time.perf_counter()
    results = work()
    return time.perf_counter() - t0, results


def check(params: Sequence[Any], results: list[RunResult], column: str) -> None:
    """Every run came back, completed, for its own inputs: a benchmark of lost runs is void."""
    if len(results) != len(params):
        raise SystemExit(f"{column}: {len(results)} results for {len(params)} runs")
    for p, r in zip(params, results):
        size = (r.images[0].width, r.images[0].height) if r.images else None
        if r.status != "completed" or size != (p.width, p.height):
            raise SystemExit(f"{column}: item {r.item_id} is {r.status}, {size} for {p}")


def measure(urls: list[str], *, prune: bool) -> int:
    blur: Any = blur_module().BlurImage  # loaded from its file: untyped here

    def run_many(runner: InvokeAIClient | InvokeAIPool, params: list[Any]) -> list[RunResult]:
        results: list[RunResult] = blur.run_many(runner, params, timeout=TIMEOUT)
        return results

    clients = [InvokeAIClient(url, timeout=60) for url in urls]
    pools = {"pool": InvokeAIPool(urls)}
    if SHALLOW:
        pools[f"pool, per_server={SHALLOW}"] = InvokeAIPool(urls, per_server=SHALLOW)
    walls: dict[str, list[float]] = {"one server": [], "ceiling": [], **{k: [] for k in pools}}
    spread: dict[str, dict[str, int]] = {k: {} for k in pools}
    load = os.getloadavg()[0]  # the machine is shared: the figures mean less under load
    try:
        # Warm up (schema, connections, event sessions): each client once, each pool as many
        # runs as it has servers.
        for client in clients:
            blur(width=16, height=16).run(client, timeout=TIMEOUT)
        for pool in pools.values():
            run_many(pool, [blur(width=16, height=16)] * len(urls))
        with concurrent.futures.ThreadPoolExecutor(len(clients)) as threads:
            for round_ in range(ROUNDS):
                params = [
                    blur(width=16 + i % 24, height=16 + round_, noise_seed=i) for i in range(RUNS)
                ]
                halves = [params[k :: len(clients)] for k in range(len(clients))]

                def one_server() -> list[RunResult]:
                    return run_many(clients[round_ % len(clients)], params)

                def ceiling() -> list[RunResult]:
                    futures = [
                        threads.submit(run_many, c, half) for c, half in zip(clients, halves)
                    ]
                    done = [f.result() for f in futures]
                    # back in the order of params: halves[k] holds params[k::n]
                    n = len(done)
                    return [done[i % n][i // n] for i in range(len(params))]

                def pooled(pool: InvokeAIPool) -> Callable[[], list[RunResult]]:
                    return lambda: run_many(pool, params)

                columns: list[tuple[str, Callable[[], list[RunResult]]]] = [
                    ("one server", one_server),
                    ("ceiling", ceiling),
                    *((name, pooled(pool)) for name, pool in pools.items()),
                ]
                # each round in another order, so that a load that drifts hits every column
                shift = round_ % len(columns)
                for column, work in columns[shift:] + columns[:shift]:
                    if prune:
                        for client in clients:
                            client.queue.prune()
                    wall, results = timed(work)
                    check(params, results, column)
                    walls[column].append(wall)
                    for r in results if column in spread else []:
                        where = str(r.server)
                        spread[column][where] = spread[column].get(where, 0) + 1
    finally:
        for pool in pools.values():
            pool.close()
        for client in clients:
            client.close()
    report(urls, walls, spread, load)
    return 0


def report(
    urls: list[str],
    walls: dict[str, list[float]],
    spread: dict[str, dict[str, int]],
    load: float,
) -> None:
    print(f"InvokeAI at {', '.join(urls)}; blur workflow, {RUNS} runs a block, {ROUNDS} rounds")
    print(f"load average (1 min) {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end\n")
    base = RUNS * ROUNDS / sum(walls["one server"])
    print(f"{'':22}{'wall per block (s)':>24}{'runs/s':>9}{'vs one server':>15}")
    ratios = {}
    for column, blocks in walls.items():
        rate = RUNS * len(blocks) / sum(blocks)
        ratios[column] = rate / base
        shown = " ".join(f"{w:6.2f}" for w in blocks)
        print(f"{column:22}{shown:>24}{rate:9.2f}{ratios[column]:14.3f}x")
    for column, counts in spread.items():
        print(f"{column}: runs per server " + ", ".join(f"{u} {n}" for u, n in counts.items()))
    print(
        "\nceiling: the two servers driven on their own at the same time (two clients in two"
        f"\nthreads, {RUNS // 2} runs each, one batch each); on 2 cores they share the CPU."
    )
    for column in spread:
        share = ratios[column] / ratios["ceiling"]
        print(
            f"goal ({column}): within 5% of the ceiling: "
            f"{'met' if share >= GOAL else 'NOT met'} "
            f"({ratios[column]:.3f}x vs {ratios['ceiling']:.3f}x, {share:.1%} of it)"
        )


if __name__ == "__main__":
    sys.exit(main(sys.argv))
