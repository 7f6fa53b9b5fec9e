"""The seed's model records without a server: a record 1.1.1's DnnModel rejects reads here,
install overrides become the server's body, and jobs and statistics map as documented."""

from __future__ import annotations

from ivk_runtime.api import models
from ivk_runtime.api.model_types import CacheStats, ModelInfo
from ivk_runtime.errors import IvkError
from ivk_runtime.seed.dnn_model import (
    BaseDnnModelType,
    DnnModel,
    DnnModelFormat,
    DnnModelType,
    InstallJobStatus,
    InvokeAIClientError,
    ModelInstallConfig,
)
from ivk_runtime.seed.dnn_model._convert import config_differences, installed_from, job_info, stats_of
from ivk_runtime.seed.models import IvkJob, JobStatus

RECORD = {
    "key": "k", "hash": "blake3:ab", "path": "/m/q", "file_size": 10, "name": "q", "description": None,
    "source": "/m/q", "source_type": "path", "type": "qwen3_encoder", "format": "qwen3_encoder",
    "base": "some-future-base", "variant": None,
}  # fmt: skip


def test_a_record_newer_than_the_seed_reads() -> None:
    model = DnnModel.from_api_response(RECORD)
    assert model.description == "" and model.type is DnnModelType.Qwen3Encoder
    assert model.format is DnnModelFormat.Qwen3Encoder and model.base is BaseDnnModelType.Unknown
    assert model.get_category() == "Unknown (qwen3_encoder)"
    assert "source_type" not in model.to_dict() and model.to_dict()["file_size"] == 10


def test_install_overrides_are_the_servers_record_changes() -> None:
    config = ModelInstallConfig(name="n", base=BaseDnnModelType.StableDiffusion1, type=DnnModelType.TextualInversion,
                                extra={"cpu_only": True})  # fmt: skip
    assert config.to_record_changes() == {"name": "n", "base": "sd-1", "type": "embedding", "cpu_only": True}


def test_jobs_and_stats_map_as_the_seed_documents() -> None:
    dup = models.parse_job({"id": 4, "status": "error", "source": {"path": "/m/e", "type": "local"},
                            "error": "already installed", "error_reason": "DuplicateModelException"})  # fmt: skip
    info = job_info(dup, "key-1")
    assert (info.status, info.model_key, info.extra["reason"], info.error) == (
        InstallJobStatus.COMPLETED, "key-1", "already_installed", None,
    )  # fmt: skip
    failed = job_info(models.parse_job({"id": 5, "status": "error", "error": "e", "error_reason": "R", "source": "s"}))
    assert failed.status is InstallJobStatus.ERROR and (failed.error, failed.error_reason) == ("e", "R")
    paused = job_info(models.parse_job({"id": 6, "status": "paused", "source": "s"}))
    assert paused.status is InstallJobStatus.PAUSED
    stats = stats_of(CacheStats(hits=3, misses=1, cache_size=2 << 20, cleared=2, loaded_model_sizes={"a": 1 << 20}))
    assert (stats.hit_rate, stats.miss_rate, stats.ram_used_mb, stats.ram_capacity_mb, stats.loads, stats.evictions) == (
        0.75, 0.25, 1.0, 2.0, 1, 2,
    )  # fmt: skip
    assert issubclass(InvokeAIClientError, IvkError)


def test_installed_from_ignores_empty_sources_and_paths() -> None:
    blank = ModelInfo.model_validate({**RECORD, "key": "blank", "source": "", "path": ""})
    other = ModelInfo.model_validate({**RECORD, "key": "other", "source": "/m/x", "path": "/models/x"})
    # 1.x matched a job whose source is "" against a model whose source is "" too.
    assert installed_from([blank, other], "", None) is None
    assert installed_from([blank, other], "/m/x") is other
    assert installed_from([blank, other], "", "/models/x") is other  # the job's local path
    assert installed_from([blank, other], "/m/none") is None


def test_config_differences_name_each_field_asked_otherwise() -> None:
    model = ModelInfo.model_validate(RECORD)
    assert config_differences({"name": "q", "type": "qwen3_encoder"}, model) == {}
    assert config_differences({"name": "other", "description": None}, model) == {
        "name": {"asked": "other", "installed": "q"}
    }


def test_an_install_status_newer_than_the_seed_is_unknown_with_the_servers_word() -> None:
    info = job_info(models.parse_job({"id": 3, "status": "verifying", "source": "/m/e"}))
    assert info.status is InstallJobStatus.UNKNOWN and info.extra["server_status"] == "verifying"


def test_a_queue_status_newer_than_the_seed_is_unknown_not_pending() -> None:
    # 1.x read any status it did not know (and "") as PENDING.
    assert JobStatus.from_queue_status("paused_for_input") is JobStatus.UNKNOWN
    assert JobStatus.from_queue_status("") is JobStatus.UNKNOWN
    assert JobStatus.from_queue_status("canceled") is JobStatus.CANCELLED
    job = IvkJob.from_queue_item({"item_id": 4, "status": "paused_for_input", "batch_id": "b"})
    assert job.status is JobStatus.UNKNOWN and job.metadata["queue_status"] == "paused_for_input"
    assert not job.is_complete()


def test_a_model_of_a_base_newer_than_the_client_still_lists() -> None:
    """One model of a base the enum lacks made the whole client.list_models() raise."""
    from ivk_runtime.seed.models import BaseModelEnum, IvkDnnModel

    model = IvkDnnModel.from_api_response({"key": "k", "name": "n", "base": "sd-9", "type": "main"})
    assert model.base is BaseModelEnum.UNKNOWN and model.metadata["server_base"] == "sd-9"
    known = IvkDnnModel.from_api_response({"key": "k", "name": "n", "base": "sdxl", "type": "main"})
    assert known.base is BaseModelEnum.SDXL and "server_base" not in known.metadata
