"""The server itself: its version and its OpenAPI schema (requests and answers, pure)."""

from __future__ import annotations

from typing import Any

from .call import Call

__all__ = ["parse_version", "schema_call", "version_call"]


def version_call() -> Call:
    return Call("GET", "/api/v1/app/version", idempotent=True)


def parse_version(data: Any) -> str:
    return str(data.get("version", "")) if isinstance(data, dict) else str(data)


def schema_call() -> Call:
    return Call("GET", "/openapi.json", idempotent=True)
