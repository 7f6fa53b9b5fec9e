"""The MCP tool on a workflow with a batch node (every queue item's images come back, not only
the first's), and a bad inline image (an error result naming the attribute), driven by the SDK's
own client over stdio against a real InvokeAI server."""

from __future__ import annotations

import base64
import io
import json
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from PIL import Image

WORKFLOWS = Path(__file__).resolve().parents[1] / "workflows"
CALL_LIMIT = 120  # seconds: a call that takes longer is a hang, not a slow run
SEEDS = [1, 2, 3]


def blur_batch() -> dict[str, Any]:
    """blur_image with an integer_batch feeding the noise seed (the seed leaves the form)."""
    data: dict[str, Any] = json.loads((WORKFLOWS / "blur_image.json").read_text())
    data["name"] = "Blur batch"
    noise = next(n for n in data["nodes"] if n["data"]["type"] == "img_noise")["id"]
    elements = data["form"]["elements"]
    seed = next(
        key
        for key, el in elements.items()
        if el["data"].get("fieldIdentifier") == {"nodeId": noise, "fieldName": "seed"}
    )
    del elements[seed]
    elements["root"]["data"]["children"].remove(seed)
    data["nodes"].append(
        {
            "id": "seeds",
            "type": "invocation",
            "position": {"x": 0, "y": 0},
            "data": {
                "id": "seeds",
                "type": "integer_batch",
                "version": "1.0.0",
                "label": "Seeds",
                "notes": "",
                "isOpen": True,
                "isIntermediate": True,
                "useCache": True,
                "nodePack": "invokeai",
                "inputs": {
                    "batch_group_id": {"name": "batch_group_id", "label": "", "value": "None"},
                    "integers": {"name": "integers", "label": "", "value": SEEDS},
                },
            },
        }
    )
    data["edges"].append(
        {
            "id": "e-seeds",
            "type": "default",
            "source": "seeds",
            "sourceHandle": "value",
            "target": noise,
            "targetHandle": "seed",
        }
    )
    return data


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("mcp_batch")
    (out / "blur_batch.json").write_text(json.dumps(blur_batch()))
    sources = {
        "blur_batch": out / "blur_batch.json",
        "resize_upload": WORKFLOWS / "resize_upload.json",
    }
    for stem, source in sources.items():
        subprocess.run(
            [sys.executable, "-m", "ivk_codegen", str(source), "-o", str(out / f"{stem}.py"), "-q"],
            check=True,
            stdin=subprocess.DEVNULL,
        )
    return out


@asynccontextmanager
async def session(modules: Path, module: str, url: str) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", module, "--mcp", "--server", url], cwd=str(modules)
    )
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as client:
            with anyio.fail_after(CALL_LIMIT):
                await client.initialize()
            yield client


async def call(client: ClientSession, name: str, arguments: dict[str, Any], **kw: Any) -> Any:
    with anyio.fail_after(CALL_LIMIT):
        return await client.call_tool(name, arguments, **kw)


def texts(result: Any) -> str:
    return "\n".join(c.text for c in result.content if c.type == "text")


def images(result: Any) -> list[Image.Image]:
    found = []
    for content in result.content:
        if content.type == "image":
            image = Image.open(io.BytesIO(base64.b64decode(content.data)))
            image.load()
            found.append(image)
    return found


@pytest.mark.parametrize("with_progress", [False, True])
async def test_a_batch_node_workflow_returns_every_queue_items_images(
    modules: Path, invokeai_url: str, with_progress: bool
) -> None:
    steps: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        steps.append(value)

    kw = {"progress_callback": on_progress} if with_progress else {}
    async with session(modules, "blur_batch", invokeai_url) as client:
        result = await call(client, "blur_batch", {"width": 24, "height": 16}, **kw)
    assert not result.is_error, texts(result)
    made = images(result)
    assert [i.size for i in made] == [(24, 16)] * len(SEEDS)
    assert len({i.tobytes() for i in made}) == len(SEEDS)  # three seeds: three noises
    lines = texts(result).splitlines()
    assert lines[0].startswith("blur_batch: batch ")
    assert lines[0].endswith(f": {len(SEEDS)} queue items made {len(SEEDS)} images and 0 videos.")
    items = [line for line in lines if line.startswith("queue item ")]
    assert len(items) == len(SEEDS) and all("made 1 image and 0 videos" in i for i in items)
    assert sum(" (image content below)" in line for line in lines) == len(SEEDS)
    if with_progress:
        assert steps and steps[-1] >= 4 * len(SEEDS), steps  # four nodes in each item


BAD_PNG = [
    ({"png_base64": "aGVsbG8="}, "does not hold a PNG image"),
    ({"png_base64": "%%%"}, "base64"),
    ({"png_base64": 12}, "base64"),
]


@pytest.mark.parametrize(("value", "needle"), BAD_PNG)
async def test_a_bad_inline_image_is_an_error_result_naming_the_attribute(
    modules: Path, invokeai_url: str, value: dict[str, Any], needle: str
) -> None:
    async with session(modules, "resize_upload", invokeai_url) as client:
        (tool,) = (await client.list_tools()).tools
        result = await call(client, tool.name, {"input_image": value})
    assert result.is_error
    text = texts(result)
    assert text.startswith(f"Invalid arguments for {tool.name}:\n"), text
    lines = text.splitlines()[1:]
    assert len(lines) == 1, text  # one line for the attribute, not one per union member
    assert lines[0].startswith("- input_image: "), text
    assert needle in lines[0], text
    assert "BytesIO" not in text and "lax-or-strict" not in text and "union[" not in text


async def test_an_error_result_names_the_server_without_credentials(modules: Path) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with session(modules, "blur_batch", f"http://zorro:s3cret@127.0.0.1:{port}") as client:
        result = await call(client, "blur_batch", {})
    assert result.is_error
    text = texts(result)
    assert f"cannot reach the InvokeAI server at http://127.0.0.1:{port}" in text, text
    assert "zorro" not in text and "s3cret" not in text, text
