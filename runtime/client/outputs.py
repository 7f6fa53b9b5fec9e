"""What a finished queue item made (pure): its images and videos, and every node's outputs.

Results are keyed by prepared node ids; they are keyed back to WORKFLOW node ids through
``session.source_prepared_mapping`` and ordered by iteration (``iteration_paths``).
"""

from __future__ import annotations

import builtins
import pathlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage

__all__ = ["OutputImage", "OutputVideo", "iteration_paths", "node_outputs", "output_images", "output_videos"]


class _ImageOwner(Protocol):
    """The client that produced a result: fetches its images, videos and queue item (sync or async)."""

    def get_queue_item(self, item_id: int) -> Any: ...

    def download_image(self, image_name: str, *, full_resolution: bool = True) -> Any: ...

    def save_image(
        self, image_name: str, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> Any: ...

    def download_video(self, video_name: str) -> Any: ...

    def save_video(self, video_name: str, directory: str | pathlib.Path) -> Any: ...


def _is_async(owner: object) -> bool:
    return bool(getattr(owner, "is_async", False))


@dataclass(frozen=True)
class OutputImage:
    image_name: str
    node_id: str  # the workflow node that made it (not the prepared id)
    node_type: str
    board_id: str | None  # None: uncategorized
    input_index: int | None  # the Form input that sets this node's board, if one does
    attribute: str | None  # that input's attribute name in the generated module
    width: int | None
    height: int | None
    owner: _ImageOwner | None = field(default=None, repr=False, compare=False)

    def download(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> pathlib.Path:
        """Save into ``directory`` (atomically, under the server's image name)."""
        path = _owner(self.owner, "image", "download", is_async=False).save_image(
            self.image_name, directory, full_resolution=full_resolution
        )
        return pathlib.Path(path)

    def bytes(self, *, full_resolution: bool = True) -> builtins.bytes:
        data = _owner(self.owner, "image", "bytes", is_async=False).download_image(
            self.image_name, full_resolution=full_resolution
        )
        return builtins.bytes(data)

    async def adownload(
        self, directory: str | pathlib.Path, *, full_resolution: bool = True
    ) -> pathlib.Path:
        owner = _owner(self.owner, "image", "download", is_async=True)
        return pathlib.Path(
            await owner.save_image(self.image_name, directory, full_resolution=full_resolution)
        )

    async def abytes(self, *, full_resolution: bool = True) -> builtins.bytes:
        owner = _owner(self.owner, "image", "bytes", is_async=True)
        data = await owner.download_image(self.image_name, full_resolution=full_resolution)
        return builtins.bytes(data)

    def pil(self, *, full_resolution: bool = True) -> PILImage:
        """The image as a ``PIL.Image.Image`` (needs Pillow: ``pip install 'ivk-codegen[images]'``)."""
        return _open_pil(self.bytes(full_resolution=full_resolution))

    async def apil(self, *, full_resolution: bool = True) -> PILImage:
        return _open_pil(await self.abytes(full_resolution=full_resolution))

    def _repr_png_(self) -> builtins.bytes | None:
        """Jupyter shows the image itself (InvokeAI stores PNG). None where it cannot be read
        without awaiting (an async client's result): the text repr is shown instead."""
        if self.owner is None or _is_async(self.owner):
            return None
        return self.bytes()


def _open_pil(data: builtins.bytes) -> PILImage:
    try:
        from PIL import Image
    except ImportError as exc:  # Pillow is an extra: only image users need it
        raise ImportError("OutputImage.pil() needs Pillow: pip install 'ivk-codegen[images]'") from exc
    import io

    image = Image.open(io.BytesIO(data))
    image.load()  # read now: the bytes go out of scope
    return image


@dataclass(frozen=True)
class OutputVideo:
    """A video a run made (Wan's latents-to-video, ``video``, ``video_concat``), as ``OutputImage``."""

    video_name: str
    node_id: str
    node_type: str
    board_id: str | None
    input_index: int | None
    attribute: str | None
    width: int | None
    height: int | None
    owner: _ImageOwner | None = field(default=None, repr=False, compare=False)

    def download(self, directory: str | pathlib.Path) -> pathlib.Path:
        """Save into ``directory`` (atomically, under the server's video name)."""
        owner = _owner(self.owner, "video", "download", is_async=False)
        return pathlib.Path(owner.save_video(self.video_name, directory))

    def bytes(self) -> builtins.bytes:
        return builtins.bytes(_owner(self.owner, "video", "bytes", is_async=False).download_video(self.video_name))

    async def adownload(self, directory: str | pathlib.Path) -> pathlib.Path:
        owner = _owner(self.owner, "video", "download", is_async=True)
        return pathlib.Path(await owner.save_video(self.video_name, directory))

    async def abytes(self) -> builtins.bytes:
        return builtins.bytes(await _owner(self.owner, "video", "bytes", is_async=True).download_video(self.video_name))


def _owner(owner: _ImageOwner | None, what: str, method: str, *, is_async: bool) -> _ImageOwner:
    """The client an output came from, if it is of the flavour the call needs."""
    if owner is None:
        raise RuntimeError(f"this {what} is not attached to a client")
    if _is_async(owner) != is_async:
        use = f"`await {what}.a{method}(...)`" if _is_async(owner) else f"`{what}.{method}(...)`"
        raise TypeError(f"this {what} came from {'an async' if _is_async(owner) else 'a sync'} client: use {use}")
    return owner


_NO_IMAGES = frozenset({"collect", "iterate"})  # they pass other nodes' images along


def iteration_paths(session: Mapping[str, Any]) -> Mapping[str, Sequence[int]]:
    """Prepared node id -> the indices of the iterations it ran in, outermost first.

    InvokeAI 6 records them (``prepared_iteration_paths``). InvokeAI 5 does not; there each
    prepared iterate node holds its ``index``, and a node's path is its iterate ancestors'
    indices in the execution graph (walked once, in topological order)."""
    recorded = session.get("prepared_iteration_paths")
    if isinstance(recorded, Mapping) and recorded:
        return recorded
    graph = session.get("execution_graph") or {}
    nodes: Mapping[str, Any] = graph.get("nodes") or {}
    parents: dict[str, list[str]] = {str(n): [] for n in nodes}
    children: dict[str, list[str]] = {str(n): [] for n in nodes}
    for edge in graph.get("edges") or []:
        try:
            src, dst = str(edge["source"]["node_id"]), str(edge["destination"]["node_id"])
        except (KeyError, TypeError):
            continue
        if src in parents and dst in parents:
            parents[dst].append(src)
            children[src].append(dst)
    waiting = {n: len(p) for n, p in parents.items()}
    ready = [n for n, k in waiting.items() if k == 0]
    paths: dict[str, list[int]] = {}
    while ready:
        node_id = ready.pop()
        inherited = max((paths[p] for p in parents[node_id]), key=len, default=[])
        node = nodes.get(node_id)
        own = node.get("index") if isinstance(node, Mapping) and node.get("type") == "iterate" else None
        paths[node_id] = [*inherited, int(own)] if isinstance(own, int) else list(inherited)
        for child in children[node_id]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    return paths


def _runs(session: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any], list[str]]]:
    """(workflow node id, its graph node, its prepared ids in iteration order), the nodes in
    execution order."""
    nodes: Mapping[str, Any] = (session.get("graph") or {}).get("nodes") or {}
    mapping: Mapping[str, Sequence[str]] = session.get("source_prepared_mapping") or {}
    paths = iteration_paths(session)
    order = list(dict.fromkeys(str(n) for n in session.get("executed_history") or []))
    order += [n for n in nodes if n not in order]
    for node_id in order:
        node = nodes.get(node_id)
        if not isinstance(node, Mapping):
            continue
        listed = list(mapping.get(node_id) or [])
        prepared = [
            p
            for _, p in sorted(enumerate(listed), key=lambda e: (list(paths.get(e[1]) or []), e[0]))
        ]
        yield node_id, node, prepared


def node_outputs(item: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every workflow node's outputs (each field of its output), one dict per time it ran, in
    iteration order; nodes in execution order."""
    session = item.get("session") or {}
    results: Mapping[str, Any] = session.get("results") or {}
    out: dict[str, list[dict[str, Any]]] = {}
    for node_id, _, prepared in _runs(session):
        ran = [dict(results[p]) for p in prepared if isinstance(results.get(p), Mapping)]
        if ran:
            out[node_id] = ran
    return out


@dataclass(frozen=True)
class _Found:
    name: str
    node_id: str
    node_type: str
    board_id: str | None
    input_index: int | None
    attribute: str | None
    width: int | None  # of the node's output, when the file is its only one of the kind
    height: int | None


def _files(
    item: Mapping[str, Any], board_inputs: Mapping[str, tuple[int, str | None]], key: str
) -> list[_Found]:
    """Each file named by ``key`` ("image_name", "video_name") in the outputs of
    non-intermediate nodes, once: nodes in execution order, each node's in iteration order."""
    session = item.get("session") or {}
    results: Mapping[str, Any] = session.get("results") or {}
    seen: set[str] = set()
    found: list[_Found] = []
    for node_id, node, prepared in _runs(session):
        if node.get("type") in _NO_IMAGES or node.get("is_intermediate"):
            continue
        board = node.get("board")
        board_id = board.get("board_id") if isinstance(board, Mapping) else None
        index, attribute = board_inputs.get(node_id, (None, None))
        for pid in prepared:
            result = results.get(pid)
            if not isinstance(result, Mapping):
                continue
            names = [v[key] for v in result.values() if isinstance(v, Mapping) and isinstance(v.get(key), str)]
            single = len(names) == 1
            for name in names:
                if name in seen:
                    continue
                seen.add(name)
                found.append(_Found(
                    name, node_id, str(node.get("type", "")), str(board_id) if board_id else None,
                    index, attribute,
                    _int(result.get("width")) if single else None,
                    _int(result.get("height")) if single else None,
                ))  # fmt: skip
    return found


def output_images(
    item: Mapping[str, Any],
    board_inputs: Mapping[str, tuple[int, str | None]],
    owner: _ImageOwner | None,
) -> list[OutputImage]:
    """The gallery images a finished item made (see ``_files``)."""
    return [
        OutputImage(f.name, f.node_id, f.node_type, f.board_id, f.input_index, f.attribute, f.width, f.height, owner)
        for f in _files(item, board_inputs, "image_name")
    ]


def output_videos(
    item: Mapping[str, Any],
    board_inputs: Mapping[str, tuple[int, str | None]],
    owner: _ImageOwner | None,
) -> list[OutputVideo]:
    """The videos a finished item made (see ``_files``)."""
    return [
        OutputVideo(f.name, f.node_id, f.node_type, f.board_id, f.input_index, f.attribute, f.width, f.height, owner)
        for f in _files(item, board_inputs, "video_name")
    ]


def _int(v: Any) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None
