"""The seed client's API (``invokeai_py_client``'s names) as a thin layer over ivk_runtime's core:
the top layer, mapping those names onto ``client`` (and the pure ``workflow`` and ``graph``).

from ivk_runtime.client import InvokeAIClient
from ivk_runtime.seed import WorkflowDefinition

client = InvokeAIClient("http://127.0.0.1:9090")
wf = client.workflow_repo.create_workflow(WorkflowDefinition.from_file("workflow.json"))
wf.get_input_value(0).value = "a prompt"
wf.submit_sync()
item = wf.wait_for_completion_sync(timeout=180)
for m in wf.map_outputs_to_images(item):
    print(m["node_id"], m["image_names"])
"""

from .board import Board, BoardHandle
from .client import InvokeAIClient
from .definition import WorkflowDefinition, WorkflowDefinitionError
from .fields import (
    SCHEDULER_NAMES,
    IvkBoardField,
    IvkBooleanField,
    IvkCollectionField,
    IvkColorField,
    IvkEnumField,
    IvkField,
    IvkFloatField,
    IvkImageField,
    IvkIntegerField,
    IvkJsonField,
    IvkModelIdentifierField,
    IvkSchedulerField,
    IvkStringField,
    SchedulerName,
)
from .handle import WorkflowHandle
from .images import ImageCategory, IvkImage
from .inputs import IvkWorkflowInput, IvkWorkflowOutput
from .models import BaseModelEnum, IvkDnnModel, IvkJob, JobStatus, SessionEvent
from .queue import JobHandle, QueueHandle, QueueRepository
from .repos import BoardRepository, WorkflowRepository
from .results import (
    OutputMapping,
    QueueItem,
    WorkflowCanceledError,
    WorkflowExecutionError,
    WorkflowSubmissionError,
    WorkflowTimeoutError,
)

__all__ = [
    "BaseModelEnum",
    "IvkDnnModel",
    "IvkJob",
    "JobHandle",
    "JobStatus",
    "QueueHandle",
    "QueueRepository",
    "SessionEvent",
    "SCHEDULER_NAMES",
    "Board",
    "BoardHandle",
    "BoardRepository",
    "ImageCategory",
    "IvkBoardField",
    "IvkBooleanField",
    "IvkCollectionField",
    "IvkColorField",
    "IvkEnumField",
    "IvkField",
    "IvkFloatField",
    "IvkImage",
    "IvkImageField",
    "IvkIntegerField",
    "IvkJsonField",
    "IvkModelIdentifierField",
    "IvkSchedulerField",
    "IvkStringField",
    "InvokeAIClient",
    "IvkWorkflowInput",
    "IvkWorkflowOutput",
    "OutputMapping",
    "QueueItem",
    "SchedulerName",
    "WorkflowCanceledError",
    "WorkflowDefinition",
    "WorkflowDefinitionError",
    "WorkflowExecutionError",
    "WorkflowHandle",
    "WorkflowRepository",
    "WorkflowSubmissionError",
    "WorkflowTimeoutError",
]
