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


@pytest.fixture(scope="session")
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
async def aclient(invokeai_url: str) -> Iterator[AsyncInvokeAIClient]:  # type: ignore[misc]
    async with AsyncInvokeAIClient(invokeai_url, timeout=60) as c:
        yield c
