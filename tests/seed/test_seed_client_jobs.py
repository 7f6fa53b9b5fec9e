"""``ivk_runtime.seed.InvokeAIClient``'s jobs (``list_jobs``, ``get_job``, ``cancel_job``)
through its queue repository, on a real server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from seed_fakes import REPO

from ivk_runtime.seed import InvokeAIClient, WorkflowDefinition

pytestmark = pytest.mark.server

BLUR = REPO / "tests" / "workflows" / "blur_image.json"


@pytest.fixture(scope="module")
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient.from_url(invokeai_url) as c:
        yield c


def test_jobs_go_through_the_queue_repository(client: InvokeAIClient) -> None:
    handle = client.create_workflow(WorkflowDefinition.from_file(BLUR))
    submitted = handle.submit_sync()
    item = handle.wait_for_completion_sync(timeout=120)
    job_id = str(submitted["item_ids"][0])
    job = client.get_job(job_id)
    assert (job.id, str(getattr(job.status, "value", job.status))) == (job_id, "completed")
    listed = client.list_jobs(status="completed", limit=500)
    assert job_id in [j.id for j in listed] and item.status == "completed"
    assert len(client.list_jobs(limit=1)) == 1
    with pytest.raises(ValueError):
        client.cancel_job(job_id)  # finished already
    with pytest.raises(ValueError):
        client.get_job("999999999")
