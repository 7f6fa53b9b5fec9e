"""Moved to ``ivk_runtime.seed.workflow.inputs``; this name stays importable."""

from .workflow.inputs import (
    IvkWorkflowInput,
    IvkWorkflowOutput,
)

__all__ = [
    "IvkWorkflowInput",
    "IvkWorkflowOutput",
]
