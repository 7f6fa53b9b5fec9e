"""The model manager with invokeai-py-client's names (``invokeai_py_client.dnn_model``):
``client.dnn_model_repo`` is a ``DnnModelRepository``; models are ``DnnModel``, install jobs
``ModelInstJobHandle``. A thin layer over the core's ``client.models``."""

from .dnn_model_exceptions import (
    APIRequestError,
    InvokeAIClientError,
    ModelInstallJobFailed,
    ModelInstallStartError,
    ModelInstallTimeout,
    ModelManagerError,
)
from .dnn_model_models import (
    FoundModel,
    HFLoginStatus,
    InstallJobStatus,
    ModelInstallConfig,
    ModelInstJobInfo,
    ModelManagerStats,
)
from .dnn_model_repo import DnnModelRepository
from .dnn_model_types import BaseDnnModelType, DnnModel, DnnModelFormat, DnnModelType
from .model_inst_job_handle import ModelInstJobHandle

__all__ = [
    "DnnModel",
    "DnnModelRepository",
    "DnnModelType",
    "BaseDnnModelType",
    "DnnModelFormat",
    "InstallJobStatus",
    "ModelInstJobInfo",
    "ModelManagerStats",
    "HFLoginStatus",
    "FoundModel",
    "ModelInstallConfig",
    "ModelInstJobHandle",
    "InvokeAIClientError",
    "APIRequestError",
    "ModelManagerError",
    "ModelInstallStartError",
    "ModelInstallJobFailed",
    "ModelInstallTimeout",
]
