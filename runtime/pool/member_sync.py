# Generated from member_async.py by scripts/unasync.py: edit that file, then run the script.
"""One server of a pool: its client (made on first use, so that a pool is cheap to build),
the local files already uploaded there, and the few requests the pool makes of it."""

from __future__ import annotations

import dataclasses
import hashlib
import pathlib
from collections.abc import Mapping, Sequence
from typing import Any

from ..api import queue
from ..api.call import Call
from ..api.queue_types import (
    TERMINAL_STATUSES,
    QueueCounts,
    QueueStatus,
    parse_batch_status,
    parse_item,
    parse_queue_status,
)
from ..client.sync_client import InvokeAIClient
from ..client.plan import local_paths, resolve_uploads
from ..client.submission import Submission
from ..concurrency import to_thread
from ..graph.drift import Expectation
from ..urls import public_url
from ..workflow import Workflow
from .choose import Load

__all__ = ["PoolMember"]

# The pool's own requests (status, items, cancels) give up sooner than uploads and enqueues
# (at most this, or the pool's ``timeout``): a server that hangs must not hold up the pool.
POLL_TIMEOUT = 10.0
FileKey = str  # the sha256 of its bytes: an edited file uploads again, whatever its stat says


class PoolMember:
    """One server of the pool (no request is made until the pool uses it)."""

    def __init__(self, url: str, *, token: str | None, timeout: float) -> None:
        self.url = public_url(url)  # what is shown; the client connects with ``connect_url``
        self.connect_url = url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._poll_timeout = min(timeout, POLL_TIMEOUT)
        self._client: InvokeAIClient | None = None
        self._uploaded: dict[tuple[str, FileKey], str] = {}  # ("image"|"video", file) -> name
        self.uploads = 0  # files uploaded to this server so far
        self.load = Load()  # shared by the batches running on the pool at once

    @property
    def client(self) -> InvokeAIClient:
        if self._client is None:
            # events off: the pool polls its few items, and a dead server leaves no socket behind
            self._client = InvokeAIClient(
                self.connect_url, token=self._token, timeout=self._timeout, events="off"
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            client.close()

    def check(
        self,
        workflow: Workflow,
        attribute_names: Mapping[int, str] | None,
        expects: Sequence[Expectation],
    ) -> None:
        """Refuse a workflow this server cannot run, or a module generated for other nodes (the
        client's own checks, remembered by it: its enqueue does not repeat them)."""
        client = self.client
        client._runnable.check(workflow, client.schema(), attribute_names, expects)

    def enqueue(
        self,
        workflow: Workflow,
        values: Mapping[int, Any],
        attribute_names: Mapping[int, str] | None,
        expects: Sequence[Expectation],
    ) -> Submission:
        resolved = self._uploads_resolved(values)
        return self.client.enqueue(
            workflow, [resolved], attribute_names=attribute_names, expects=expects
        )

    def items(self, item_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """The queue items as they are now."""
        qid = self.client.queue_id
        return {i: dict(self._read(queue.queue_item_call(qid, i))) for i in item_ids}

    def cancel(self, item_ids: Sequence[int]) -> dict[int, str]:
        """Cancel a run's items: each item's status afterwards, as the server says (a finished
        item stays as it was)."""
        qid = self.client.queue_id
        return {i: parse_item(self._read(queue.cancel_call(qid, i))).status for i in item_ids}

    def cancel_batches(self, batch_ids: Sequence[str]) -> list[QueueCounts]:
        """Cancel batches whose enqueue answer was lost (what of them landed), then what each
        holds now: nothing yet (it may still land), canceled items, or items that started."""
        qid = self.client.queue_id
        self._read(queue.cancel_batches_call(qid, list(batch_ids)))
        return [
            parse_batch_status(self._read(queue.batch_status_call(qid, b))).counts
            for b in batch_ids
        ]

    def batch_items(self, batch_ids: Sequence[str]) -> list[int]:
        """The item ids these batches put on its queue (to name them)."""
        ids: list[int] = []
        for batch_id in batch_ids:
            found = self.client._conn.drive(queue.find_batch(self.client.queue_id, batch_id))
            ids.extend(found.item_ids if found is not None else [])
        return ids

    def status(self) -> QueueStatus:
        """Its queue's counts (anyone's items) and whether its processor is started (runs sent
        to a paused one wait until someone resumes it)."""
        return parse_queue_status(self._read(queue.status_call(self.client.queue_id)))

    def _read(self, call: Call) -> Any:
        return self.client._json(dataclasses.replace(call, timeout=self._poll_timeout))

    def _uploads_resolved(self, values: Mapping[int, Any]) -> dict[int, Any]:
        """The value set with each local file replaced by its upload here, each file uploaded
        once per server (the pool sends a run to any server, so each keeps its own names)."""
        names = {p: self._upload("image", p) for p in local_paths([values])}
        videos = {p: self._upload("video", p) for p in local_paths([values], videos=True)}
        return resolve_uploads(values, names, videos)

    def _upload(self, kind: str, path: pathlib.Path) -> str:
        key = (kind, to_thread(_content_hash, path))
        name = self._uploaded.get(key)
        if name is None:
            if kind == "image":
                name = str((self.client.upload_image(path))["image_name"])
            else:
                name = str((self.client.upload_video(path))["video_name"])
            self._uploaded[key] = name
            self.uploads += 1
        return name


def _content_hash(path: pathlib.Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def finished(item: Mapping[str, Any]) -> bool:
    return item.get("status") in TERMINAL_STATUSES
