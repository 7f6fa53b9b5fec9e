"""Fixtures of the seed layer's tests."""

from __future__ import annotations

import pytest
from seed_fakes import FakeClient, load_schema

from ivk_runtime.graph.schema_index import SchemaIndex


@pytest.fixture(scope="session")
def schema() -> SchemaIndex:
    return load_schema()


@pytest.fixture
def fake(schema: SchemaIndex) -> FakeClient:
    return FakeClient(schema)
