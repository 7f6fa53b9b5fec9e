"""sync_dnn_model: model references matched to the server's models, the caller's data untouched."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from seed_fakes import SDXL, FakeClient

from ivk_runtime.seed import IvkModelIdentifierField, WorkflowDefinition, WorkflowRepository
from ivk_runtime.seed.model_sync import match_model

SAVED = {
    "key": "914b2e5a-b8d3-4da1-965f-b3775bbc5745",
    "hash": "blake3:7bb02e9351409debc5727aeeb83f77340931d3c8f86d2d6c69f67af8de20dd74",
    "name": "juggernautXL_v9Rundiffusionphoto2",
    "base": "sdxl",
    "type": "main",
}


def model(
    key: str, name: str, base: str = "sdxl", type_: str = "main", hash_: str = ""
) -> dict[str, Any]:
    return {
        "key": key,
        "hash": hash_ or f"blake3:{key}",
        "name": name,
        "base": base,
        "type": type_,
        "format": "x",
    }


def test_matching_order_and_type_guard() -> None:
    models = [
        model("vae1", "juggernautXL_v9Rundiffusionphoto2", type_="vae"),
        model("m-sd1", "juggernautXL_v9Rundiffusionphoto2", base="sd-1"),
        model("m-sdxl", "juggernautXL_v9Rundiffusionphoto2"),
        model("other", "aaa-sdxl"),
    ]
    # name: same type only, and the same base preferred
    assert match_model(SAVED, models, by_name=True, by_base=False)["key"] == "m-sdxl"  # type: ignore[index]
    assert match_model(SAVED, models, by_name=False, by_base=False) is None
    # base: same type and base, first by name
    assert match_model(SAVED, models, by_name=False, by_base=True)["key"] == "other"  # type: ignore[index]
    # hash wins over name; key wins over hash
    by_hash = [*models, model("h", "zzz", hash_=SAVED["hash"])]
    assert match_model(SAVED, by_hash, by_name=True, by_base=True)["key"] == "h"  # type: ignore[index]
    by_key = [*by_hash, model(SAVED["key"], "renamed")]
    assert match_model(SAVED, by_key, by_name=True, by_base=True)["name"] == "renamed"  # type: ignore[index]
    # a VAE never stands in for a main model, even by base
    assert match_model(SAVED, [model("v", "v", type_="vae")], by_name=True, by_base=True) is None


def test_sync_changes_only_the_handle_and_reports_pairs(fake: FakeClient) -> None:
    data = json.loads(SDXL.read_text())
    before = copy.deepcopy(data)
    definition = WorkflowDefinition.from_dict(data)
    wf = WorkflowRepository(fake).create_workflow(definition)
    fake.models = [model("server-key", "juggernautXL_v9Rundiffusionphoto2")]

    changed = wf.sync_dnn_model(by_name=True, by_base=True)

    [(old, new)] = changed
    assert isinstance(old, IvkModelIdentifierField) and isinstance(new, IvkModelIdentifierField)
    assert (old.key, new.key) == (SAVED["key"], "server-key")
    field = wf.get_input_value(0)
    assert isinstance(field, IvkModelIdentifierField) and field.key == "server-key"
    # the handle's own workflow carries the new reference (so no Form value differs from it)
    assert wf.values() == {}
    node = next(n for n in wf.workflow.data["nodes"] if n["id"] == "sdxl_model_loader:PwBr7RXRsy")
    assert node["data"]["inputs"]["model"]["value"]["key"] == "server-key"
    assert data == before
    assert definition.workflow.inputs[0].value == SAVED
    assert definition.to_dict() == before
    assert wf.sync_dnn_model(by_name=True, by_base=True) == []  # already in sync


def test_unmatched_reference_raises_and_changes_nothing(fake: FakeClient) -> None:
    wf = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_file(SDXL))
    fake.models = [model("v", "some-vae", type_="vae")]
    with pytest.raises(ValueError, match="juggernautXL_v9Rundiffusionphoto2"):
        wf.sync_dnn_model(by_name=True, by_base=True)
    assert wf.get_input_value(0).key == SAVED["key"]  # type: ignore[attr-defined]
    assert wf.values() == {}


def test_user_set_model_is_what_gets_matched(fake: FakeClient) -> None:
    wf = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_file(SDXL))
    fake.models = [model("a", "wanted"), model("b", "juggernautXL_v9Rundiffusionphoto2")]
    field = wf.get_input_value(0)
    assert isinstance(field, IvkModelIdentifierField)
    field.key, field.hash, field.name = "stale", "", "wanted"
    [(old, new)] = wf.sync_dnn_model()
    assert (old.name, new.key, field.key) == ("wanted", "a", "a")
