"""The seed's model records without a server: a record 1.1.1's DnnModel rejects reads here,
install overrides become the server's body, and jobs and statistics map as documented."""

from __future__ import annotations

from ivk_runtime.api import models
from ivk_runtime.api.model_types import CacheStats
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
from ivk_runtime.seed.dnn_model._convert import job_info, stats_of

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
