"""Custom field types on a real server: the project's node pack (tests/node_pack/ivk_test_nodes,
loaded by the 6.14.2 server scripts/test.sh starts) echoes what its two custom-typed inputs
received, and that must be exactly the JSON of the extension types' values, or the values the
workflow saved when the Python side sets nothing."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from pydantic import TypeAdapter

from ivk_codegen.cli import main as codegen
from ivk_runtime import InvokeAIClient

pytestmark = pytest.mark.server

PACK = Path(__file__).resolve().parents[1] / "node_pack"
WORKFLOW = PACK / "echo_fields.json"
NODE_ID = "echo-fields"
PACK_COMPONENTS = ("IvkTestEchoFieldsInvocation", "IvkTestOperationField", "IvkTestStyleField")
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "codegen"))
from codegen_support import import_path, mypy  # noqa: E402


@pytest.fixture(scope="module")
def server_components(invokeai_url: str) -> dict[str, Any]:
    components: dict[str, Any] = httpx.get(f"{invokeai_url}/openapi.json", timeout=60).json()["components"]["schemas"]
    if "IvkTestEchoFieldsInvocation" not in components:
        pytest.skip(
            f"the server at {invokeai_url} lacks the project's node pack: start it with "
            f"IVK_NODE_PACKS={PACK / 'ivk_test_nodes'} (scripts/test.sh does)"
        )
    return components


@pytest.fixture(scope="module")
def echo_module(invokeai_url: str, server_components: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    out = tmp_path_factory.mktemp("custom_types") / "echo_fields.py"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(PACK)  # where a user runs it: the extension module is found from here
        code = codegen([str(WORKFLOW), "--server", invokeai_url, "--extension", "ivk_test_types", "-o", str(out), "-q"])
        assert code == 0
        mp.syspath_prepend(str(PACK))  # the generated module imports ivk_test_types
        yield out, import_path(out, "e2e_custom_types")


@pytest.fixture(scope="module")
def pack_client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


def _received(client: InvokeAIClient, params: Any) -> Any:
    result = params.run(client, timeout=120)
    assert result.status == "completed"
    return json.loads(result.output(NODE_ID, "value"))


def test_the_servers_pack_is_the_one_the_offline_tests_use(server_components: dict[str, Any]) -> None:
    recorded = json.loads((PACK / "ivk_test_nodes.schema.json").read_text(encoding="utf-8"))
    assert {name: server_components[name] for name in PACK_COMPONENTS} == recorded


def test_the_module_generated_from_the_server_passes_mypy_strict(
    echo_module: tuple[Path, ModuleType], pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    path, _ = echo_module
    kept = getattr(pytestconfig, "cache", None)  # tests/codegen's mypy cache, when there is one
    cache = Path(kept.mkdir("ivk-codegen-mypy")) if kept is not None else tmp_path / "mypy-cache"
    done = mypy([path], cache, mypy_path=[PACK], cwd=path.parent)
    assert done.returncode == 0, done.stdout


def test_the_saved_values_reach_the_node(pack_client: InvokeAIClient, echo_module: tuple[Path, ModuleType]) -> None:
    _, module = echo_module
    saved = json.loads(WORKFLOW.read_text(encoding="utf-8"))["nodes"][0]["data"]["inputs"]
    assert _received(pack_client, module.EchoFields()) == {
        "operation": saved["operation"]["value"], "style": saved["style"]["value"],
    }  # fmt: skip


def test_a_model_and_a_dataclass_reach_the_node_as_their_json(
    pack_client: InvokeAIClient, echo_module: tuple[Path, ModuleType]
) -> None:
    import ivk_test_types as types

    _, module = echo_module
    operation = types.IvkTestOperation(op="prepend", text='quotes " and \\ and ünïcode', times=5)
    style = types.IvkTestStyle(name="bold", weight=1.75, tags=["x", "y", "z"])
    got = _received(pack_client, module.EchoFields(operation=operation, style=style))
    assert got == {
        "operation": TypeAdapter(types.IvkTestOperation).dump_python(operation, mode="json"),
        "style": TypeAdapter(types.IvkTestStyle).dump_python(style, mode="json"),
    }
    assert got["operation"]["text"] == operation.text and got["style"]["tags"] == ["x", "y", "z"]
