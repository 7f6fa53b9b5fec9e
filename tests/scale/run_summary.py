"""One finished run as JSON-safe data, for the distributed recipes to hand back to the driver."""

from __future__ import annotations

from typing import Any

from ivk_runtime import RunResult
from ivk_runtime.generated import GeneratedWorkflow


def summarize(params: GeneratedWorkflow, result: RunResult) -> dict[str, Any]:
    """Its inputs, the server that ran it, its item, status and images (names and sizes)."""
    return {
        "inputs": params.to_dict(),
        "server": result.server,
        "item_id": result.item_id,
        "status": result.status,
        "images": [
            {"name": i.image_name, "width": i.width, "height": i.height} for i in result.images
        ],
    }
