"""The JSON shapes of InvokeAI's object field values, shared by the runtime's value types
and the generator (which must not import pydantic models just to know them)."""

from __future__ import annotations

__all__ = ["MODEL_REQUIRED"]

# ModelIdentifierField: these are required; ``submodel_type`` is optional.
MODEL_REQUIRED: tuple[str, ...] = ("key", "hash", "name", "base", "type")
