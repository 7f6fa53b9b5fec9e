"""Moved to ``ivk_runtime.seed.workflow.field_factory``; this name stays importable."""

from .workflow.field_factory import (
    build_field,
    field_schema,
    is_required,
)

__all__ = [
    "build_field",
    "field_schema",
    "is_required",
]
