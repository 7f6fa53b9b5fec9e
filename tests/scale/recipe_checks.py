"""What the recipe tests check: value sets whose outputs all differ, and results that each
belong to their own inputs, with their images on the server named and no other."""

from __future__ import annotations

import io
import json
from types import ModuleType
from typing import Any

from PIL import Image

from ivk_runtime import InvokeAIClient


def distinct_params(module: ModuleType, runs: int) -> list[Any]:
    """Value sets whose output sizes all differ, so a result given to the wrong inputs shows."""
    return [
        module.BlurImage(width=16 + 3 * i, height=40 - i, noise_seed=i, blur_radius=1.0)
        for i in range(runs)
    ]


def check_results(params: list[Any], results: list[dict[str, Any]], urls: list[str]) -> None:
    """Every result is JSON, belongs to its own inputs, and names an image that its server, and
    only its server, holds at the size those inputs asked for; both servers ran some."""
    assert len(results) == len(params), "a run was lost"
    assert json.loads(json.dumps(results)) == results
    clients = {url: InvokeAIClient(url) for url in urls}
    try:
        for p, result in zip(params, results):
            assert result["inputs"] == p.to_dict()
            assert result["status"] == "completed"
            assert result["server"] in urls
            (image,) = result["images"]
            assert (image["width"], image["height"]) == (p.width, p.height)
            for url, client in clients.items():
                found = client.images.find(image["name"])
                assert (found is not None) == (url == result["server"]), (image, url)
            data = clients[result["server"]].images.download(image["name"])
            assert Image.open(io.BytesIO(data)).size == (p.width, p.height)
    finally:
        for client in clients.values():
            client.close()
    assert len({r["images"][0]["name"] for r in results}) == len(results)
    assert len({(r["server"], r["item_id"]) for r in results}) == len(results)
    assert {r["server"] for r in results} == set(urls), "a server ran nothing"
