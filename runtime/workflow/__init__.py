"""The workflow file as InvokeAI's GUI reads it (pure, no I/O beyond reading the file): parse
(``load``), migrate old formats (``migrate``), check the structure (``schema``), walk the Form
to its inputs (``form``), and the workflow as attached to a batch (``attach``). The bottom
layer: it imports only ``ivk_runtime.errors``; the generator builds on it and ``graph``."""

from __future__ import annotations

from .load import FormInput, Workflow, WorkflowError, load_workflow, parse_workflow, with_values

__all__ = ["FormInput", "Workflow", "WorkflowError", "load_workflow", "parse_workflow", "with_values"]
