"""The Dask recipe on two real servers: a LocalCluster of two worker processes runs generated
dataclass instances (pickled) and gives back JSON-safe results, each for its own inputs."""

from __future__ import annotations

import io
import json
from types import ModuleType
from typing import Any

import pytest
from PIL import Image

from ivk_runtime import InvokeAIClient

pytestmark = pytest.mark.server

RUNS = 12


def distinct_params(module: ModuleType, runs: int) -> list[Any]:
    """Value sets whose output sizes all differ, so a result given to the wrong inputs shows."""
    return [
        module.BlurImage(width=16 + 3 * i, height=40 - i, noise_seed=i, blur_radius=1.0)
        for i in range(runs)
    ]


def check_results(params: list[Any], results: list[dict[str, Any]], urls: list[str]) -> None:
    """Every result is JSON, belongs to its own inputs, and names an image that its server, and
    only its server, holds at the size those inputs asked for; both servers ran some."""
    assert len(results) == len(params), "a run was lost"
    assert json.loads(json.dumps(results)) == results
    clients = {url: InvokeAIClient(url) for url in urls}
    try:
        for p, result in zip(params, results):
            assert result["inputs"] == p.to_dict()
            assert result["status"] == "completed"
            assert result["server"] in urls
            (image,) = result["images"]
            assert (image["width"], image["height"]) == (p.width, p.height)
            for url, client in clients.items():
                found = client.images.find(image["name"])
                assert (found is not None) == (url == result["server"]), (image, url)
            data = clients[result["server"]].images.download(image["name"])
            assert Image.open(io.BytesIO(data)).size == (p.width, p.height)
    finally:
        for client in clients.values():
            client.close()
    assert len({r["images"][0]["name"] for r in results}) == len(results)
    assert len({(r["server"], r["item_id"]) for r in results}) == len(results)
    assert {r["server"] for r in results} == set(urls), "a server ran nothing"


def test_a_local_cluster_fans_runs_out_over_two_servers(
    blur_module: ModuleType, invokeai_url: str, second_invokeai_url: str
) -> None:
    from distributed import Client, LocalCluster

    from dask_recipe import InvokeAIServers, run_workflow

    urls = [invokeai_url, second_invokeai_url]
    params = distinct_params(blur_module, RUNS)
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",  # its HTTP server on loopback, any free port
        ) as cluster,
        Client(cluster) as dask,
    ):
        dask.register_plugin(InvokeAIServers(urls))
        futures = dask.map(run_workflow, params, pure=False)
        results = dask.gather(futures)
    check_results(params, results, urls)
