"""1.1.1's pydantic models in the seed's workflow package, used as its users use them:
``WorkflowDefinition`` built from fields, ``IvkWorkflowInput`` built by keyword,
``field_plugins.CoreFieldPlugin`` as the built-in rule set, and the seed client's
``list_models`` / ``get_model_info`` answering ``IvkDnnModel``s (that last part on a server)."""

from __future__ import annotations

import json
import pathlib
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from seed_fakes import DATA, REPO, SDXL, FakeClient

from ivk_runtime.seed import InvokeAIClient as SeedClient
from ivk_runtime.seed.fields import IvkFloatField, IvkIntegerField, IvkStringField
from ivk_runtime.seed.models import BaseModelEnum, IvkDnnModel
from ivk_runtime.seed.workflow import (
    IvkWorkflowInput,
    IvkWorkflowOutput,
    WorkflowDefinition,
    WorkflowDefinitionError,
    WorkflowHandle,
    WorkflowRepository,
)
from ivk_runtime.seed.workflow import field_plugins
from ivk_runtime.seed.workflow.field_plugins import CoreFieldPlugin
from ivk_runtime.seed.workflow.upstream_models import build_input_jsonpath

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "runtime"))
from embedding_file import write_embedding  # noqa: E402

NESTED = REPO / "tests" / "workflows" / "nested_form.json"  # a 4.0.0 export


def blur_data() -> dict[str, Any]:
    return json.loads((DATA / "blank_blur_save.json").read_text())


# --- WorkflowDefinition ---------------------------------------------------------------------


def test_definition_built_from_fields_like_a_pydantic_model() -> None:
    src = blur_data()
    d = WorkflowDefinition(
        name="mine", nodes=src["nodes"], edges=src["edges"], form=src["form"], meta={"version": "3.0.0"}
    )
    assert (d.name, d.version, d.node_count, d.edge_count, d.tags) == ("mine", "3.0.0", 3, 2, [])
    dumped = d.model_dump()
    assert dumped["name"] == "mine" and dumped["nodes"] == src["nodes"]
    assert "raw_data" not in dumped  # excluded, as in 1.1.1
    assert d.to_dict() == dumped  # no raw data: what the fields make up
    # the core reads what the fields make up: the Form's inputs and their saved values
    assert [(i.node_id, i.field_name, i.value) for i in d.workflow.inputs][:2] == [
        ("blank", "width", 64),
        ("blank", "height", 48),
    ]
    d.name = "renamed"  # validate_assignment, as 1.1.1's
    assert d.name == "renamed"
    with pytest.raises(ValueError):
        d.nodes = "not a list"  # type: ignore[assignment]


def test_definition_without_a_format_version_is_refused_when_parsed() -> None:
    d = WorkflowDefinition(name="x")  # constructible, as 1.1.1's
    assert d.version == "unknown"
    with pytest.raises(WorkflowDefinitionError, match="meta.version"):
        d.workflow


def test_loaded_definition_keeps_extra_keys_and_round_trips() -> None:
    d = WorkflowDefinition.from_file(NESTED)
    assert d.version == "4.0.0" and len(d.workflow.inputs) == 8  # 4.0.0 loads (1.1.1 refused it)
    dumped = d.model_dump()
    assert dumped["version"] == "1.0.0"  # the workflow's own version: an extra key, kept
    assert d.tags == ["test", "form", "strings"]  # split, as 1.1.1's from_dict did
    again = WorkflowDefinition.model_validate_json(d.model_dump_json())
    assert [i.field_name for i in again.workflow.inputs] == [i.field_name for i in d.workflow.inputs]
    assert d.model_copy(deep=True).workflow.inputs == d.workflow.inputs


def test_an_edit_after_a_handle_was_made_never_reaches_it() -> None:
    d = WorkflowDefinition.from_dict(blur_data())
    handle = WorkflowHandle(None, d)
    d.nodes[0]["data"]["inputs"]["width"]["value"] = 500
    assert handle.workflow.inputs[0].value == 64
    assert WorkflowHandle(None, d).get_input_value(0).value == 500  # type: ignore[attr-defined]


# --- IvkWorkflowInput -----------------------------------------------------------------------


def make_input(**over: Any) -> IvkWorkflowInput:
    kw: dict[str, Any] = dict(
        label="Steps", node_name="Denoise", node_id="n1", field_name="steps",
        field=IvkIntegerField(value=20), required=True, input_index=3,
        jsonpath="$.nodes[0].data.inputs.steps",
    )  # fmt: skip
    kw.update(over)
    return IvkWorkflowInput(**kw)


def test_input_takes_the_111_keywords_and_dumps_like_its_model() -> None:
    inp = make_input()
    assert inp.node_type == "" and inp.description == ""  # ours, optional
    dumped = inp.model_dump()
    assert dumped["jsonpath"] == "$.nodes[0].data.inputs.steps"
    assert dumped["field"]["value"] == 20  # the field dumped as its model
    assert json.loads(inp.model_dump_json())["input_index"] == 3
    assert IvkWorkflowOutput is IvkWorkflowInput
    with pytest.raises(ValueError):  # pydantic's ValidationError: jsonpath is required, as in 1.1.1
        IvkWorkflowInput(
            label="", node_name="", node_id="n", field_name="f",
            field=IvkStringField(value="x"), required=False, input_index=0,
        )  # type: ignore[call-arg]  # fmt: skip
    with pytest.raises(ValueError):
        make_input(field="not a field")


def test_field_type_is_locked_and_a_refused_assignment_changes_nothing() -> None:
    inp = make_input()
    same = IvkIntegerField(value=7)
    inp.field = same
    assert inp.field is same  # the live field, not a copy
    with pytest.raises(TypeError, match="expected IvkIntegerField, got IvkFloatField"):
        inp.field = IvkFloatField(value=1.5)
    assert inp.field is same  # 1.1.1 raised after the field had already been replaced
    copied = inp.model_copy()
    with pytest.raises(TypeError):
        copied.field = IvkStringField(value="x")


def test_handle_inputs_carry_jsonpath_and_node_type(fake: FakeClient) -> None:
    wf = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_file(SDXL))
    for inp in wf.list_inputs():
        assert inp.jsonpath == build_input_jsonpath(inp.node_id, inp.field_name)
        assert inp.node_type and inp.model_dump()["node_type"] == inp.node_type


# --- CoreFieldPlugin ------------------------------------------------------------------------


@pytest.fixture
def plugins() -> Iterator[None]:
    field_plugins.reset_field_plugin_manager()
    yield
    field_plugins.reset_field_plugin_manager()


def test_core_plugin_is_the_builtin_rule_set(plugins: None) -> None:
    core = CoreFieldPlugin()
    assert core.detect_field_type("x", "steps", {"value": 30}) == "integer"
    assert core.detect_field_type("x", "anything", {}) is None  # undecided: the caller falls back
    assert field_plugins.detect_field_type("x", "anything", {}) == "string"
    # valueless with integer bounds: integer, as 1.1.1's numeric_constraints_integer rule
    assert core.detect_field_type("x", "n", {"minimum": 1, "maximum": 8}) == "integer"
    assert core.detect_field_type("x", "n", {"minimum": 0.5, "maximum": 8}) == "float"
    built = core.build_field("integer", 3.0, {"minimum": 0})
    assert isinstance(built, IvkIntegerField) and (built.value, built.minimum) == (3, 0)
    assert core.build_field("no-such-type", 1, {}) is None
    value = {"board_id": "b1"}
    board = core.build_field("board", value, {})
    assert board is not None and board.value == "b1" and value == {"board_id": "b1"}
    manager = field_plugins.get_field_plugin_manager()
    assert [type(p) for p in manager.get_plugins()] == [CoreFieldPlugin]


def test_user_plugins_answer_before_the_core_and_can_build_on_it(plugins: None) -> None:
    class Seeds(CoreFieldPlugin):
        def detect_field_type(self, node_type: str, field_name: str, field_info: dict[str, Any]) -> str | None:
            if field_name == "seed":
                return "seed"
            return super().detect_field_type(node_type, field_name, field_info)

        def build_field(self, field_type: str, value: Any, field_info: dict[str, Any]) -> Any:
            if field_type == "seed":
                return IvkIntegerField(value=int(value), minimum=0)
            return super().build_field(field_type, value, field_info)

    plugin = Seeds()
    field_plugins.register_field_plugin(plugin)
    assert field_plugins.get_field_plugin_manager().get_plugins()[0] is plugin
    seed = field_plugins.build_field({"type": "noise"}, "seed", {"value": "42"})
    assert isinstance(seed, IvkIntegerField) and (seed.value, seed.minimum) == (42, 0)
    steps = field_plugins.build_field({"type": "noise"}, "steps", {"value": 9})
    assert isinstance(steps, IvkIntegerField) and steps.value == 9


def test_unregistering_the_core_leaves_the_string_fallback(plugins: None) -> None:
    manager = field_plugins.get_field_plugin_manager()
    [core] = manager.get_plugins()
    assert manager.unregister(core) is core and not manager.is_registered(core)
    assert field_plugins.detect_field_type("x", "steps", {"value": 30}) == "string"
    field_plugins.reset_field_plugin_manager()
    assert field_plugins.detect_field_type("x", "steps", {"value": 30}) == "integer"


def test_core_plugin_registered_again_does_not_outrank_the_schema(plugins: None) -> None:
    field_plugins.register_field_plugin(CoreFieldPlugin())
    # the user's own rules decide over the schema; the built-in ones never do
    assert field_plugins.custom_field("x", "steps", {"value": 30}) is None


# --- sync_dnn_model with IvkDnnModel --------------------------------------------------------


def test_sync_reads_the_cores_model_list_not_the_seeds(fake: FakeClient) -> None:
    wf = WorkflowRepository(fake).create_workflow(WorkflowDefinition.from_file(SDXL))
    fake.models = [
        IvkDnnModel(key="server-key", name="juggernautXL_v9Rundiffusionphoto2", base="sdxl", type="main", hash="h").model_dump(mode="json")
    ]
    [(old, new)] = wf.sync_dnn_model(by_name=True)
    assert "list_models" not in fake.names()  # the seed's objects map unknown bases to "unknown"
    assert (new.key, new.base, wf.get_input_value(0).key) == ("server-key", "sdxl", "server-key")  # type: ignore[attr-defined]


# --- the seed client's models, on a server ------------------------------------------------


@pytest.mark.server
def test_seed_client_lists_ivk_dnn_models(invokeai_url: str, tmp_path: pathlib.Path) -> None:
    embedding = write_embedding(tmp_path / f"ivk_seed_models_{uuid.uuid4().hex[:8]}.safetensors")
    client = SeedClient.from_url(invokeai_url)
    try:
        info = client.dnn_model_repo.install_model(str(embedding), inplace=True).wait_until(timeout=60)
        assert info.model_key
        try:
            models = client.list_models()
            assert models and all(isinstance(m, IvkDnnModel) for m in models)
            [mine] = [m for m in models if m.key == info.model_key]
            assert (mine.name, mine.base, mine.type) == (embedding.stem, BaseModelEnum.SD1, "embedding")
            assert mine.path == str(embedding) and mine.metadata.get("format") is None
            sd1 = client.list_models(base_model="sd-1")
            assert info.model_key in [m.key for m in sd1] and all(m.base is BaseModelEnum.SD1 for m in sd1)
            assert [m.key for m in client.list_models(BaseModelEnum.SD1)] == [m.key for m in sd1]  # type: ignore[arg-type]
            assert info.model_key not in [m.key for m in client.list_models(base_model="sdxl")]
            got = client.get_model_info(info.model_key)
            assert isinstance(got, IvkDnnModel) and got == mine
            with pytest.raises(ValueError, match="no-such-key"):
                client.get_model_info("no-such-key")
        finally:
            client.dnn_model_repo.delete_model(info.model_key)
    finally:
        client.close()
