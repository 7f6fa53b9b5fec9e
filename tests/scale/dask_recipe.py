"""Runs of generated workflows fanned out over a Dask cluster (the README's recipe, tested).

Each worker makes its own pool of the servers from the URL list when it starts (a pool holds
sockets and threads: it does not pickle; the URLs do), and closes it when it stops. Each run
goes to the server with the shortest queue, counting the other workers' runs there, and moves
to another server if its own stops answering. A task takes one generated dataclass instance
(pickled with its module's name, as any user class) and returns JSON-safe data: what the run
made and which server made it.
"""

from __future__ import annotations

from typing import Any

from distributed import Worker, WorkerPlugin, get_worker

import ivk_runtime
from ivk_runtime.generated import GeneratedWorkflow
from run_summary import summarize


class InvokeAIServers(WorkerPlugin):
    """Each worker's pool, built once from the URL list (``client.register_plugin``)."""

    name = "invokeai"

    def __init__(self, urls: list[str]) -> None:
        self.urls = list(urls)
        self.pool: ivk_runtime.InvokeAIPool | None = None

    def setup(self, worker: Worker) -> None:
        self.pool = ivk_runtime.InvokeAIPool(self.urls)

    def teardown(self, worker: Worker) -> None:
        if self.pool is not None:
            self.pool.close()


def run_workflow(params: GeneratedWorkflow, timeout: float = 300) -> dict[str, Any]:
    """Run one value set on this worker's pool; what came of it, as JSON-safe data."""
    plugin = get_worker().plugins[InvokeAIServers.name]
    assert isinstance(plugin, InvokeAIServers) and plugin.pool is not None
    return summarize(params, params.run(plugin.pool, timeout=timeout))


def run_from_data(cls: type[GeneratedWorkflow], data: dict[str, Any]) -> dict[str, Any]:
    """The same from JSON data (a message, a data frame's row): ``cls.from_dict`` validates it
    on the worker as strictly as the constructor would."""
    return run_workflow(cls.from_dict(data))
