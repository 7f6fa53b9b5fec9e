"""Throughput of a pool of two InvokeAI servers, against one server and the machine's ceiling.

    python benchmarks/pool_bench.py [URL_A URL_B]

With no URLs the benchmark starts two fresh throwaway servers (scripts/invokeai-server.sh) and
stops them at the end; then it also prunes their finished queue items between blocks (InvokeAI
counts the whole queue for every status event, so a growing history would slow later blocks).
Servers given by URL are never pruned.

Prints, in one run, with the model-free blur workflow (generated_examples/blur_image.py,
small images), RUNS (64) runs in each column, ROUNDS (2) alternating blocks of each:
  * one server: the 64 as one batch on one client (server A, then B in the next round);
  * pool: the same 64 through InvokeAIPool([A, B]), as one run_many;
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

import ivk_runtime
from ivk_runtime import InvokeAIClient, RunResult

REPO = pathlib.Path(__file__).resolve().parents[1]
RUNS = int(os.environ.get("IVK_BENCH_RUNS", "64"))
ROUNDS = int(os.environ.get("IVK_BENCH_ROUNDS", "2"))
GOAL = 0.95  # the pool's ratio at least this share of the ceiling's
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


def server_of(result: RunResult) -> str:
    return str(getattr(result.owner, "base_url", "?"))


def measure(urls: list[str], *, prune: bool) -> int:
    blur = blur_module().BlurImage
    clients = [InvokeAIClient(url, timeout=60) for url in urls]
    pool = pool_of(urls)
    walls: dict[str, list[float]] = {"one server": [], "pool": [], "ceiling": []}
    spread: dict[str, int] = {}
    try:
        # Warm up (schema, connections, event sessions): each client once, the pool as many
        # runs as it has servers.
        for client in clients:
            blur(width=16, height=16).run(client, timeout=TIMEOUT)
        if pool is not None:
            blur.run_many(pool, [blur(width=16, height=16)] * len(urls), timeout=TIMEOUT)
        with concurrent.futures.ThreadPoolExecutor(len(clients)) as threads:
            for round_ in range(ROUNDS):
                params = [
                    blur(width=16 + i % 24, height=16 + round_, noise_seed=i) for i in range(RUNS)
                ]
                halves = [params[k :: len(clients)] for k in range(len(clients))]

                def one_server() -> list[RunResult]:
                    return blur.run_many(clients[round_ % len(clients)], params, timeout=TIMEOUT)

                def ceiling() -> list[RunResult]:
                    futures = [
                        threads.submit(blur.run_many, c, half, timeout=TIMEOUT)
                        for c, half in zip(clients, halves)
                    ]
                    done = [f.result() for f in futures]
                    # back in the order of params: halves[k] holds params[k::n]
                    n = len(done)
                    return [done[i % n][i // n] for i in range(len(params))]

                def pooled() -> list[RunResult]:
                    return blur.run_many(pool, params, timeout=TIMEOUT)

                columns: list[tuple[str, Callable[[], list[RunResult]]]] = [
                    ("one server", one_server),
                    ("ceiling", ceiling),
                ]
                if pool is not None:
                    columns.append(("pool", pooled))
                for column, work in columns:
                    if prune:
                        for client in clients:
                            client.queue.prune()
                    wall, results = timed(work)
                    check(params, results, column)
                    walls[column].append(wall)
                    if column == "pool":
                        for r in results:
                            spread[server_of(r)] = spread.get(server_of(r), 0) + 1
    finally:
        if pool is not None:
            pool.close()
        for client in clients:
            client.close()
    report(urls, walls, spread)
    return 0


def pool_of(urls: list[str]) -> Any:
    """InvokeAIPool(urls), or None while ivk_runtime has none."""
    try:
        pool_class = getattr(ivk_runtime, "InvokeAIPool")
    except (AttributeError, ImportError):
        return None
    return pool_class(urls)


def report(urls: list[str], walls: dict[str, list[float]], spread: dict[str, int]) -> None:
    print(f"InvokeAI at {', '.join(urls)}; blur workflow, {RUNS} runs a block, {ROUNDS} rounds\n")
    base = RUNS * ROUNDS / sum(walls["one server"])
    print(f"{'':12}{'wall per block (s)':>28}{'runs/s':>10}{'vs one server':>15}")
    ratios = {}
    for column in ("one server", "pool", "ceiling"):
        if not walls[column]:
            print(f"{column:12}{'(no InvokeAIPool in ivk_runtime yet)':>28}")
            continue
        rate = RUNS * len(walls[column]) / sum(walls[column])
        ratios[column] = rate / base
        blocks = " ".join(f"{w:6.2f}" for w in walls[column])
        print(f"{column:12}{blocks:>28}{rate:10.2f}{ratios[column]:14.3f}x")
    if spread:
        print("\npool's runs per server: " + ", ".join(f"{u} {n}" for u, n in spread.items()))
    print(
        "\nceiling: the two servers driven on their own at the same time (two clients in two"
        f"\nthreads, {RUNS // 2} runs each); on 2 cores they share the CPU."
    )
    if "pool" in ratios:
        share = ratios["pool"] / ratios["ceiling"]
        met = share >= GOAL
        print(
            f"goal: the pool within 5% of the ceiling: {'met' if met else 'NOT met'} "
            f"({ratios['pool']:.3f}x vs {ratios['ceiling']:.3f}x, {share:.1%} of it)"
        )
    else:
        print("goal: the pool within 5% of the ceiling: not measured (no pool)")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
