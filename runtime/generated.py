"""The base of generated modules (``ivk_runtime.client.generated``), at the path they import:
keep it."""

from __future__ import annotations

from .client.generated import GeneratedWorkflow, InputSpec, workflow_config

__all__ = ["GeneratedWorkflow", "InputSpec", "workflow_config"]
