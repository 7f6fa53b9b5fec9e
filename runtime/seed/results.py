"""Moved to ``ivk_runtime.seed.workflow.results``; this name stays importable."""

from .workflow.results import (
    OutputMapping,
    QueueItem,
    WorkflowCanceledError,
    WorkflowExecutionError,
    WorkflowSubmissionError,
    WorkflowTimeoutError,
    map_outputs,
)

__all__ = [
    "OutputMapping",
    "QueueItem",
    "WorkflowCanceledError",
    "WorkflowExecutionError",
    "WorkflowSubmissionError",
    "WorkflowTimeoutError",
    "map_outputs",
]
