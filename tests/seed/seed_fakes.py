"""Helpers for the seed layer's tests: the 6.14.2 schema, captured server answers, a fake core client.

The fake stands in for ``InvokeAIClient`` in unit tests: it records what the seed layer asks of
the core and answers with queue items captured from a real InvokeAI 6.14.2.
"""

from __future__ import annotations

import copy
import json
import pathlib
from collections.abc import Callable
from typing import Any

from ivk_runtime.api.model_types import ModelInfo
from ivk_runtime.events import ProgressEvent
from ivk_runtime.client.results import RunResult, build_result
from ivk_runtime.client.submission import Submission
from ivk_runtime.graph.schema_index import SchemaIndex

DATA = pathlib.Path(__file__).parent / "data"
REPO = pathlib.Path(__file__).resolve().parents[2]
SDXL = (
    REPO
    / "tests"
    / "corpus"
    / "workflows"
    / "CodeGandee_invokeai-py-client__sdxl-text-to-image.json"
)


def load(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_schema() -> SchemaIndex:
    return SchemaIndex.from_file(REPO / "codegen" / "schemas" / "invokeai-6.14.2.json")


class FakeModels(list[dict[str, Any]]):
    """The core's ``client.models`` over server records: ``list()`` answers ModelInfo."""

    def list(self, **filters: Any) -> Any:
        return [ModelInfo.model_validate(m) for m in self]


class FakeClient:
    """The core client's methods the seed layer uses, answering from captures."""

    def __init__(self, schema: SchemaIndex, final_item: dict[str, Any] | None = None) -> None:
        self._schema = schema
        self.final_item = (
            final_item if final_item is not None else load("queue_item_completed.json")
        )
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self.models = []  # the core's models area (``client.models.list()``), from dicts
        self.boards: list[dict[str, Any]] = [load("board_create_response.json")]
        self.images: dict[str, list[str]] = {
            "none": ["u1.png"],
            self.boards[0]["board_id"]: ["b1.png"],
        }
        self.wait_raises: Exception | None = None

    @property
    def models(self) -> FakeModels:
        return self._models

    @models.setter
    def models(self, records: list[dict[str, Any]]) -> None:
        self._models = FakeModels(copy.deepcopy(records))

    def _log(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))

    def names(self) -> list[str]:
        return [c[0] for c in self.calls]

    def schema(self) -> SchemaIndex:
        self._log("schema")
        return self._schema

    def enqueue(
        self, workflow: Any, values_list: list[dict[int, Any]], *, attribute_names: Any = None
    ) -> Submission:
        self._log("enqueue", workflow, copy.deepcopy(values_list))
        return Submission(["batch-1"], [41, 42], {41: 0, 42: 0}, values_list)

    def get_queue_item(self, item_id: int) -> dict[str, Any]:
        self._log("get_queue_item", item_id)
        return {**copy.deepcopy(self.final_item), "item_id": item_id}

    def wait(
        self,
        item_id: int,
        *,
        timeout: float | None = None,
        progress: Callable[[ProgressEvent], None] | None = None,
    ) -> RunResult:
        self._log("wait", item_id, timeout=timeout)
        if self.wait_raises is not None:
            raise self.wait_raises
        item = {**copy.deepcopy(self.final_item), "item_id": item_id}
        if progress is not None:
            progress(
                ProgressEvent(item_id, "status", "in_progress", data={"status": "in_progress"})
            )
            progress(ProgressEvent(item_id, "progress", "in_progress", percentage=0.5))
            progress(ProgressEvent(item_id, "status", item["status"], data=item))
        return build_result(item, None, None)

    def cancel(self, item_id: int) -> None:
        self._log("cancel", item_id)

    def list_models(self) -> list[dict[str, Any]]:
        self._log("list_models")
        return copy.deepcopy(self.models)

    def list_boards(self, *, include_uncategorized: bool = False) -> list[dict[str, Any]]:
        self._log("list_boards", include_uncategorized=include_uncategorized)
        boards = copy.deepcopy(self.boards)
        if include_uncategorized:
            boards.insert(
                0,
                {
                    "board_id": "none",
                    "board_name": "Uncategorized",
                    "image_count": len(self.images["none"]),
                },
            )
        return boards

    def list_board_images(self, board_id: str) -> list[str]:
        self._log("list_board_images", board_id)
        return list(self.images.get(board_id, []))

    def upload_image(
        self, path: pathlib.Path, *, board_id: str | None = None, is_intermediate: bool = False
    ) -> dict[str, Any]:
        self._log("upload_image", path, board_id=board_id, is_intermediate=is_intermediate)
        assert path.is_file()
        dto = {**load("upload_response.json"), "board_id": board_id}
        self.images.setdefault(board_id or "none", []).insert(0, dto["image_name"])
        return dto

    def download_image(self, image_name: str, *, full_resolution: bool = True) -> bytes:
        self._log("download_image", image_name, full_resolution=full_resolution)
        return b"PNG:" + image_name.encode()

    def create_board(self, name: str) -> dict[str, Any]:
        self._log("create_board", name)
        board = {**load("board_create_response.json"), "board_id": f"id-{name}", "board_name": name}
        self.boards.append(board)
        return board

    def delete_board(self, board_id: str) -> None:
        self._log("delete_board", board_id)
        self.boards = [b for b in self.boards if b["board_id"] != board_id]


class AsyncFakeClient(FakeClient):
    """The async client's shape: the same names, awaitable."""

    async def enqueue(self, workflow: Any, values_list: list[dict[int, Any]], *, attribute_names: Any = None) -> Submission:  # type: ignore[override]
        return FakeClient.enqueue(self, workflow, values_list)

    async def get_queue_item(self, item_id: int) -> dict[str, Any]:  # type: ignore[override]
        return FakeClient.get_queue_item(self, item_id)

    async def wait(self, item_id: int, **kwargs: Any) -> RunResult:  # type: ignore[override]
        return FakeClient.wait(self, item_id, **kwargs)

    async def schema(self) -> SchemaIndex:  # type: ignore[override]
        return FakeClient.schema(self)
