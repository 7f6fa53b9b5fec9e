"""Where node types come from: the bundled snapshot, a schema file, or a live server."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from importlib import resources

from ivk_runtime.errors import SchemaError
from ivk_runtime.graph.schema_index import SchemaIndex

__all__ = ["SchemaSource", "bundled_schema_name", "load_schema"]


@dataclass(frozen=True)
class SchemaSource:
    index: SchemaIndex
    label: str  # for the module header, e.g. "InvokeAI 6.14.2 (bundled snapshot)"
    is_bundled: bool


def bundled_schema_name() -> str:
    names = sorted(
        p.name for p in resources.files("ivk_codegen.schemas").iterdir()
        if p.name.startswith("invokeai-") and p.name.endswith(".json")
    )  # fmt: skip
    if not names:
        raise SchemaError("the bundled OpenAPI snapshot is missing from ivk_codegen.schemas")
    return names[-1]


def load_schema(
    schema_file: str | None = None, server: str | None = None, token: str | None = None
) -> SchemaSource:
    """``token`` (else $INVOKEAI_TOKEN, as the runtime reads it) for a multi-user server."""
    if server:
        import httpx  # only needed here; keeps the common path's start-up light

        base = server.rstrip("/")
        url = base + "/openapi.json"
        token = token or os.environ.get("INVOKEAI_TOKEN") or None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = httpx.get(url, timeout=30.0, headers=headers)
            response.raise_for_status()
            index = SchemaIndex(response.json(), source=url)
            # the schema's info.version is the API's, not InvokeAI's: ask the app
            answer = httpx.get(base + "/api/v1/app/version", timeout=30.0, headers=headers)
            version = answer.json().get("version")
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            hint = (" (a multi-user server: pass --token or set INVOKEAI_TOKEN)" if status in (401, 403) and not token
                    else " (the token was refused)" if status in (401, 403) else "")  # fmt: skip
            raise SchemaError(f"cannot read the schema from {url}: it answered {status}{hint}") from exc
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise SchemaError(f"cannot read the schema from {url}: {reason}") from exc
        return SchemaSource(index, f"InvokeAI {version or '?'} (from --server)", False)
    if schema_file:
        index = SchemaIndex.from_file(schema_file)
        # a server's own dump says only the API's version: name the file instead
        return SchemaSource(index, f"{index.source} (from --schema)", False)
    name = bundled_schema_name()
    data = json.loads(resources.files("ivk_codegen.schemas").joinpath(name).read_bytes())
    index = SchemaIndex(data, source=name)
    return SchemaSource(index, f"InvokeAI {index.version or '?'} (bundled snapshot)", True)
