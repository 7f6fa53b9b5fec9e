"""From value sets to batch plans: local files uploaded (or, for a preview, named), then the
graphs built, fetching what a generator node needs from the server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..graph.schema_index import SchemaIndex
from ..workflow import Workflow
from .plan import AsyncFetchCall, AsyncUpload, BatchPlan, build_plans, local_paths, resolve_uploads
from .resolver import CachedResolver, NeedServer

__all__ = ["make_plans"]


async def make_plans(
    workflow: Workflow,
    values_list: Sequence[Mapping[int, Any]],
    schema: SchemaIndex,
    fetch: AsyncFetchCall,
    uploads: tuple[AsyncUpload, AsyncUpload] | None,
) -> list[BatchPlan]:
    """``uploads``: (image, video) uploaders, answering with the server's record of a local
    file; None for a preview, where each file stands as ``<upload: path>``."""
    images, videos = local_paths(values_list), local_paths(values_list, videos=True)
    if uploads is None:
        names = video_names = {p: f"<upload: {p}>" for p in (*images, *videos)}
    else:
        names = {p: str((await uploads[0](p))["image_name"]) for p in images}
        video_names = {p: str((await uploads[1](p))["video_name"]) for p in videos}
    resolved = [resolve_uploads(v, names, video_names) for v in values_list]
    resolver = CachedResolver()  # fresh per enqueue: board contents change
    while True:
        try:
            return build_plans(workflow, resolved, schema, resolver)
        except NeedServer as need:  # a generator node needs the server: fetch, build again
            resolver.answers[need.key] = await fetch(need.call)
