"""Models: the installed models (requests and answers, pure)."""

from __future__ import annotations

from typing import Any

from .call import Call

__all__ = ["list_models_call", "parse_models"]


def list_models_call() -> Call:
    return Call("GET", "/api/v2/models/", idempotent=True)


def parse_models(data: Any) -> list[dict[str, Any]]:
    models = data.get("models", []) if isinstance(data, dict) else data
    return [dict(m) for m in models or [] if isinstance(m, dict)]
