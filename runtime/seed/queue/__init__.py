"""The queue in invokeai-py-client's names (``invokeai_py_client.queue``): ``QueueRepository``
finds queues, ``QueueHandle`` is one queue, ``JobHandle`` one of its items. All of them call
the core's ``client.queue``."""

from .job_handle import JobHandle
from .queue_handle import QueueHandle
from .queue_repo import QueueRepository

__all__ = ["JobHandle", "QueueHandle", "QueueRepository"]
