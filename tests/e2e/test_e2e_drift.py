"""A generated module meets a server whose nodes changed since it was generated: a field gone
or retyped is refused before the run, naming the attribute (the value would have been dropped
or misread); a version bump with the types unchanged warns once; ``--check --server`` reports
the same for CI. The module is generated from a copy of the real server's schema as an older
server had it (the node one version back, the field named or typed as it was then)."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from ivk_codegen.cli import main as codegen
from ivk_runtime import InvokeAIClient
from ivk_runtime.errors import DriftError, DriftWarning

pytestmark = pytest.mark.server

RUNTIME_TESTS = Path(__file__).resolve().parents[1] / "runtime"


def blur_workflow(field: str) -> dict[str, Any]:
    sys.path.insert(0, str(RUNTIME_TESTS))
    from wfbuild import blur_chain

    data = copy.deepcopy(blur_chain().data)
    for node in data["nodes"]:
        if node["id"] == "blur":
            node["data"]["version"] = "1.2.1"
            inputs = node["data"]["inputs"]
            inputs[field] = {**inputs.pop("radius"), "name": field}
    for element in data["form"]["elements"].values():
        ident = element.get("data", {}).get("fieldIdentifier")
        if ident and ident["nodeId"] == "blur":
            ident["fieldName"] = field
    return data


def older_schema(live: dict[str, Any], rename: str | None = None, retype: bool = False) -> dict[str, Any]:
    """The live schema with img_blur one version back: its radius renamed or retyped."""
    old = copy.deepcopy(live)
    blur = old["components"]["schemas"]["ImageBlurInvocation"]
    blur["version"] = "1.2.1"
    props = blur["properties"]
    if rename:
        props[rename] = props.pop("radius")
    if retype:
        bounds = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
        props["radius"] = {k: v for k, v in props["radius"].items() if k not in bounds}
        props["radius"].update(type="string", default="2")
    return old


def generate(tmp: Path, workflow: dict[str, Any], schema: dict[str, Any], name: str) -> tuple[Path, ModuleType]:
    (tmp / f"{name}.json").write_text(json.dumps(workflow))
    (tmp / f"{name}.schema.json").write_text(json.dumps(schema))
    out = tmp / f"{name}.py"
    assert codegen([str(tmp / f"{name}.json"), "-o", str(out), "-q", "--schema", str(tmp / f"{name}.schema.json")]) == 0
    spec = importlib.util.spec_from_file_location(f"drift_{name}", out)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return out, module


@pytest.fixture(scope="module")
def live_schema(invokeai_url: str) -> dict[str, Any]:
    return dict(httpx.get(f"{invokeai_url}/openapi.json").json())


def test_a_renamed_field_is_refused_naming_the_attribute(
    invokeai_url: str, live_schema: dict[str, Any], tmp_path: Path
) -> None:
    out, module = generate(tmp_path, blur_workflow("blur_radius"), older_schema(live_schema, rename="blur_radius"), "renamed")
    (cls,) = [getattr(module, n) for n in module.__all__]
    (attribute,) = [s.attribute for s in cls._inputs if s.field == "blur_radius"]
    params = cls(**{attribute: 7.0})
    before = httpx.get(f"{invokeai_url}/api/v1/queue/default/status").json()["queue"]["total"]
    with InvokeAIClient(invokeai_url) as client, pytest.raises(DriftError) as info:
        params.run(client, timeout=60)
    text = str(info.value)
    assert f"attribute {attribute!r}" in text and "no field 'blur_radius'" in text and "1.2.1 -> 1.2.2" in text
    assert httpx.get(f"{invokeai_url}/api/v1/queue/default/status").json()["queue"]["total"] == before
    # and --check --server says the same, exit 1
    assert codegen([str(tmp_path / "renamed.json"), "-o", str(out), "--check", "--server", invokeai_url]) == 1


def test_a_retyped_field_is_refused(invokeai_url: str, live_schema: dict[str, Any], tmp_path: Path) -> None:
    _, module = generate(tmp_path, blur_workflow("radius"), older_schema(live_schema, retype=True), "retyped")
    (cls,) = [getattr(module, n) for n in module.__all__]
    with InvokeAIClient(invokeai_url) as client, pytest.raises(DriftError, match="type of img_blur.radius changed"):
        cls(radius="3").run(client, timeout=60)


def test_a_compatible_version_bump_warns_once_and_runs(
    invokeai_url: str, live_schema: dict[str, Any], tmp_path: Path
) -> None:
    _, module = generate(tmp_path, blur_workflow("radius"), older_schema(live_schema), "bumped")
    (cls,) = [getattr(module, n) for n in module.__all__]
    with InvokeAIClient(invokeai_url) as client:
        with pytest.warns(DriftWarning, match="img_blur is 1.2.2 on the server, 1.2.1"):
            first = cls(width=26, radius=1.0).run(client, timeout=60)
        with warnings.catch_warnings():
            warnings.simplefilter("error", DriftWarning)  # once per client, not per run
            second = cls(width=27, radius=1.0).run(client, timeout=60)
    assert [first.images[0].width, second.images[0].width] == [26, 27]
