"""Runs shown in Jupyter: a small gallery of each run's images as thumbnails, each captioned
with its node and the Form input that sets its board, the run's status, and a failed run's
error. ``RunResult._repr_html_`` shows one run; ``gallery(results)`` many (a list cannot).

Thumbnails come from the server's thumbnail endpoint and are embedded as data URIs, so a saved
notebook shows them without the server. A display never raises and never waits long: images it
cannot fetch in time (server gone, slow, an async client outside ``agallery``) show their
names only. Every string from a workflow or the server is escaped.
"""

from __future__ import annotations

import asyncio
import base64
import html
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .outputs import OutputImage, _is_async

__all__ = ["Gallery", "agallery", "gallery", "node_labels", "result_html"]

MAX_IMAGES = 24  # thumbnails in one display; the rest are counted
TIMEOUT = 5.0  # seconds one display waits for all its thumbnails
_WORKERS = 4
_TRACEBACK = 3000  # characters of a failed run's traceback shown (its end)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def node_labels(workflows: Iterable[object]) -> dict[str, str]:
    """Workflow node id -> its label, from the first of ``workflows`` with nodes (captions)."""
    for wf in workflows:
        nodes = wf.get("nodes") if isinstance(wf, Mapping) else None
        if isinstance(nodes, list):
            labels = {}
            for node in nodes:
                data = node.get("data") if isinstance(node, Mapping) else None
                label = data.get("label") if isinstance(data, Mapping) else None
                if isinstance(label, str) and label and isinstance(node.get("id"), str):
                    labels[node["id"]] = label
            return labels
    return {}


@dataclass
class Gallery:
    """Runs to show together (what ``run_many`` returned). ``thumbnails``: fetched already
    (``agallery``), or None to fetch when displayed."""

    results: list[Any]
    thumbnails: dict[str, bytes] | None = field(default=None, repr=False)
    max_images: int = MAX_IMAGES
    timeout: float = TIMEOUT

    def _repr_html_(self) -> str:
        try:
            return _page(self)
        except Exception as exc:  # a display must never raise
            why = f"{type(exc).__name__}: {exc}"
            return f"<pre>{len(self.results)} runs (not shown: {_e(why)})</pre>"

    def __repr__(self) -> str:
        try:
            images = f", {sum(len(getattr(r, 'images', ())) for r in self.results)} images"
        except Exception:  # a repr must never raise
            images = ""
        return f"Gallery({len(self.results)} runs{images})"


def gallery(results: Any, *, max_images: int = MAX_IMAGES, timeout: float = TIMEOUT) -> Gallery:
    """A displayable gallery of one result or many (``display(gallery(results))``)."""
    return Gallery(_as_list(results), None, max_images, timeout)


async def agallery(
    results: Any, *, max_images: int = MAX_IMAGES, timeout: float = TIMEOUT
) -> Gallery:
    """As ``gallery``, with the thumbnails fetched now: what an async client's results need."""
    shown = Gallery(_as_list(results), None, max_images, timeout)
    images = _shown_images(shown)
    thumbs: dict[str, bytes] = {}

    async def one(image: OutputImage) -> None:
        thumbs[image.image_name] = await image.abytes(full_resolution=False)

    tasks = [asyncio.ensure_future(one(i)) for i in images if _is_async(i.owner)]
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)
        for task in tasks:
            if task.done():
                task.exception()  # read, so a failed fetch logs nothing: shown without it
            else:
                task.cancel()
    sync_ones = [i for i in images if i.owner is not None and not _is_async(i.owner)]
    if sync_ones:
        thumbs.update(await asyncio.to_thread(_fetch, sync_ones, timeout))
    shown.thumbnails = thumbs
    return shown


def result_html(result: Any, *, max_images: int = MAX_IMAGES, timeout: float = TIMEOUT) -> str:
    """One run's HTML (``RunResult._repr_html_``)."""
    return Gallery([result], None, max_images, timeout)._repr_html_()


def _as_list(results: Any) -> list[Any]:
    if hasattr(results, "images") and hasattr(results, "status"):
        return [results]
    return list(results)


def _shown_images(g: Gallery) -> list[OutputImage]:
    out: list[OutputImage] = []
    for result in g.results:
        for image in getattr(result, "images", ()):
            if len(out) >= g.max_images:
                return out
            out.append(image)
    return out


def _fetch(images: list[OutputImage], timeout: float) -> dict[str, bytes]:
    """Thumbnails of sync clients' images, fetched by a few daemon threads; what has not come
    in ``timeout`` seconds is left out (the threads finish on their own, holding no one up)."""
    todo = [i for i in images if i.owner is not None and not _is_async(i.owner)]
    got: dict[str, bytes] = {}
    lock = threading.Lock()
    done = threading.Event()
    left = [len(todo)]

    def work() -> None:
        with _Reopened(timeout) as reopened:
            while True:
                with lock:
                    if not todo:
                        return
                    image = todo.pop(0)
                try:
                    data = reopened.thumbnail(image)
                except Exception:  # unreachable, gone, refused: shown without its thumbnail
                    data = None
                one(image, data)

    def one(image: OutputImage, data: bytes | None) -> None:
        with lock:
            if data is not None:
                got[image.image_name] = data
            left[0] -= 1
            if left[0] == 0:
                done.set()

    if not todo:
        return got
    for _ in range(min(_WORKERS, len(todo))):
        threading.Thread(target=work, daemon=True, name="ivk-thumbnails").start()
    done.wait(timeout)
    with lock:
        return dict(got)


class _Reopened:
    """Thumbnails through the image's client, or, once that client is closed (its ``with``
    block ended before the cell showed the result), through a connection of our own to its
    server, with its headers (its token)."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.http: Any = None  # an httpx.Client, made if a closed client is met

    def thumbnail(self, image: OutputImage) -> bytes:
        conn = getattr(image.owner, "_conn", None)
        http = getattr(conn, "http", None)
        if conn is None or not getattr(http, "is_closed", False):
            return image.bytes(full_resolution=False)
        import httpx  # loaded already by the client that made the result

        from ..api.connection_sync import Connection
        from ..api.images import image_call

        if self.http is None:
            self.http = httpx.Client(timeout=self.timeout)
        mine = Connection(conn.base_url, self.http, dict(conn.headers), self.timeout)
        return mine.content(image_call(image.image_name, full_resolution=False))

    def __enter__(self) -> _Reopened:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.http is not None:
            self.http.close()


def _page(g: Gallery) -> str:
    images = _shown_images(g)
    thumbs = g.thumbnails if g.thumbnails is not None else _fetch(images, g.timeout)
    shown = {id(i) for i in images}
    parts = ['<div class="ivk-gallery" style="font-family:sans-serif;font-size:13px">']
    if len(g.results) > 1:
        parts.append(f"<div><b>{_e(_summary(g.results))}</b></div>")
    hidden_runs = sections = 0
    for result in g.results:
        mine = [i for i in getattr(result, "images", ()) if id(i) in shown]
        failed = getattr(result, "status", None) != "completed"
        # runs with shown images; then failures and image-less runs, as many sections in all
        if not mine and (sections >= g.max_images or (not failed and len(shown) >= g.max_images)):
            hidden_runs += 1
            continue
        sections += 1
        parts.append(_run(result, mine, thumbs))
    if hidden_runs:
        parts.append(
            f"<div>and {hidden_runs} more run{'s' if hidden_runs > 1 else ''} not shown</div>"
        )
    parts.append("</div>")
    return "".join(parts)


def _summary(results: list[Any]) -> str:
    counts: dict[str, int] = {}
    for r in results:
        status = str(getattr(r, "status", "?"))
        counts[status] = counts.get(status, 0) + 1
    images = sum(len(getattr(r, "images", ())) for r in results)
    states = ", ".join(f"{n} {s}" for s, n in counts.items())
    return f"{len(results)} runs ({states}), {images} images"


def _run(result: Any, images: list[OutputImage], thumbs: Mapping[str, bytes]) -> str:
    status = str(getattr(result, "status", "?"))
    head = f"Run item {getattr(result, 'item_id', '?')} · {status}"
    duration = getattr(result, "duration", None)
    if isinstance(duration, (int, float)):
        head += f" · {duration:.1f} s"
    server = getattr(result, "server", None)
    if server:
        head += f" · {server}"
    colour = "#080" if status == "completed" else "#b00"
    parts = [f'<div style="margin:6px 0 2px"><b style="color:{colour}">{_e(head)}</b></div>']
    if status == "failed" or getattr(result, "error_message", None):
        parts.append(_error(result))
    labels = getattr(result, "node_labels", None) or {}
    if images:
        parts.append('<div style="display:flex;flex-wrap:wrap;gap:8px">')
        parts.extend(_tile(i, thumbs.get(i.image_name), labels) for i in images)
        parts.append("</div>")
    more = len(getattr(result, "images", ())) - len(images)
    if more > 0:
        parts.append(f"<div>and {more} more image{'s' if more > 1 else ''}</div>")
    if status == "completed" and not getattr(result, "images", ()):
        parts.append("<div><i>no images</i></div>")
    return "".join(parts)


def _error(result: Any) -> str:
    kind = getattr(result, "error_type", None) or "error"
    message = getattr(result, "error_message", None) or ""
    out = (
        f'<pre style="color:#b00;white-space:pre-wrap;margin:2px 0">{_e(kind)}: {_e(message)}</pre>'
    )
    trace = getattr(result, "error_traceback", None)
    if isinstance(trace, str) and trace:
        cut = trace if len(trace) <= _TRACEBACK else "…" + trace[-_TRACEBACK:]
        out += f'<details><summary>traceback</summary><pre style="white-space:pre-wrap">{_e(cut)}</pre></details>'
    return out


def _tile(image: OutputImage, thumb: bytes | None, labels: Mapping[str, str]) -> str:
    label = labels.get(image.node_id)
    node = f"{label} ({image.node_type})" if label else image.node_type or "node"
    lines = [f"{node} · node {image.node_id[:8]}"]
    if image.attribute or image.input_index is not None:
        lines.append(f"Form input: {image.attribute or f'#{image.input_index}'}")
    size = f"{image.width}×{image.height} · " if image.width and image.height else ""
    lines.append(size + image.image_name)
    caption = "<br>".join(_e(line) for line in lines)
    mime = _mime(thumb) if thumb else None
    if thumb and mime:
        uri = f"data:{mime};base64,{base64.b64encode(thumb).decode('ascii')}"
        picture = f'<img src="{uri}" alt="{_e(image.image_name)}" style="max-width:160px;max-height:160px">'
    else:
        why = "async client: display agallery(...)" if _is_async(image.owner) else "no thumbnail"
        picture = f'<div style="width:160px;height:40px;border:1px dashed #999;color:#777">{_e(why)}</div>'
    return f'<figure style="margin:0;width:170px">{picture}<figcaption style="font-size:11px">{caption}</figcaption></figure>'


def _mime(data: bytes) -> str | None:
    """The type of an image by its first bytes (InvokeAI's thumbnails are WEBP)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in _MAGIC if data.startswith(magic)), None)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
