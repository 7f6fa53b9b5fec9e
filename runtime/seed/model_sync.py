"""Moved to ``ivk_runtime.seed.workflow.model_sync``; this name stays importable."""

from .workflow.model_sync import (
    ModelReference,
    SyncResult,
    find_model_references,
    match_model,
    sync_references,
    is_model_identifier,
    identifier_of,
)

__all__ = [
    "ModelReference",
    "SyncResult",
    "find_model_references",
    "match_model",
    "sync_references",
    "is_model_identifier",
    "identifier_of",
]
