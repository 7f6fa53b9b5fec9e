"""Custom field types end to end in the generator: the extension module is found from the
current directory, and a saved value becomes an instance of the extension's type, written as
a call that mypy checks. The node pack and its types are tests/node_pack's (the server side is
tested in tests/e2e/test_e2e_custom_types.py)."""

from __future__ import annotations

import ast
import json
import pathlib
import sys
import textwrap
from typing import Any

import pytest
from codegen_support import REPO, generated_class, import_path, mypy, run_cli

from ivk_codegen.extensions import TypeExtension, load_extensions
from ivk_codegen.pipeline import generate_source
from ivk_codegen.schema_source import SchemaSource
from ivk_codegen.verify import UnsafeOutput, verify_module
from ivk_runtime.graph.schema_index import SchemaIndex
from ivk_runtime.values import to_field_json

NODE_PACK = REPO / "tests" / "node_pack"
ECHO = NODE_PACK / "echo_fields.json"
BUNDLED = REPO / "codegen" / "schemas" / "invokeai-6.14.2.json"


def _pack_schema() -> dict[str, Any]:
    """The bundled schema with the ivk_test_nodes pack's components, as its server has them."""
    schema = json.loads(BUNDLED.read_text(encoding="utf-8"))
    pack = json.loads((NODE_PACK / "ivk_test_nodes.schema.json").read_text(encoding="utf-8"))
    schema["components"]["schemas"].update(pack)
    return schema


@pytest.fixture(scope="module")
def pack_schema() -> SchemaSource:
    return SchemaSource(SchemaIndex(_pack_schema(), "pack"), "InvokeAI 6.14.2 + ivk_test_nodes", False)


@pytest.fixture
def in_pack(monkeypatch: pytest.MonkeyPatch) -> list[TypeExtension]:
    """The pack's folder as the current directory (where a user runs ivk-codegen), and its
    extensions; its types stay importable for the generated modules."""
    monkeypatch.chdir(NODE_PACK)
    monkeypatch.syspath_prepend(str(NODE_PACK))
    return load_extensions(["ivk_test_types"])


def _echo(operation: Any = None, style: Any = None) -> dict[str, Any]:
    raw = json.loads(ECHO.read_text(encoding="utf-8"))
    inputs = raw["nodes"][0]["data"]["inputs"]
    for name, value in (("operation", operation), ("style", style)):
        if value is not None:
            inputs[name]["value"] = value
    return raw


def _generate(raw: dict[str, Any], schema: SchemaSource, exts: list[TypeExtension], tmp: pathlib.Path) -> tuple[Any, tuple[str, ...], str]:
    gen = generate_source(raw, "echo_fields.json", schema, extensions=exts)
    path = tmp / f"echo_{len(list(tmp.iterdir()))}.py"
    path.write_text(gen.code, encoding="utf-8")
    return generated_class(import_path(path)), gen.messages, gen.code


def test_an_extension_module_is_found_from_the_current_directory(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as the README says to run it: `ivk-codegen --extension my_pack.ivk_types`, no PYTHONPATH
    pack = tmp_path / "ivk_cwd_pack"
    pack.mkdir()
    (pack / "__init__.py").write_text("")
    (pack / "ivk_types.py").write_text(textwrap.dedent("""
        from pydantic import BaseModel
        from ivk_codegen.extensions import TypeExtension

        class Op(BaseModel):
            op: str
            text: str
            times: int

        IVK_TYPE_EXTENSIONS = [TypeExtension(ref="IvkTestOperationField", python_type="ivk_cwd_pack.ivk_types.Op")]
    """))
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(_pack_schema()), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in ("ivk_cwd_pack", "ivk_cwd_pack.ivk_types"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    path_before = list(sys.path)
    assert str(tmp_path) not in sys.path

    result = run_cli([ECHO, "--schema", schema_file, "--extension", "ivk_cwd_pack.ivk_types", "-o", tmp_path / "m.py"])

    assert result.code == 0, result.err
    code = (tmp_path / "m.py").read_text(encoding="utf-8")
    assert "from ivk_cwd_pack.ivk_types import Op\n" in code
    assert 'Op(op="append", text="saved text", times=2)' in code
    assert sys.path == path_before  # the current directory was on it only while importing


def test_saved_values_become_instances_of_the_extension_types(
    in_pack: list[TypeExtension], pack_schema: SchemaSource, tmp_path: pathlib.Path
) -> None:
    import ivk_test_types as types

    cls, messages, code = _generate(_echo(), pack_schema, in_pack, tmp_path)
    assert not [m for m in messages if "echo" in m or "does not fit" in m], messages
    params = cls()
    assert params.operation == types.IvkTestOperation(op="append", text="saved text", times=2)
    assert params.style == types.IvkTestStyle(name="saved style", weight=0.25, tags=["a", "b"])
    assert isinstance(params.style, types.IvkTestStyle)  # a dataclass, not the saved dict
    assert cls().style.tags is not params.style.tags  # a fresh instance each time
    # and they serialize back to exactly what the workflow saved
    saved = _echo()["nodes"][0]["data"]["inputs"]
    assert params.to_values() == {0: saved["operation"]["value"], 1: saved["style"]["value"]}


def test_the_generated_module_passes_mypy_strict(
    in_pack: list[TypeExtension], pack_schema: SchemaSource, tmp_path: pathlib.Path, mypy_cache_dir: pathlib.Path
) -> None:
    code = generate_source(_echo(), "echo_fields.json", pack_schema, extensions=in_pack).code
    (tmp_path / "echo_fields.py").write_text(code, encoding="utf-8")
    (tmp_path / "use_echo.py").write_text(textwrap.dedent("""
        from echo_fields import EchoFields
        from ivk_test_types import IvkTestOperation, IvkTestStyle

        params = EchoFields(operation=IvkTestOperation(op="prepend", text="x"))
        params.style = IvkTestStyle(name="n", weight=1.0)
        times: int = params.operation.times
        params.operation = {"op": "append"}  # E: a dict is not the type
    """))
    done = mypy([tmp_path / "echo_fields.py", tmp_path / "use_echo.py"], mypy_cache_dir,
                mypy_path=[NODE_PACK, tmp_path], cwd=tmp_path)  # fmt: skip
    errors = [ln for ln in done.stdout.splitlines() if ": error:" in ln]
    lines = (tmp_path / "use_echo.py").read_text().splitlines()
    bad = next(i for i, ln in enumerate(lines, 1) if "# E:" in ln)
    assert len(errors) == 1 and f"use_echo.py:{bad}:" in errors[0] and "IvkTestOperation" in errors[0], done.stdout


@pytest.mark.parametrize(
    ("operation", "style", "why"),
    [
        ({"op": "delete", "text": "x", "times": 1}, None, "not a IvkTestOperation"),  # not a choice
        ({"op": "append", "text": "x", "times": 1, "more": 1}, None, "not a IvkTestOperation"),  # forbidden key
        ({"op": "append", "text": "x", "times": True}, None, "changes the saved 'times'"),  # true is not 1
        (None, {"name": "s", "weight": 0.5, "tags": [], "colour": "red"}, "drops the saved key 'colour'"),
        (None, {"name": "s", "tags": []}, "not a IvkTestStyle"),  # weight missing
        (None, ["not", "an", "object"], "not a IvkTestStyle"),
    ],
)  # fmt: skip
def test_a_saved_value_that_does_not_fit_makes_the_input_required(
    operation: Any, style: Any, why: str, in_pack: list[TypeExtension], pack_schema: SchemaSource, tmp_path: pathlib.Path
) -> None:
    cls, messages, _ = _generate(_echo(operation, style), pack_schema, in_pack, tmp_path)
    name = "operation" if operation is not None else "style"
    (warning,) = [m for m in messages if m.startswith("warning: input") and f"({name})" in m]
    assert why in warning, warning
    with pytest.raises((TypeError, ValueError), match=name):
        cls()  # required now: the user must give one


def test_saved_text_stays_a_string_literal(
    in_pack: list[TypeExtension], pack_schema: SchemaSource, tmp_path: pathlib.Path
) -> None:
    hostile = 'x", times=__import__("os").system("id"), text="'
    cls, _, code = _generate(_echo({"op": "append", "text": hostile, "times": 1}), pack_schema, in_pack, tmp_path)
    assert cls().operation.text == hostile
    calls = {n.func.id for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    # (SystemExit and main: the module's __main__ entry, which verify_workflow_data fixes)
    assert calls == {"dataclass", "Field", "InputSpec", "IvkTestOperation", "IvkTestStyle", "SystemExit", "main"}


def test_the_verifier_allows_only_the_extensions_own_calls(
    in_pack: list[TypeExtension], pack_schema: SchemaSource
) -> None:
    code = generate_source(_echo(), "echo_fields.json", pack_schema, extensions=in_pack).code
    source = code.split("\n\n\n# The workflow as exported", 1)[0] + "\n"
    modules = frozenset({"ivk_test_types"})
    verify_module(source, modules, frozenset({"IvkTestOperation", "IvkTestStyle"}))
    with pytest.raises(UnsafeOutput, match="unexpected call"):
        verify_module(source, modules)  # without the extension, its call is foreign
    with pytest.raises(UnsafeOutput, match="unexpected call"):
        verify_module(source.replace("IvkTestStyle(name", "print(name"), modules,
                      frozenset({"IvkTestOperation", "IvkTestStyle"}))  # fmt: skip


PYDANTIC_DATACLASS = '''
from pydantic.dataclasses import dataclass
from ivk_codegen.extensions import TypeExtension

@dataclass(frozen=True)
class Style:
    name: str
    weight: float
    tags: list[str]

IVK_TYPE_EXTENSIONS = [TypeExtension(ref="IvkTestStyleField", python_type="{module}.Style")]
'''


def test_a_pydantic_dataclass_works_too(
    pack_schema: SchemaSource, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = "ivk_test_pydantic_dc_types"
    (tmp_path / f"{module}.py").write_text(PYDANTIC_DATACLASS.format(module=module), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, module, raising=False)
    out = tmp_path / "gen"
    out.mkdir()
    cls, _, code = _generate(_echo(), pack_schema, load_extensions([module]), out)
    assert 'Style(name="saved style", weight=0.25, tags=["a", "b"])' in code
    style = cls().style
    assert type(style).__name__ == "Style" and style.tags == ["a", "b"]
    assert to_field_json(style) == {"name": "saved style", "weight": 0.25, "tags": ["a", "b"]}


def test_dataclass_values_serialize_as_pydantic_json(in_pack: list[TypeExtension]) -> None:
    import ivk_test_types as types

    style = types.IvkTestStyle(name="n", weight=2.5, tags=["t"])
    assert to_field_json(style) == {"name": "n", "weight": 2.5, "tags": ["t"]}
    assert to_field_json([style]) == [{"name": "n", "weight": 2.5, "tags": ["t"]}]
    assert to_field_json(types.IvkTestOperation(op="append", text="t")) == {"op": "append", "text": "t", "times": 1}


ALIASED = '''
from pydantic import BaseModel, ConfigDict, Field
from ivk_codegen.extensions import TypeExtension

class Op(BaseModel):
    model_config = ConfigDict(serialize_by_alias=True)
    op: str
    text: str = Field(alias="text-value")
    times: int

IVK_TYPE_EXTENSIONS = [TypeExtension(ref="IvkTestOperationField", python_type="{module}.Op")]
'''


def test_a_field_name_that_is_no_identifier_never_becomes_a_keyword(
    pack_schema: SchemaSource, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = "ivk_test_aliased_types"
    (tmp_path / f"{module}.py").write_text(ALIASED.format(module=module), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, module, raising=False)
    out = tmp_path / "gen"
    out.mkdir()
    raw = _echo({"op": "append", "text-value": "x", "times": 1})
    cls, messages, code = _generate(raw, pack_schema, load_extensions([module]), out)
    (warning,) = [m for m in messages if "(operation)" in m]
    assert "cannot be written as a call" in warning or "drops the saved key" in warning, warning
    assert "text-value=" not in code
    with pytest.raises((TypeError, ValueError), match="operation"):
        cls()
