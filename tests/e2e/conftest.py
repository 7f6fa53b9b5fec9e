"""Modules generated from the project's model-free workflows, imported for the end-to-end tests."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from ivk_codegen.cli import main as codegen
from ivk_runtime import AsyncInvokeAIClient
from ivk_runtime import InvokeAIClient

WORKFLOWS = Path(__file__).resolve().parents[1] / "workflows"


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ModuleType]:
    """workflow stem -> the module ivk-codegen generated from it (fresh, not the examples)."""
    out = tmp_path_factory.mktemp("generated")
    assert codegen([str(WORKFLOWS), "-o", str(out), "-q"]) == 0
    modules = {}
    for path in sorted(out.glob("*.py")):
        name = f"e2e_generated_{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # pydantic resolves the annotations through sys.modules
        spec.loader.exec_module(module)
        modules[path.stem] = module
    return modules


# The end-to-end tests run on each InvokeAI version the project supports.
SERVERS = {"6.14.2": "invokeai_url", "5.15.0": "invokeai5_url", "4.2.9": "invokeai4_url"}


@pytest.fixture(scope="session", params=list(SERVERS))
def server_url(request: pytest.FixtureRequest) -> str:
    return str(request.getfixturevalue(SERVERS[request.param]))


@pytest.fixture(scope="session")
def client(server_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(server_url, timeout=60) as c:
        yield c


@pytest.fixture
async def aclient(server_url: str) -> Iterator[AsyncInvokeAIClient]:  # type: ignore[misc]
    async with AsyncInvokeAIClient(server_url, timeout=60) as c:
        yield c
