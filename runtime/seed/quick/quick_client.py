"""``QuickClient``: common tasks in one call, each a small prebuilt workflow run through the
client's workflow repository (``prebuilt-workflows/`` beside this module).

- ``copy_image_to_board``: a new image on a board, copied on the server (nothing downloaded).
- ``generate_image_sdxl_t2i``: SDXL text to image with the first matching SDXL main model.
"""

from __future__ import annotations

import pathlib
import warnings
from typing import TYPE_CHECKING, Any

from ...client.sync_client import InvokeAIClient
from ...errors import IvkError, RunCanceled, RunTimeout
from ..board.core import core_client
from ..images import IvkImage

if TYPE_CHECKING:
    from ..handle import WorkflowHandle

__all__ = ["QuickClient", "QuickRunCanceled", "pick_sdxl_main"]

PREBUILT = pathlib.Path(__file__).resolve().parent / "prebuilt-workflows"
_OUTPUT_NODES = ("l2i", "canvas_output", "save_image")


class QuickRunCanceled(UserWarning):
    """A run was canceled, so ``generate_image_sdxl_t2i`` returns None (1.1.1's contract)."""


class QuickClient:
    """A convenience wrapper around an ``InvokeAIClient`` (the seed's or the core one)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def copy_image_to_board(self, image_name: str, target_board_id: str) -> IvkImage | None:
        """Save a copy of a server image on a board ("none": uncategorized), on the server. A
        copy is made even if the image is on that board already. The copy's record, or None if
        the run produced no image. ValueError if the board or the image does not exist, or
        the run fails; the seed's WorkflowCanceledError if it was canceled, its
        WorkflowTimeoutError if it runs past 120 s (it goes on)."""
        repo = self.client.board_repo
        if repo.get_board_by_id(target_board_id) is None:
            raise ValueError(f"Target board does not exist: {target_board_id}")
        if repo.get_image_by_name(image_name) is None:
            raise ValueError(f"Source image does not exist on server: {image_name}")
        wf = self._workflow("copy-image.json")
        inputs = _inputs_by_field(wf)
        inputs["image"].value = image_name
        inputs["board"].value = target_board_id
        return self._run(wf, timeout=120)

    def generate_image_sdxl_t2i(
        self,
        positive_prompt: str,
        negative_prompt: str,
        width: int,
        height: int,
        steps: int | None = None,
        model_name: str | None = None,
        scheduler: str | None = None,
        board_id: str | None = None,
    ) -> IvkImage | None:
        """SDXL text to image: the first SDXL main model whose name contains ``model_name``
        (any case; None: the first SDXL main model), width and height rounded to multiples
        of 8, ``steps`` and ``scheduler`` if given, saved to ``board_id`` (None:
        uncategorized). The first image's record; None if the run was canceled (a
        QuickRunCanceled warning says so) or made no image. ValueError if there is no SDXL
        main model, none matches ``model_name``, the board does not exist, or the run fails;
        the seed's WorkflowTimeoutError (a TimeoutError) if it runs past 240 s: it goes on."""
        target = "none" if board_id is None else board_id
        if target != "none" and self.client.board_repo.get_board_by_id(target) is None:
            raise ValueError(f"Target board does not exist: {target}")
        model = self._sdxl_model(model_name)
        wf = self._workflow("sdxl-text-to-image.json")
        inputs = _inputs_by_field(wf)
        for inp in wf.list_inputs():
            label = (inp.label or "").lower()
            if inp.field_name == "value" and "positive" in label:
                wf.get_input_value(inp.input_index).value = positive_prompt  # type: ignore[attr-defined]
            elif inp.field_name == "value" and "negative" in label:
                wf.get_input_value(inp.input_index).value = negative_prompt  # type: ignore[attr-defined]
        inputs["width"].value = _round8(width)
        inputs["height"].value = _round8(height)
        if steps is not None:
            inputs["steps"].value = int(steps)
        if scheduler:
            inputs["scheduler"].value = str(scheduler)
        inputs["board"].value = target
        field = inputs["model"]
        for attr in ("key", "hash", "name", "base", "type"):
            setattr(field, attr, model.get(attr) or getattr(field, attr, None))
        return self._run(wf, timeout=240, canceled_is_none=True)

    # --- helpers ---

    def _workflow(self, file_name: str) -> WorkflowHandle:
        from ..definition import WorkflowDefinition  # the workflow layer loads only when used

        path = PREBUILT / file_name
        if not path.is_file():
            raise ValueError(f"Prebuilt workflow missing: {path}")
        handle: WorkflowHandle = self.client.workflow_repo.create_workflow(WorkflowDefinition.from_file(path))
        return handle

    def _sdxl_model(self, model_name: str | None) -> dict[str, Any]:
        core = core_client(self.client)
        try:
            # the core's list (dicts), not a seed client's override of the same name
            models = InvokeAIClient.list_models(core)
        except IvkError as exc:
            raise ValueError(f"Failed to list models: {exc}") from exc
        return pick_sdxl_main(models, model_name)

    def _run(self, wf: WorkflowHandle, *, timeout: float, canceled_is_none: bool = False) -> IvkImage | None:
        """The run's first image. A timeout raises the seed's WorkflowTimeoutError (the item
        id in it): the item keeps running, and a ValueError would invite a retry that runs it
        twice. A canceled run is None where 1.1.1 documented that (with a warning), else the
        seed's WorkflowCanceledError; any other failure a ValueError."""
        try:
            wf.submit_sync()
            item = wf.wait_for_completion_sync(timeout=timeout)
        except RunTimeout:
            raise
        except RunCanceled as exc:
            if not canceled_is_none:
                raise
            warnings.warn(QuickRunCanceled(f"{exc}: no image"), stacklevel=3)
            return None
        except Exception as exc:  # the seed's contract: every failure of the run is a ValueError
            raise ValueError(f"Workflow execution failed: {exc}") from exc
        mappings = wf.map_outputs_to_images(item)
        preferred = [m for m in mappings if str(m.get("node_type") or "").lower() in _OUTPUT_NODES]
        for m in [*preferred, *mappings]:
            names = m.get("image_names") or []
            if names:
                image: IvkImage | None = self.client.board_repo.get_image_by_name(names[0])
                return image
        return None


def pick_sdxl_main(models: list[dict[str, Any]], model_name: str | None) -> dict[str, Any]:
    """The first SDXL main model whose name contains ``model_name`` (any case); with no
    ``model_name`` the first SDXL main model. ValueError when there is none, or when a
    ``model_name`` fits none (1.1.1 fell back to the first then; its docs promise that only
    for None, and generating with another model than the one named is not what was asked)."""
    mains = [m for m in models if m.get("type") == "main" and m.get("base") == "sdxl"]
    if not mains:
        raise ValueError(
            "No SDXL 'main' model available on server: install one "
            "(Model Manager, or POST /api/v2/models/install) and try again"
        )
    if model_name is None:
        return mains[0]
    wanted = model_name.lower()
    chosen = next((m for m in mains if wanted in str(m.get("name", "")).lower()), None)
    if chosen is None:
        names = [str(m.get("name")) for m in mains]
        raise ValueError(f"No SDXL 'main' model matches {model_name!r}; installed: {names}")
    return chosen


def _inputs_by_field(wf: WorkflowHandle) -> dict[str, Any]:
    """The live fields of the workflow's inputs by field name (the prebuilt ones are unique)."""
    return {inp.field_name: wf.get_input_value(inp.input_index) for inp in wf.list_inputs()}


def _round8(n: int) -> int:
    return max(8, int(round(int(n) / 8) * 8))
