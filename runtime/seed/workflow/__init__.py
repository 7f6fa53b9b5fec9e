"""The seed's workflow API (``invokeai_py_client.workflow``'s names): definitions, handles,
the repository; ``upstream_models`` (the JSON as pydantic models) and ``field_plugins`` (field
types where no server schema says them)."""

from .results import OutputMapping
from .inputs import IvkWorkflowInput, IvkWorkflowOutput
from .workflow_handle import WorkflowHandle
from .workflow_model import WorkflowDefinition, WorkflowDefinitionError
from .workflow_repo import WorkflowRepository

__all__ = [
    "IvkWorkflowInput",
    "IvkWorkflowOutput",
    "OutputMapping",
    "WorkflowDefinition",
    "WorkflowDefinitionError",
    "WorkflowHandle",
    "WorkflowRepository",
]
