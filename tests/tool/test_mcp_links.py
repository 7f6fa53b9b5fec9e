"""The MCP tool's links to a run's videos name the server without its user:password@ (the
result goes to an MCP client, often an LLM)."""

from __future__ import annotations

import dataclasses

import anyio

from ivk_runtime.client.outputs import OutputVideo
from ivk_runtime.client.results import build_result
from ivk_runtime.tool.mcp_content import run_content


def test_a_video_link_holds_no_credentials() -> None:
    item = {"status": "completed", "item_id": 7, "batch_id": "b1", "session": {}}
    video = OutputVideo("clip one.mp4", "n1", "video_output", None, None, None, 64, 32)
    result = dataclasses.replace(build_result(item, None, None), videos=[video])
    content = anyio.run(run_content, "tool", [result], "http://zorro:s3cret@127.0.0.1:9090/", {})
    (link,) = [c for c in content.content if c.type == "resource_link"]
    assert str(link.uri) == "http://127.0.0.1:9090/api/v1/videos/i/clip%20one.mp4/full"
    assert "zorro" not in content.model_dump_json() and "s3cret" not in content.model_dump_json()
