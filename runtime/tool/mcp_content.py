"""A run's result, or why there is none, as an MCP tool result: each output image as image
content (its bytes, base64), one text listing every image and video with the node it came
from and what the workflow's last nodes returned (a string a workflow makes is a result too),
and each video as a link to the server's file. Imported with the SDK, never before."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import mcp_types as types

from ..urls import public_url

if TYPE_CHECKING:
    from pydantic import ValidationError

    from ..client.results import OutputImage, OutputVideo, RunResult

__all__ = ["error_result", "invalid_arguments", "last_nodes", "run_content"]

# What InvokeAI stores is PNG; the bytes say, so another server's choice is not mislabelled.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)


def error_result(text: str) -> types.CallToolResult:
    return types.CallToolResult(content=[types.TextContent(text=text)], is_error=True)


def invalid_arguments(tool: str, exc: ValidationError) -> types.CallToolResult:
    """One line per wrong attribute, as pydantic says what is wrong with it."""
    from .argument_errors import argument_errors

    lines = argument_errors(exc)
    return error_result(f"Invalid arguments for {tool}:\n" + "\n".join(lines))


def last_nodes(workflow_data: Mapping[str, Any]) -> dict[str, str]:
    """Node id -> type of each invocation no edge leaves: what it returns goes nowhere else in
    the workflow, so it is the workflow's result."""
    sources = {e.get("source") for e in workflow_data.get("edges", []) if isinstance(e, Mapping)}
    found = {}
    for node in workflow_data.get("nodes", []):
        data = node.get("data") if isinstance(node, Mapping) else None
        if (
            node.get("type") == "invocation"
            and isinstance(data, Mapping)
            and node.get("id") not in sources
        ):
            found[str(node["id"])] = str(data.get("type", ""))
    return found


async def run_content(
    tool: str, results: Sequence[RunResult], base_url: str, last: Mapping[str, str]
) -> types.CallToolResult:
    """Every queue item's images (a workflow with batch nodes makes several items), their bytes
    fetched from the server here (full resolution). ``last``: the workflow's last nodes
    (``last_nodes``), whose other outputs are listed too."""
    blocks: list[types.ContentBlock] = []
    for image in (image for result in results for image in result.images):
        data = await image.abytes()
        blocks.append(
            types.ImageContent(data=base64.b64encode(data).decode("ascii"), mime_type=_mime(data))
        )
    blocks.insert(0, types.TextContent(text=_listing(tool, results, last)))
    base_url = public_url(base_url)  # a link goes to the caller (an LLM): no user:password@
    for video in (video for result in results for video in result.videos):
        blocks.append(
            types.ResourceLink(
                uri=f"{base_url}/api/v1/videos/i/{quote(video.video_name, safe='')}/full",
                name=video.video_name,
                mime_type="video/mp4",
                description=f"A video made by node {video.node_id} ({video.node_type}), on the InvokeAI server",
            )
        )
    return types.CallToolResult(content=blocks)


def _mime(data: bytes) -> str:
    for signature, mime in _SIGNATURES:
        if data.startswith(signature):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def _listing(tool: str, results: Sequence[RunResult], last: Mapping[str, str]) -> str:
    if len(results) == 1:
        return "\n".join(_item_lines(f"{tool}: queue item", results[0], last))
    images = [i for r in results for i in r.images]
    videos = [v for r in results for v in r.videos]
    batches = ", ".join(dict.fromkeys(str(r.batch_id) for r in results))
    lines = [
        f"{tool}: batch {batches}: {len(results)} queue items made {_count(images, 'image')} and {_count(videos, 'video')}."
    ]
    for result in results:
        lines += _item_lines("queue item", result, last)
    return "\n".join(lines)


def _item_lines(heading: str, result: RunResult, last: Mapping[str, str]) -> list[str]:
    images, videos, labels = result.images, result.videos, result.node_labels
    lines = [
        f"{heading} {result.item_id} made {_count(images, 'image')} and {_count(videos, 'video')}."
    ]
    for image in images:
        size = f", {image.width}x{image.height}" if image.width and image.height else ""
        lines.append(
            f"- image {image.image_name}{size}{_origin(image, labels)} (image content below)"
        )
    for video in videos:
        size = f", {video.width}x{video.height}" if video.width and video.height else ""
        lines.append(f"- video {video.video_name}{size}{_origin(video, labels)} (linked below)")
    shown = {i.node_id for i in images} | {v.node_id for v in videos}
    for node_id, node_type in last.items():
        if node_id in shown:
            continue
        node = _node(node_id, node_type, labels)
        for fields in result.outputs.get(node_id, []):
            values = {k: v for k, v in fields.items() if k not in ("type", "output_meta")}
            said = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in values.items())
            lines.append(f"- node {node} returned {said or 'nothing'}")
    return lines


def _origin(output: OutputImage | OutputVideo, labels: Mapping[str, str]) -> str:
    board = f", board {output.board_id}" if output.board_id else ", uncategorized"
    attribute = f", board set by attribute {output.attribute!r}" if output.attribute else ""
    return f", from node {_node(output.node_id, output.node_type, labels)}{board}{attribute}"


def _node(node_id: str, node_type: str, labels: Mapping[str, str]) -> str:
    label = labels.get(node_id)
    return f"{label!r} ({node_type} {node_id})" if label else f"{node_id} ({node_type})"


def _count(things: Sequence[object], noun: str) -> str:
    return f"{len(things)} {noun}{'' if len(things) == 1 else 's'}"
