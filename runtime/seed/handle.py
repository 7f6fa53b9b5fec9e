"""Moved to ``ivk_runtime.seed.workflow.workflow_handle``; this name stays importable."""

from .workflow.workflow_handle import (
    WorkflowHandle,
)

__all__ = [
    "WorkflowHandle",
]
