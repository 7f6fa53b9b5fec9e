"""The Ray recipe on two real servers: a local Ray instance (worker processes, not local mode)
runs generated dataclass instances (pickled) on one actor per server, and gives back
JSON-safe results, each for its own inputs."""

from __future__ import annotations

from types import ModuleType

import pytest

from recipe_checks import check_results, distinct_params

pytestmark = pytest.mark.server

RUNS = 12


def test_an_actor_per_server_fans_runs_out_over_two_servers(
    blur_module: ModuleType, invokeai_url: str, second_invokeai_url: str
) -> None:
    import ray

    from ray_recipe import run_all

    urls = [invokeai_url, second_invokeai_url]
    params = distinct_params(blur_module, RUNS)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _node_ip_address="127.0.0.1")
    try:
        results = run_all(urls, params)
    finally:
        ray.shutdown()
    check_results(params, results, urls)
