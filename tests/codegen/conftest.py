"""Fixtures of the generator's tests (tests/codegen).

The snapshot files are Python modules and the typing cases are mypy inputs: neither is a test
module, so pytest must not collect them (a snapshot's name starts with ``test_``).
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest

from ivk_codegen.schema_source import SchemaSource, load_schema

collect_ignore_glob = ["__snapshots__/*", "typing_cases/*"]


@pytest.fixture(scope="session")
def bundled_schema() -> SchemaSource:
    return load_schema()


@pytest.fixture(scope="session")
def mypy_cache_dir(request: pytest.FixtureRequest) -> pathlib.Path:
    """A mypy cache kept between sessions (pydantic's stubs take ~15 s to check cold)."""
    return pathlib.Path(request.config.cache.mkdir("ivk-codegen-mypy"))


@pytest.fixture
def fast_schema(monkeypatch: pytest.MonkeyPatch, bundled_schema: SchemaSource) -> Iterator[None]:
    """The CLI's bundled-schema load, done once per session (0.2 s per call otherwise).

    Only the no-option case is served from the cache; --schema and --server load as usual.
    """
    import ivk_codegen.cli as cli

    real = load_schema

    def cached(schema_file: str | None = None, server: str | None = None, token: str | None = None) -> SchemaSource:
        if schema_file is None and server is None:
            return bundled_schema
        return real(schema_file, server, token)

    monkeypatch.setattr(cli, "load_schema", cached)
    yield
