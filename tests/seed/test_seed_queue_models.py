"""The seed's data models (``ivk_runtime.seed.models``) and queue models, as 1.1.1 named them,
where the server's answers of 6.14 would have broken 1.1.1's."""

from __future__ import annotations

import datetime

import pytest
from pydantic import ValidationError

from ivk_runtime.api.queue_types import parse_item
from ivk_runtime.seed import images, models
from ivk_runtime.seed.models import BaseModelEnum, IvkDnnModel, IvkJob, JobStatus, SessionEvent
from ivk_runtime.seed.queue.queue_models import QueueItem, QueueItemStatus


def server_item(status: str, **extra: object) -> dict[str, object]:
    return {
        "item_id": 12, "status": status, "batch_id": "b1", "queue_id": "default",
        "session_id": "s1", "priority": 0, "origin": "ivk-codegen", "destination": "gallery",
        "created_at": "2026-12-01 12:00:00.5", "updated_at": "2026-12-01 12:00:01",
        "started_at": "2026-12-01 12:00:00.7", "completed_at": "2026-12-01 12:00:01",
        "session": {"id": "s1", "results": {"n": {"type": "integer_output", "value": 3}}},
        "workflow": {"id": "wf-1"}, "user_id": "system", **extra,
    }  # fmt: skip


def test_the_board_sides_image_types_are_the_same_classes() -> None:
    assert models.IvkImage is images.IvkImage and models.ImageCategory is images.ImageCategory


def test_waiting_items_parse() -> None:
    # 1.1.1's QueueItemStatus had no "waiting": a 6.14 item waiting on a workflow call failed
    # to parse at all.
    item = QueueItem.from_api(server_item("waiting"))
    assert item.status is QueueItemStatus.WAITING
    assert item.extra == {"user_id": "system"}  # unknown keys kept aside, as 1.1.1 did
    assert item.created_at == datetime.datetime(2026, 12, 1, 12, 0, 0, 500000)


@pytest.mark.parametrize(
    ("queue_status", "job_status"),
    [("pending", JobStatus.PENDING), ("in_progress", JobStatus.RUNNING), ("waiting", JobStatus.RUNNING),
     ("completed", JobStatus.COMPLETED), ("failed", JobStatus.FAILED), ("canceled", JobStatus.CANCELLED)],
)  # fmt: skip
def test_jobs_from_queue_items(queue_status: str, job_status: JobStatus) -> None:
    job = IvkJob.from_queue_item(parse_item(server_item(queue_status)))
    assert (job.id, job.status, job.workflow_id) == ("12", job_status, "wf-1")
    assert job.is_complete() is (job_status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED))
    assert job.progress == (1.0 if job_status is JobStatus.COMPLETED else 0.0)
    assert job.metadata["queue_status"] == queue_status and job.outputs["n"]["value"] == 3
    assert IvkJob.from_api_response(server_item(queue_status)) == job  # the raw item as well


def test_job_reason_and_queue_names() -> None:
    failed = IvkJob.from_queue_item(
        server_item("failed", error_type="ZeroDivisionError", error_message="division by zero")
    )
    assert failed.error == "ZeroDivisionError: division by zero" and not failed.is_successful()
    # The queue's names are understood too (1.1.1's enum alone refused "in_progress").
    assert IvkJob(id="1", status="in_progress").status is JobStatus.RUNNING  # type: ignore[arg-type]
    assert IvkJob(id="1", status="canceled").status is JobStatus.CANCELLED  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        IvkJob(id="1", status="exploded")  # type: ignore[arg-type]
    assert JobStatus.RUNNING.queue_statuses() == ("in_progress", "waiting")


def test_models_of_any_base() -> None:
    record = {
        "key": "k1", "name": "tiny", "base": "sd-3", "type": "embedding", "format": "embedding_file",
        "hash": "blake3:x", "path": "/m/tiny.safetensors", "source": "/tmp/tiny.safetensors",
        "file_size": 3000,
    }  # fmt: skip
    model = IvkDnnModel.from_api_response(record)
    assert model.base is BaseModelEnum.SD3  # 1.1.1 refused every base but six
    assert model.metadata == {"source": "/tmp/tiny.safetensors", "file_size": 3000}
    assert model.to_dict()["key"] == "k1"
    assert {m.name for m in BaseModelEnum} >= {"SD1", "SD2", "SDXL", "SDXL_REFINER", "FLUX", "FLUX_SCHNELL"}


def test_session_event() -> None:
    event = SessionEvent.from_websocket_message(
        {"event_type": "queue_item_status_changed", "session_id": "s1", "timestamp": 1764590400, "data": {"status": "completed"}}
    )
    assert event.timestamp is not None and event.timestamp.year == 2025
    assert event.to_dict()["data"] == {"status": "completed"}
