"""``client.models`` against a real InvokeAI server: embeddings made here install for real from
a local path, are listed, fetched, found and deleted; failures carry the server's reasons.
Nothing is downloaded: URL and Hugging Face sources are ones that fail before any byte."""

from __future__ import annotations

import pathlib
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from ivk_runtime.api import models
from ivk_runtime.api.model_types import InstallJob
from ivk_runtime.client.model_install_sync import ModelInstall
from ivk_runtime.client.async_client import AsyncInvokeAIClient
from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import (
    AmbiguousModel,
    HTTPStatusError,
    ModelAlreadyInstalled,
    ModelInstallFailed,
    ModelInstallRefused,
    ModelInstallStatusUnknown,
    NotFound,
)

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from embedding_file import write_embedding  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url, timeout=60) as c:
        yield c


@pytest.fixture
def embedding(tmp_path: pathlib.Path) -> pathlib.Path:
    name = f"ivk_emb_{uuid.uuid4().hex[:8]}"
    return write_embedding(tmp_path / "models" / f"{name}.safetensors")


def test_a_local_embedding_installs_is_listed_found_and_deleted(
    client: InvokeAIClient, embedding: pathlib.Path
) -> None:
    seen: list[InstallJob] = []
    install = client.models.install(embedding, inplace=True)
    assert install.job.source == str(embedding)
    job = install.wait(timeout=60, progress=seen.append)
    assert job.status == "completed" and seen[-1].status == "completed"
    model = job.model
    assert model is not None and job.model_key == model.key
    assert (model.name, model.base, model.type, model.format) == (
        embedding.stem, "sd-1", "embedding", "embedding_file",
    )  # fmt: skip
    assert model.path == str(embedding) and model.file_size == embedding.stat().st_size
    assert model.description == "" and model.hash.startswith("blake3:")
    try:
        assert client.models.get(model.key) == model
        assert model.key in [m.key for m in client.models.list(base=["sdxl", "sd-1"], type="embedding")]
        assert model.key not in [m.key for m in client.models.list(base="sdxl")]
        assert client.models.find(embedding.stem) == model
        assert client.models.find(embedding.stem, base="sd-1", type="embedding") == model
        assert client.models.find(embedding.stem, type="main") is None
        assert model.identifier() == {
            "key": model.key, "hash": model.hash, "name": model.name, "base": "sd-1", "type": "embedding",
        }  # fmt: skip
    finally:
        client.models.delete(model.key)
    with pytest.raises(NotFound) as missing:
        client.models.get(model.key)
    assert missing.value.status == 404 and model.key in str(missing.value)
    with pytest.raises(NotFound):
        client.models.delete(model.key)
    assert embedding.exists()  # in place: the server leaves the user's file


def test_an_install_that_copies_leaves_the_source_and_names_it(
    client: InvokeAIClient, embedding: pathlib.Path
) -> None:
    job = client.models.install(embedding, config={"name": "ivk copied", "description": "d"}).wait(60)
    assert job.model is not None
    try:
        assert job.model.name == "ivk copied" and job.model.description == "d"
        assert job.model.source == str(embedding) and job.model.path != str(embedding)
    finally:
        client.models.delete(job.model.key)


def test_a_path_that_does_not_exist_is_refused_with_the_servers_reason(
    client: InvokeAIClient, tmp_path: pathlib.Path
) -> None:
    missing = tmp_path / "no-such-model.safetensors"
    start = time.monotonic()
    with pytest.raises(ModelInstallRefused) as refused:
        client.models.install(missing, inplace=True)
    assert time.monotonic() - start < 10
    assert refused.value.status == 409 and refused.value.source == str(missing)
    assert "Unsupported model source" in refused.value.reason and str(missing) in str(refused.value)


def test_a_second_install_of_one_file_fails_as_already_installed(
    client: InvokeAIClient, embedding: pathlib.Path
) -> None:
    first = client.models.install(embedding, inplace=True).wait(60)
    assert first.model is not None
    try:
        again = client.models.install(str(embedding), inplace=True)
        with pytest.raises(ModelAlreadyInstalled) as dup:
            again.wait(60)
        assert dup.value.error_reason == "DuplicateModelException"
        assert "already installed" in (dup.value.error or "") and again.job.already_installed
    finally:
        client.models.delete(first.model.key)


def test_an_unreachable_url_fails_promptly_with_the_servers_reason(client: InvokeAIClient) -> None:
    url = f"https://ivk-{uuid.uuid4().hex[:8]}.invalid/model.safetensors"
    start = time.monotonic()
    install = client.models.install(url)
    assert install.job.source == url and install.job.source_type == "url"
    with pytest.raises(ModelInstallFailed) as failed:
        install.wait(timeout=60)
    assert time.monotonic() - start < 30
    assert not isinstance(failed.value, ModelAlreadyInstalled)
    assert failed.value.status == "error" and failed.value.error_reason
    assert "ivk-" in (failed.value.error or "") and url in str(failed.value)


def test_a_hugging_face_id_the_server_cannot_fetch_is_refused_promptly(client: InvokeAIClient) -> None:
    start = time.monotonic()
    with pytest.raises(ModelInstallRefused) as refused:  # the test server is offline to HF
        client.models.install(f"ivk-test/none-such-{uuid.uuid4().hex[:8]}")
    assert time.monotonic() - start < 30 and refused.value.status >= 400


def test_install_jobs_are_listed_fetched_cancelled_and_pruned(
    client: InvokeAIClient, embedding: pathlib.Path
) -> None:
    install = client.models.install(embedding, inplace=True)
    job = install.wait(60)
    assert job.model is not None
    try:
        assert job.id in [j.id for j in client.models.install_jobs()]
        fetched = client.models.install_job(job.id)
        assert fetched.job.status == "completed" and fetched.job.model_key == job.model_key
        with pytest.raises(NotFound):
            client.models.install_job(10**9)
        with pytest.raises(NotFound):
            client.models.cancel_install(10**9)
        client.models.prune_install_jobs()
        assert job.id not in [j.id for j in client.models.install_jobs()]
        with pytest.raises(NotFound):
            install.refresh()
    finally:
        client.models.delete(job.model.key)


def test_cancelling_a_job_marks_it_cancelled(client: InvokeAIClient) -> None:
    install = client.models.install(f"https://ivk-{uuid.uuid4().hex[:8]}.invalid/m.safetensors")
    with pytest.raises(ModelInstallFailed):
        install.wait(60)
    assert install.cancel().status == "cancelled"
    with pytest.raises(ModelInstallFailed) as cancelled:
        install.wait(5)
    assert cancelled.value.status == "cancelled"


def test_a_scan_finds_the_file_and_whether_it_is_installed(
    client: InvokeAIClient, embedding: pathlib.Path
) -> None:
    before = client.models.scan_folder(embedding.parent)
    assert [(f.path, f.is_installed) for f in before] == [(str(embedding), False)]
    job = client.models.install(embedding, inplace=True).wait(60)
    assert job.model is not None
    try:
        after = client.models.scan_folder(str(embedding.parent))
        assert [(f.path, f.is_installed) for f in after] == [(str(embedding), True)]
    finally:
        client.models.delete(job.model.key)
    with pytest.raises(HTTPStatusError) as bad:
        client.models.scan_folder(embedding.parent / "nope")
    assert bad.value.status == 400 and "could not be scanned" in str(bad.value)


def test_one_name_on_two_models_is_ambiguous(client: InvokeAIClient, tmp_path: pathlib.Path) -> None:
    name = f"ivk-same-{uuid.uuid4().hex[:8]}"
    keys = []
    try:
        for i in range(2):
            path = write_embedding(tmp_path / f"e{i}.safetensors", seed=i)
            job = client.models.install(path, inplace=True, config={"name": name}).wait(60)
            assert job.model is not None
            keys.append(job.model.key)
        with pytest.raises(AmbiguousModel) as amb:
            client.models.find(name)
        assert sorted(amb.value.keys) == sorted(keys)
        assert sorted(m.key for m in client.models.list(name=name)) == sorted(keys)
    finally:
        for key in keys:
            client.models.delete(key)


def test_the_hugging_face_token_and_the_cache(client: InvokeAIClient) -> None:
    assert client.models.hf_status() in ("valid", "invalid", "unknown")
    # A token Hugging Face has not accepted is never kept (and the test server is offline).
    assert client.models.hf_login("hf_not_a_real_token") != "valid"
    assert client.models.hf_logout() == "invalid"
    stats = client.models.stats()
    assert stats is None or stats.hits >= 0
    client.models.empty_cache()


async def test_the_async_client_installs_and_deletes(
    invokeai_url: str, embedding: pathlib.Path
) -> None:
    async with AsyncInvokeAIClient(invokeai_url, timeout=60) as client:
        install = await client.models.install(embedding, inplace=True)
        job = await install.wait(timeout=60)
        assert job.model is not None and job.model.base == "sd-1"
        assert (await client.models.get(job.model.key)).name == embedding.stem
        await client.models.delete(job.model.key)
        assert await client.models.find(embedding.stem) is None


def test_waiting_stops_at_an_install_status_this_client_does_not_know(client: InvokeAIClient) -> None:
    # 1.x read such a status as "running": wait() without a timeout never returned.
    newer = models.parse_job({"id": 10**9, "status": "completed_with_warnings", "source": {"path": "/m/e"}})
    started = time.monotonic()
    with pytest.raises(ModelInstallStatusUnknown) as err:
        ModelInstall(client.models._conn, newer).wait(timeout=None)
    assert time.monotonic() - started < 5 and err.value.status == "completed_with_warnings"


def test_a_job_the_server_does_not_know_is_not_found(client: InvokeAIClient) -> None:
    with pytest.raises(NotFound) as err:
        client.models.install_job(10**9)
    assert err.value.kind == "install job" and err.value.status == 404
    with pytest.raises(NotFound):
        ModelInstall(client.models._conn, InstallJob(id=10**9)).refresh()
    with pytest.raises(NotFound):
        client.models.cancel_install(10**9)
    with pytest.raises(NotFound) as missing:
        client.models.get("no-such-key")
    assert missing.value.kind == "model"
