"""Runs of generated workflows fanned out with Ray (the README's recipe, tested): one actor per
server, each holding its own client (made in the actor's process: clients do not pickle), and
``ray.util.ActorPool`` giving the next run to whichever actor is free, so a slower server
takes fewer. A call takes one generated dataclass instance (pickled) and returns JSON-safe data.
"""

from __future__ import annotations

from typing import Any

import ray

import ivk_runtime
from ivk_runtime.generated import GeneratedWorkflow
from run_summary import summarize


@ray.remote
class InvokeAIServer:
    def __init__(self, url: str) -> None:
        self.client = ivk_runtime.InvokeAIClient(url)

    def run(self, params: GeneratedWorkflow, timeout: float = 300) -> dict[str, Any]:
        return summarize(params, params.run(self.client, timeout=timeout))


def run_all(urls: list[str], params: list[GeneratedWorkflow]) -> list[dict[str, Any]]:
    """Every value set run once, the results in the order given."""
    servers = ray.util.ActorPool([InvokeAIServer.remote(url) for url in urls])
    return list(servers.map(lambda actor, p: actor.run.remote(p), params))
