"""The seed's repositories, ``client.workflow_repo`` (now in ``seed.workflow``) and
``client.board_repo`` (now in ``seed.board``).

Both take the core client (``InvokeAIClient`` or ``AsyncInvokeAIClient``) and never speak
HTTP themselves.
"""

from __future__ import annotations

from .board.board_repo import BoardRepository  # moved; the core imports it from here
from .workflow.workflow_repo import WorkflowRepository  # moved; the core imports it from here

__all__ = ["BoardRepository", "WorkflowRepository"]
