"""Moved to ``ivk_runtime.seed.workflow.workflow_model``; this name stays importable."""

from .workflow.workflow_model import (
    WorkflowDefinition,
    WorkflowDefinitionError,
)

__all__ = [
    "WorkflowDefinition",
    "WorkflowDefinitionError",
]
