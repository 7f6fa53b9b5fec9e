"""Results in Jupyter without a server: bounded, escaped, and never raising (the real server's
thumbnails are tested in tests/e2e/test_e2e_pil_display.py)."""

from __future__ import annotations

from typing import Any

from IPython.core.formatters import DisplayFormatter

from ivk_runtime import gallery
from ivk_runtime.client.results import build_result

HOSTILE = "<img src=x onerror=alert(1)>"


def _item(item_id: int, status: str = "completed", images: int = 1, **extra: Any) -> dict[str, Any]:
    nodes = {
        f"n{k}": {"id": f"n{k}", "type": "save_image", "is_intermediate": False}
        for k in range(images)
    }
    session = {
        "graph": {"nodes": nodes},
        "source_prepared_mapping": {f"n{k}": [f"p{k}"] for k in range(images)},
        "results": {f"p{k}": {"image": {"image_name": f"i{item_id}-{k}.png"}, "width": 8, "height": 8} for k in range(images)},
    }  # fmt: skip
    return {"item_id": item_id, "status": status, "batch_id": "b", "session": session, **extra}


def _html(obj: object) -> str:
    data, _ = DisplayFormatter().format(obj)
    return str(data["text/html"])


def test_strings_from_the_server_are_escaped() -> None:
    workflow = {"nodes": [{"id": "n0", "data": {"label": HOSTILE}}]}
    failed = build_result(_item(1, "failed", error_type=HOSTILE, error_message=HOSTILE,
                                error_traceback=HOSTILE, workflow=workflow), None, None)  # fmt: skip
    html = _html(failed)
    assert "<img src=x" not in html and html.count("&lt;img src=x onerror=alert(1)&gt;") == 4
    assert "no thumbnail" in html  # no client: names only


def test_many_runs_are_bounded() -> None:
    done = [build_result(_item(i, images=2), None, None) for i in range(20)]
    failed = [
        build_result(_item(100 + i, "failed", images=0, error_message="boom"), None, None)
        for i in range(30)
    ]
    html = _html(gallery([*done, *failed], max_images=24))
    assert html.count("<figure") == 24  # 24 images of 40, the rest counted
    assert "50 runs (20 completed, 30 failed), 40 images" in html
    assert html.count("Run item") == 24  # 12 runs with their images, then 12 of the failures
    assert html.count("error: boom") == 12 and "and 26 more runs not shown" in html
    assert "and 0 more" not in html


class _Broken:
    status = "completed"

    @property
    def images(self) -> list[object]:
        raise RuntimeError("broken")


def test_a_display_never_raises() -> None:
    html = _html(gallery([_Broken()]))
    assert "not shown: RuntimeError: broken" in html
