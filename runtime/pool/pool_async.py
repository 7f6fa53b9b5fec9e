"""A pool of InvokeAI servers that runs like one client: ``run`` and ``run_many`` as
``AsyncInvokeAIClient`` has them, each run on the server with the shortest queue."""

from __future__ import annotations

import functools
import types
from collections.abc import Mapping, Sequence
from typing import Any

from ..client.progress_display import progress_callback
from ..client.results import RunResult
from ..client.runner import Progress
from ..concurrency import IS_ASYNC
from ..graph.drift import Expectation
from ..workflow import Workflow
from .dispatch_async import AsyncPoolBatch
from .fanout import async_each
from .member_async import AsyncPoolMember

__all__ = ["AsyncInvokeAIPool"]

_NO_VALUES: Mapping[int, Any] = types.MappingProxyType({})


class AsyncInvokeAIPool:
    """Several InvokeAI servers as one runner; use it as a context manager.

    Building one makes no request (each server's client is made on first use). Before a
    batch's first run every server is checked for the workflow's nodes (a module's
    ``expects`` too): one that lacks them refuses the whole batch, before anything is
    enqueued anywhere. Each run then goes to the server with the shortest queue (its own
    queue status, plus this pool's runs there), at most ``per_server`` of ours at a time on
    each, so every server is fed as its runs finish. A server that stops answering has its
    unfinished runs canceled there where it still can, and sent to the others once; each
    result says where it ran (``server``, ``item_id``) and where it was before
    (``moved_from``).

    When the queue of every server still in the batch is paused and nothing runs there, the
    batch raises PoolFailed at once, naming those servers and each run's fate, rather than
    wait for a resume that may never come (the runs queued there stay, and run on resume).
    Enqueues run on their own: one that hangs (up to ``timeout``, then the client's looks for
    its batch) holds up only its own run, not the other servers or the batch's ``timeout``."""

    is_async = IS_ASYNC

    def __init__(
        self,
        urls: Sequence[str],
        *,
        token: str | None = None,
        timeout: float = 30.0,
        per_server: int = 8,
    ) -> None:
        """``token``: the servers' bearer token (default: $INVOKEAI_TOKEN); ``timeout``: each
        request's; ``per_server``: this pool's runs queued on one server at once. 8: a server
        answers slowly while it runs a node (an enqueue waits for the node), so a shallower
        queue runs dry between runs and the server idles (benchmarks/pool_bench.py: at 2 the
        pool reached 84% of two servers driven apart, at 8 all of it)."""
        if isinstance(urls, str):
            raise TypeError("InvokeAIPool takes a list of server URLs, not one string")
        cleaned = [str(u).rstrip("/") for u in urls]
        if not cleaned:
            raise ValueError("InvokeAIPool needs at least one server URL")
        twice = sorted({u for u in cleaned if cleaned.count(u) > 1})
        if twice:
            raise ValueError(f"InvokeAIPool lists a server more than once: {', '.join(twice)}")
        if per_server < 1:
            raise ValueError(f"per_server must be at least 1, not {per_server}")
        self.per_server = per_server
        self._token, self._timeout = token, timeout
        self.members = [AsyncPoolMember(u, token=token, timeout=timeout) for u in cleaned]

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its settings (a Dask or Ray task that takes a pool builds a fresh one
        where it runs: clients and their connections do not travel)."""
        make = functools.partial(
            type(self), token=self._token, timeout=self._timeout, per_server=self.per_server
        )
        return (make, ([m.connect_url for m in self.members],))  # with their credentials

    @property
    def urls(self) -> list[str]:
        return [m.url for m in self.members]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.urls!r})"

    async def __aenter__(self) -> AsyncInvokeAIPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for answer in await async_each([m.aclose for m in self.members]):
            if isinstance(answer, Exception):
                raise answer

    async def run(
        self,
        workflow: Workflow,
        values: Mapping[int, Any] = _NO_VALUES,
        *,
        attribute_names: Mapping[int, str] | None = None,
        timeout: float | None = None,
        progress: Progress = None,
        expects: Sequence[Expectation] = (),
    ) -> RunResult:
        """One run on the server with the shortest queue, and wait for it."""
        results = await self._run(workflow, [values], attribute_names, timeout, progress, expects)
        return results[0]

    async def run_many(
        self,
        workflow: Workflow,
        values_list: Sequence[Mapping[int, Any]],
        *,
        attribute_names: Mapping[int, str] | None = None,
        timeout: float | None = None,
        progress: Progress = None,
        expects: Sequence[Expectation] = (),
    ) -> list[RunResult]:
        """Every value set run once across the servers; the results in ``values_list`` order.
        ``timeout``: for the whole batch. Raises RunFailed / RunCanceled as a client does
        (with every result), PoolFailed when the batch cannot finish (naming each run's fate)."""
        return await self._run(workflow, values_list, attribute_names, timeout, progress, expects)

    async def _run(
        self,
        workflow: Workflow,
        values_list: Sequence[Mapping[int, Any]],
        attribute_names: Mapping[int, str] | None,
        timeout: float | None,
        progress: Progress,
        expects: Sequence[Expectation],
    ) -> list[RunResult]:
        if not values_list:
            raise ValueError("run_many needs at least one value set")
        batch = AsyncPoolBatch(
            self.members, workflow, values_list, attribute_names, expects, self.per_server
        )
        with progress_callback(progress, len(values_list)) as callback:
            return await batch.run(timeout, callback, bar=progress is True)
