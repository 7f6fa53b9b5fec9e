"""The InvokeAI client: one server, one queue. Requests and answers come from ``api``, batch
planning from ``plan``, waiting from ``events``; this module ties them together.
"""

from __future__ import annotations

import os
import pathlib
import time
import types
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

import httpx

from ..api import app, boards, images, models, queue, videos
from ..api.connection_async import AsyncConnection
from ..api.call import Call, base_headers
from ..concurrency import IS_ASYNC, async_to_thread
from ..errors import IvkError
from ..events import EventTransport, ProgressEvent, Waiter, check_transport, event_nodes
from ..events.stream_async import AsyncEventStream
from ..events.wait_async import wait_async
from ..graph.drift import Expectation
from ..graph.schema_index import SchemaIndex
from ..workflow import Workflow
from .boards_async import AsyncBoards
from .enqueue_async import AsyncEnqueuer
from .images_async import AsyncImages
from .models_async import AsyncModels
from .queue_async import AsyncQueue
from .workflows_async import AsyncWorkflows
from .files import atomic_write, safe_filename, thumbnail_name
from .progress_display import progress_callback
from .plan import BatchPlan, RunnableMemo, form_maps
from .planning_async import make_plans
from .pil_uploads_async import AsyncPilUploads
from .results import RunResult, build_result, first_failure
from .runner import Progress
from .submission import Submission, make_submission

if TYPE_CHECKING:
    from ..seed.repos import BoardRepository, WorkflowRepository

__all__ = ["AsyncInvokeAIClient"]

_NO_VALUES: Mapping[int, Any] = types.MappingProxyType({})
_REMEMBERED = 4096  # submissions kept to map wait(item_id) back to its values


class AsyncInvokeAIClient:
    """A client for one InvokeAI server and queue; use it as a context manager."""

    is_async = IS_ASYNC

    def __init__(
        self,
        base_url: str = "http://localhost:9090",
        *,
        token: str | None = None,
        timeout: float = 30.0,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        queue_id: str = "default",
        events: EventTransport = "auto",
    ) -> None:
        """``token``: a multi-user server's bearer token (default: $INVOKEAI_TOKEN).
        ``events``: how to wait for runs. "auto" takes a websocket to the server's
        socket.io through this client's httpx client (``http_client=`` or ``transport=`` if
        given), and long-polling where the upgrade is refused or the transport cannot make one;
        "websocket" and "polling" insist; "off" polls each queue item."""
        self.base_url = base_url.rstrip("/")
        self.queue_id = queue_id
        self.timeout = timeout
        if token is None:  # as ivk-codegen --server reads it
            token = os.environ.get("INVOKEAI_TOKEN") or None
        headers = base_headers(token)
        self._owns_http = http_client is None
        http = http_client or httpx.AsyncClient(transport=transport, timeout=timeout)
        self._conn = AsyncConnection(self.base_url, http, headers, timeout)
        self._enqueuer = AsyncEnqueuer(self._conn, queue_id)
        # the server's areas as typed API (sync and async alike): client.boards.list(), ...
        self.boards = AsyncBoards(self._conn, queue_id)
        self.images = AsyncImages(self._conn, queue_id)
        self.models = AsyncModels(self._conn, queue_id)
        self.queue = AsyncQueue(self._conn, queue_id, self.wait)  # job.wait() is client.wait
        self.workflows = AsyncWorkflows(self._conn, queue_id)
        self._events = AsyncEventStream(
            http, self.base_url, headers, queue_id, token, min(timeout, 10.0), check_transport(events)
        )
        self._schema: SchemaIndex | None = None
        self._submissions: OrderedDict[int, Submission] = OrderedDict()
        self._runnable = RunnableMemo()  # workflows found runnable (and fitting) here
        self._pil = AsyncPilUploads(self._json)  # PIL image inputs: uploaded once per content
        self._repos: tuple[WorkflowRepository, BoardRepository] | None = None

    # --- lifecycle ---

    async def __aenter__(self) -> AsyncInvokeAIClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._events.aclose()
        if self._owns_http:
            await self._conn.http.aclose()

    # --- the seed client's entry points (ivk_runtime.seed), made on first use ---

    @property
    def workflow_repo(self) -> WorkflowRepository:
        return self._seed_repos()[0]

    @property
    def board_repo(self) -> BoardRepository:
        return self._seed_repos()[1]

    def _seed_repos(self) -> tuple[WorkflowRepository, BoardRepository]:
        if self._repos is None:
            from ..seed.repos import BoardRepository, WorkflowRepository

            self._repos = (WorkflowRepository(self), BoardRepository(self))
        return self._repos

    async def _json(self, call: Call) -> Any:  # plumbing
        return await self._conn.json(call)

    # --- server, boards, images, models ---

    async def version(self) -> str:
        return app.parse_version(await self._json(app.version_call()))

    async def schema(self) -> SchemaIndex:
        if self._schema is None:
            self._schema = SchemaIndex(
                await self._json(app.schema_call()), source=f"{self.base_url}/openapi.json"
            )
        return self._schema

    async def upload_image(
        self,
        path: str | pathlib.Path,
        *,
        board_id: str | None = None,
        is_intermediate: bool = False,
    ) -> dict[str, Any]:
        p = pathlib.Path(path)
        call = images.upload_call(
            p.name,
            await async_to_thread(p.read_bytes),
            board_id=board_id,
            is_intermediate=is_intermediate,
        )
        return dict(await self._json(call))

    async def list_boards(self, *, include_uncategorized: bool = False) -> list[dict[str, Any]]:
        listed = await self._json(boards.list_boards_call())
        names = await self.list_board_images("none") if include_uncategorized else None
        return boards.parse_boards(listed, names)

    async def create_board(self, name: str) -> dict[str, Any]:
        return dict(await self._json(boards.create_board_call(name)))

    async def delete_board(self, board_id: str) -> None:
        await self._json(boards.delete_board_call(board_id))

    async def list_board_images(self, board_id: str | None) -> list[str]:
        return boards.parse_image_names(await self._json(boards.board_images_call(board_id)))

    async def download_image(self, image_name: str, *, full_resolution: bool = True) -> bytes:
        return await self._conn.content(images.image_call(image_name, full_resolution=full_resolution))

    async def save_image(
        self, image_name: str, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> pathlib.Path:
        """Save an image (or its thumbnail, as ``<stem>.thumbnail.webp``) into ``directory``."""
        name = image_name if full_resolution else thumbnail_name(image_name)
        safe_filename(name)  # refused before the download, not after
        data = await self.download_image(image_name, full_resolution=full_resolution)
        return await async_to_thread(atomic_write, directory, name, data)

    async def upload_video(
        self, path: str | pathlib.Path, *, board_id: str | None = None, is_intermediate: bool = False
    ) -> dict[str, Any]:
        p = pathlib.Path(path)
        data = await async_to_thread(p.read_bytes)
        call = videos.upload_video_call(p.name, data, board_id=board_id, is_intermediate=is_intermediate)
        return dict(await self._json(call))

    async def download_video(self, video_name: str) -> bytes:
        return await self._conn.content(videos.video_call(video_name))

    async def save_video(self, video_name: str, directory: str | pathlib.Path) -> pathlib.Path:
        """Save a video (MP4) into ``directory`` under its server name."""
        safe_filename(video_name)  # refused before the download, not after
        data = await self.download_video(video_name)
        return await async_to_thread(atomic_write, directory, video_name, data)

    async def list_models(self) -> list[dict[str, Any]]:
        return models.parse_models(await self._json(models.list_models_call()))

    # --- queue ---

    async def get_queue_item(self, item_id: int) -> dict[str, Any]:
        return dict(await self._json(queue.queue_item_call(self.queue_id, item_id)))

    async def cancel(self, item_id: int) -> dict[str, Any]:
        return dict(await self._json(queue.cancel_call(self.queue_id, item_id)))

    async def enqueue(
        self,
        workflow: Workflow,
        values_list: Sequence[Mapping[int, Any]],
        *,
        attribute_names: Mapping[int, str] | None = None,
        expects: Sequence[Expectation] = (),
    ) -> Submission:
        """Put one run per value set on the queue, in as few batches as is safe (usually one).
        ``expects``: what a generated module's inputs were generated against (checked against
        this server's schema once per client)."""
        plans = await self._plans(workflow, values_list, attribute_names, expects, upload=True)
        locate, board_inputs = form_maps(workflow, attribute_names)
        done: list[tuple[Any, queue.Enqueued]] = []
        attempted: list[str] = []
        try:
            for plan in plans:
                attempted.append(str(uuid.uuid4()))
                call = queue.enqueue_call(
                    self.queue_id,
                    plan.graph,
                    data=plan.data,
                    workflow=plan.workflow,
                    runs=plan.runs,
                    batch_id=attempted[-1],
                )
                done.append((plan, await self._enqueuer.post(call, attempted[-1], locate)))
        except BaseException as exc:
            # All or nothing, even where an answer was lost: what may have landed is canceled,
            # and what could not be is named by the error.
            known = [i for _, answer in done for i in answer.item_ids]
            if not await self._enqueuer.cancel_batches(attempted, known) and isinstance(exc, IvkError):
                exc.on_queue(attempted, known)
            raise
        submission = make_submission(self.queue_id, values_list, done, board_inputs)
        for item_id in submission.item_ids:
            self._submissions[item_id] = submission
        while len(self._submissions) > _REMEMBERED:
            self._submissions.popitem(last=False)
        return submission

    async def preview(
        self,
        workflow: Workflow,
        values_list: Sequence[Mapping[int, Any]],
        *,
        attribute_names: Mapping[int, str] | None = None,
        expects: Sequence[Expectation] = (),
    ) -> list[dict[str, Any]]:
        """The ``enqueue_batch`` bodies ``enqueue`` would post, checked as it checks them, with
        nothing uploaded (a local file stands as ``<upload: path>``) or enqueued."""
        plans = await self._plans(workflow, values_list, attribute_names, expects, upload=False)
        calls = [queue.enqueue_call(self.queue_id, p.graph, data=p.data, workflow=p.workflow, runs=p.runs) for p in plans]
        return [dict(c.json_body or {}) for c in calls]

    async def _plans(
        self, workflow: Workflow, values_list: Sequence[Mapping[int, Any]],
        attribute_names: Mapping[int, str] | None, expects: Sequence[Expectation], *, upload: bool,
    ) -> list[BatchPlan]:
        if not values_list:
            raise ValueError("enqueue needs at least one value set")
        schema = await self.schema()
        self._runnable.check(workflow, schema, attribute_names, expects)  # before any upload
        values_list = await self._pil.resolve(values_list, upload=upload)
        uploads = (self.upload_image, self.upload_video) if upload else None
        return await make_plans(workflow, values_list, schema, self._json, uploads)

    @overload
    async def wait(
        self,
        item_ids: int,
        *,
        timeout: float | None = None,
        progress: Callable[[ProgressEvent], None] | None = None,
    ) -> RunResult: ...

    @overload
    async def wait(
        self,
        item_ids: Sequence[int],
        *,
        timeout: float | None = None,
        progress: Callable[[ProgressEvent], None] | None = None,
    ) -> list[RunResult]: ...

    async def wait(
        self,
        item_ids: int | Sequence[int],
        *,
        timeout: float | None = None,
        progress: Callable[[ProgressEvent], None] | None = None,
    ) -> RunResult | list[RunResult]:
        """Wait for queue items to finish (one id, or several: their results in that order);
        raise RunFailed / RunCanceled / RunTimeout. Takes the ``item_ids`` of an error raised
        after an enqueue, to wait for the same runs again."""
        ids = [item_ids] if isinstance(item_ids, int) else [int(i) for i in item_ids]
        try:
            results = await self._wait_items(ids, timeout, progress, generation=None)
        except IvkError as lost:
            raise lost.on_queue(sorted({b for i in ids for b in self._batch_of(i)}), ids)
        failed = first_failure(results)
        if failed is not None:
            raise failed
        return results[0] if isinstance(item_ids, int) else results

    def _batch_of(self, item_id: int) -> list[str]:
        submission = self._submissions.get(item_id)
        return list(submission.batch_ids) if submission is not None else []

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
        """Enqueue one run and wait for it. (A workflow with batch nodes makes several queue
        items: all are awaited and the first is returned; see ``run_many`` for all.)"""
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
        """One batch for all value sets; the results in the order of ``values_list``."""
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
        start = time.monotonic()
        generation = await self._listen()  # subscribed before enqueueing: no event can be missed
        submission = await self.enqueue(
            workflow, values_list, attribute_names=attribute_names, expects=expects
        )
        # Subscribed before enqueueing: every event of these items is seen, so results can be
        # built from them (no final fetch) where the graph allows.
        expected = {i: event_nodes(plan.graph) for plan, ids in submission.plans for i in ids}
        try:
            with progress_callback(progress, len(submission.item_ids)) as callback:
                results = await self._wait_items(
                    submission.item_ids, timeout, callback, generation, expected, submission, start
                )
        except IvkError as lost:  # the runs are on the queue: the error says which
            raise lost.on_queue(submission.batch_ids, submission.item_ids)
        failed = first_failure(results)
        if failed is not None:
            raise failed.on_queue(submission.batch_ids, submission.item_ids)
        return results

    async def _listen(self) -> int | None:
        return await self._events.ensure(time.monotonic())

    async def _wait_items(
        self,
        item_ids: Sequence[int],
        timeout: float | None,
        progress: Callable[[ProgressEvent], None] | None,
        generation: int | None,
        expected: Mapping[int, frozenset[str] | None] | None = None,
        submission: Submission | None = None,
        start: float | None = None,
    ) -> list[RunResult]:
        """``submission``: what the caller enqueued (else the remembered one of each item);
        ``start``: when the ``timeout`` began (a run's: before its enqueue)."""
        waiter = Waiter(
            item_ids,
            now=time.monotonic() if start is None else start,
            timeout=timeout,
            generation=generation,
            expected=expected,
        )

        async def fetch(item_id: int) -> dict[str, Any]:
            # no fetch outlasts the wait's own time by much (one more second to answer)
            left = None if waiter.deadline is None else waiter.deadline - time.monotonic() + 1.0
            limit = self.timeout if left is None else max(1.0, min(self.timeout, left))
            return dict(await self._json(queue.queue_item_call(self.queue_id, item_id, timeout=limit)))

        finals = await wait_async(waiter, self._events, fetch, progress)
        return [
            build_result(
                finals[i],
                submission if submission is not None and i in submission.value_index else self._submissions.get(i),
                self,
                complete=i not in waiter.from_events,
            )
            for i in item_ids
        ]
