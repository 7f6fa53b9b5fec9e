"""The Dask recipe on two real servers: a LocalCluster of two worker processes runs generated
dataclass instances (pickled, or as to_dict data) and gives back JSON-safe results, each for
its own inputs."""

from __future__ import annotations

import json
from types import ModuleType

import pytest

from recipe_checks import check_results, distinct_params

pytestmark = pytest.mark.server

RUNS = 12


def test_a_local_cluster_fans_runs_out_over_two_servers(
    blur_module: ModuleType, invokeai_url: str, second_invokeai_url: str
) -> None:
    from distributed import Client, LocalCluster

    from dask_recipe import InvokeAIServers, run_from_data, run_workflow

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
        # the same runs handed over as JSON data (to_dict), rebuilt on the workers
        data = [json.loads(json.dumps(p.to_dict())) for p in params[: RUNS // 2]]
        cls = type(params[0])
        from_data = dask.gather(dask.map(run_from_data, [cls] * len(data), data, pure=False))
    check_results(params, results, urls)
    check_results(params[: RUNS // 2], from_data, urls)
