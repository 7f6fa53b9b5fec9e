"""Where node types come from: the bundled snapshot, a schema file, or a live server."""

from __future__ import annotations

import json
import os
import pathlib
from dataclasses import dataclass
from importlib import resources

from ivk_runtime.errors import SchemaError
from ivk_runtime.graph.schema_index import SchemaIndex
from ivk_runtime.workflow.jsoncopy import MAX_DEPTH

from .json_input import BadJson, parse_json
from .library_source import public_url

__all__ = ["SchemaSource", "bundled_schema_name", "load_schema", "untrusted_index"]


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
    schema_file: str | None = None,
    server: str | None = None,
    token: str | None = None,
    *,
    ambient_token: bool = True,
) -> SchemaSource:
    """``token`` (else $INVOKEAI_TOKEN, as the runtime reads it, unless ``ambient_token`` is
    False: a server the user did not name) for a multi-user server."""
    if server:
        import httpx  # only needed here; keeps the common path's start-up light

        base = server.rstrip("/")
        url = base + "/openapi.json"
        shown = public_url(base)  # errors name the server without its user:password@
        token = token or (os.environ.get("INVOKEAI_TOKEN") if ambient_token else None) or None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            response = httpx.get(url, timeout=30.0, headers=headers)
            response.raise_for_status()
            body = response.content
            # the schema's info.version is the API's, not InvokeAI's: ask the app
            answer = httpx.get(base + "/api/v1/app/version", timeout=30.0, headers=headers)
            about = parse_json(answer.content, "the app's version")
        except BadJson as exc:
            raise SchemaError(f"cannot read the version from {shown}/api/v1/app/version: {exc}") from exc
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            hint = (" (no token was sent: $INVOKEAI_TOKEN goes only to a server given by --server or the configured server, not to one only a module's header names: pass --token to send one)" if status in (401, 403) and not token and not ambient_token
                    else " (a multi-user server: pass --token or set INVOKEAI_TOKEN)" if status in (401, 403) and not token
                    else " (the token was refused)" if status in (401, 403) else "")  # fmt: skip
            raise SchemaError(f"cannot read the schema from {shown}/openapi.json: it answered {status}{hint}") from exc
        except (httpx.HTTPError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise SchemaError(f"cannot read the schema from {shown}/openapi.json: {reason}") from exc
        version = about.get("version") if isinstance(about, dict) else None
        index = untrusted_index(body, shown + "/openapi.json")
        label = f"InvokeAI {version if isinstance(version, str) and version else '?'} (from --server)"
        return SchemaSource(index, label, False)
    if schema_file:
        path = pathlib.Path(schema_file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SchemaError(f"{path.name}: cannot read the OpenAPI schema: {exc.strerror or exc}") from exc
        index = untrusted_index(data, path.name)
        # a server's own dump says only the API's version: name the file instead
        return SchemaSource(index, f"{index.source} (from --schema)", False)
    name = bundled_schema_name()  # ours: read as it is, without the checks it does not need
    data = json.loads(resources.files("ivk_codegen.schemas").joinpath(name).read_bytes())
    index = SchemaIndex(data, source=name)
    return SchemaSource(index, f"InvokeAI {index.version or '?'} (bundled snapshot)", True)


def untrusted_index(data: bytes, source: str) -> SchemaIndex:
    """A schema file's or a server's bytes, read as hostile input: the workflow reader's rules
    (no NaN, no 1e999, no 4,300-digit number) and no nesting past MAX_DEPTH, which no real
    schema comes near (InvokeAI's is 12 deep) and which keeps recursion away from the rest."""
    try:
        value = parse_json(data, "an OpenAPI schema", max_depth=MAX_DEPTH)
    except BadJson as exc:
        raise SchemaError(f"{source}: {exc}") from exc
    if not isinstance(value, dict):
        raise SchemaError(f"{source}: not an OpenAPI document: its JSON is not an object")
    return SchemaIndex(value, source=source)
