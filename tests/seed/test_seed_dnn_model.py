"""``client.dnn_model_repo`` (invokeai-py-client's model manager) against a real InvokeAI
server, with embeddings made here: install from a path, list, get, delete, scan, jobs, and
the documented behaviour where 1.1.1 itself does otherwise on 6.x (each marked below)."""

from __future__ import annotations

import pathlib
import sys
import time
import uuid
from collections.abc import Iterator

import pytest

from ivk_runtime.client.sync_client import InvokeAIClient
from ivk_runtime.errors import ModelAlreadyInstalled as CoreAlreadyInstalled
from ivk_runtime.errors import ModelInstallRefused
from ivk_runtime.seed.dnn_model import (
    APIRequestError,
    BaseDnnModelType,
    DnnModel,
    DnnModelFormat,
    DnnModelRepository,
    DnnModelType,
    FoundModel,
    HFLoginStatus,
    InstallJobStatus,
    ModelInstallConfig,
    ModelInstallJobFailed,
    ModelInstallStartError,
    ModelInstallTimeout,
    ModelInstJobHandle,
)

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "runtime"))
from embedding_file import write_embedding  # noqa: E402

pytestmark = pytest.mark.server


@pytest.fixture
def client(invokeai_url: str) -> Iterator[InvokeAIClient]:
    with InvokeAIClient(invokeai_url) as c:
        yield c


@pytest.fixture
def repo(client: InvokeAIClient) -> DnnModelRepository:
    return DnnModelRepository(client)  # as the seed's client.dnn_model_repo makes it


@pytest.fixture
def embedding(tmp_path: pathlib.Path) -> pathlib.Path:
    return write_embedding(tmp_path / f"ivk_seed_emb_{uuid.uuid4().hex[:8]}.safetensors")


def test_install_list_get_delete(
    client: InvokeAIClient, repo: DnnModelRepository, embedding: pathlib.Path
) -> None:
    handle = repo.install_model(str(embedding), inplace=True)
    assert isinstance(handle, ModelInstJobHandle) and handle.info is not None
    assert handle.job_id == handle.info.id >= 0
    info = handle.wait_until(timeout=60)
    assert info.status is InstallJobStatus.COMPLETED and info.model_key
    assert handle.is_done() and not handle.is_failed() and handle.progress() == 1.0
    try:
        # 1.1.1 fails this listing on 6.x: the server's null description breaks its DnnModel.
        mine = [m for m in repo.list_models() if m.key == info.model_key]
        assert len(mine) == 1 and isinstance(mine[0], DnnModel)
        model = mine[0]
        assert (model.name, model.type, model.base, model.format) == (
            embedding.stem, DnnModelType.TextualInversion,
            BaseDnnModelType.StableDiffusion1, DnnModelFormat.EmbeddingFile,
        )  # fmt: skip
        assert model.description == "" and model.path == str(embedding)
        assert model.get_category() == "Textual Inversion (Embedding)"
        assert model.format_file_size() == "3.09 KB"
        assert model.is_compatible_with_base(BaseDnnModelType.StableDiffusion1)
        assert not model.is_compatible_with_base(BaseDnnModelType.StableDiffusionXL)
        assert repo.get_model_by_key(model.key) == model
        assert str(model) == f"{embedding.stem} (embedding, sd-1, 3.09 KB)"
        assert model.key in [m.key for m in client.models.list(base="sd-1")]  # the same model, core
    finally:
        assert repo.delete_model(info.model_key) is True
    assert repo.get_model_by_key(info.model_key) is None
    assert repo.delete_model(info.model_key) is False  # gone: False, as the seed's example reads it


def test_a_path_that_does_not_exist_fails_to_start_with_the_servers_reason(
    repo: DnnModelRepository, tmp_path: pathlib.Path
) -> None:
    # 1.1.1 reads the server's 409 here as "already installed" and reports success.
    missing = tmp_path / "fakemodel.safetensors"
    with pytest.raises(ModelInstallStartError) as err:
        repo.install_model(str(missing), inplace=True)
    assert "Unsupported model source" in str(err.value) and str(missing) in str(err.value)
    assert err.value.details["status_code"] == 409
    assert isinstance(err.value.__cause__, ModelInstallRefused)


def test_installing_twice_reads_as_already_installed(repo: DnnModelRepository, embedding: pathlib.Path) -> None:
    # 1.1.1 documents this outcome but raises ModelInstallJobFailed on 6.x (no 409 comes).
    first = repo.install_model(str(embedding), inplace=True).wait_until(timeout=60)
    try:
        again = repo.install_model(str(embedding), inplace=True)
        assert again.job_id == -1 and again.info is not None  # known before waiting, as documented
        assert again.info.extra["reason"] == "already_installed" and again.info.model_key == first.model_key
        assert again.wait_until(timeout=60) is again.info and again.refresh() is again.info
        # Where the server finds the duplicate itself (another path to the same file here),
        # the job's end reads the same way.
        link = embedding.with_name("link-" + embedding.name)
        link.symlink_to(embedding)
        raced = repo.install_model(str(link), inplace=True)
        assert raced.job_id >= 0
        info = raced.wait_until(timeout=60)
        assert info.status is InstallJobStatus.COMPLETED and info.extra["reason"] == "already_installed"
        assert "already installed" in info.extra["server_error"]
    finally:
        assert first.model_key and repo.delete_model(first.model_key)


def test_a_failed_job_raises_with_the_servers_reason(repo: DnnModelRepository) -> None:
    # 1.1.1's message is "ended with status=InstallJobStatus.ERROR" and nothing else.
    url = f"https://ivk-{uuid.uuid4().hex[:8]}.invalid/model.safetensors"
    handle = repo.install_model(url)
    start = time.monotonic()
    with pytest.raises(ModelInstallJobFailed) as failed:
        handle.wait_until(timeout=60, poll_interval=0.5)
    assert time.monotonic() - start < 30
    assert failed.value.info.status is InstallJobStatus.ERROR and failed.value.info.error_reason
    assert failed.value.info.error_reason in str(failed.value) and "ivk-" in str(failed.value)
    assert handle.is_failed()
    with pytest.raises(ModelInstallJobFailed):
        handle.raise_if_failed()
    assert handle.cancel() is True and handle.refresh().status is InstallJobStatus.CANCELLED


def test_wait_until_gives_up_after_its_timeout(repo: DnnModelRepository, embedding: pathlib.Path) -> None:
    handle = repo.install_model(str(embedding), inplace=True)
    # The server answers the POST while the job runs ("running"), so there is a job to wait on.
    assert handle.info is not None and handle.info.status is not InstallJobStatus.COMPLETED
    try:
        with pytest.raises(ModelInstallTimeout) as late:
            handle.wait_until(timeout=0)
        assert late.value.timeout == 0 and late.value.last_info is not None
    finally:
        key = handle.wait_until(timeout=60).model_key
        assert key and repo.delete_model(key)


def test_jobs_are_listed_got_and_pruned(repo: DnnModelRepository, embedding: pathlib.Path) -> None:
    info = repo.install_model(str(embedding), inplace=True, config=ModelInstallConfig(name="ivk seed named")).wait_until(60)
    try:
        assert info.model_key and repo.get_model_by_key(info.model_key).name == "ivk seed named"  # type: ignore[union-attr]
        listed = {h.job_id: h for h in repo.list_install_jobs()}
        assert listed[info.id].info is not None and listed[info.id].info.status is InstallJobStatus.COMPLETED  # type: ignore[union-attr]
        got = repo.get_install_job(str(info.id))
        assert got is not None and got.status() is InstallJobStatus.COMPLETED
        assert repo.get_install_job(10**9) is None and repo.get_install_job("not-a-number") is None
        assert ModelInstJobHandle.from_client_and_id(repo._client, 10**9).cancel() is False
        assert repo.prune_install_jobs() is True
        assert info.id not in [h.job_id for h in repo.list_install_jobs()]
    finally:
        assert info.model_key and repo.delete_model(info.model_key)


def test_a_scan_finds_the_embedding(repo: DnnModelRepository, embedding: pathlib.Path) -> None:
    found = repo.scan_folder(str(embedding.parent))
    assert found == [FoundModel(path=str(embedding), is_installed=False)]
    with pytest.raises(APIRequestError) as bad:
        repo.scan_folder(str(embedding.parent / "nope"))
    assert bad.value.status_code == 400 and "could not be scanned" in bad.value.payload["detail"]


def test_hugging_face_and_cache(repo: DnnModelRepository) -> None:
    assert isinstance(repo.hf_status(), HFLoginStatus)
    # 1.1.1 answers True for any token the server took in; the server kept none here.
    assert repo.hf_login("hf_not_a_real_token") is False
    assert repo.hf_logout() is True and repo.hf_status() is HFLoginStatus.INVALID
    stats = repo.get_stats()
    assert stats is None or stats.extra["hits"] >= 0
    assert repo.empty_model_cache() is True


def test_a_hugging_face_install_the_server_cannot_fetch_fails_to_start(repo: DnnModelRepository) -> None:
    with pytest.raises(ModelInstallStartError) as err:
        repo.install_huggingface(f"ivk-test/none-such-{uuid.uuid4().hex[:8]}")
    assert err.value.details["status_code"] >= 400


def test_an_unreachable_server_is_an_api_request_error() -> None:
    with InvokeAIClient("http://127.0.0.1:9") as dead:
        with pytest.raises(APIRequestError) as err:
            DnnModelRepository(dead).list_models()
    assert err.value.status_code is None and "127.0.0.1:9" in str(err.value)


def test_the_async_client_is_refused_with_a_pointer(invokeai_url: str) -> None:
    from ivk_runtime.client.async_client import AsyncInvokeAIClient

    with pytest.raises(TypeError, match="await client.models"):
        DnnModelRepository(AsyncInvokeAIClient(invokeai_url)).list_models()


def test_a_duplicate_install_says_which_asked_config_it_did_not_apply(
    client: InvokeAIClient, repo: DnnModelRepository, embedding: pathlib.Path
) -> None:
    # 1.x returned the model already there as if the asked name and type had been applied.
    first = repo.install_model(str(embedding), inplace=True).wait_until(timeout=60)
    try:
        same = repo.install_model(str(embedding), inplace=True, config={"type": "embedding"})
        assert same.info is not None and "config_differs" not in same.info.extra
        renamed = repo.install_model(str(embedding), inplace=True, config=ModelInstallConfig(name="renamed"))
        assert renamed.info is not None and renamed.info.model_key == first.model_key
        installed = repo.get_model_by_key(first.model_key or "")
        assert installed is not None and installed.name != "renamed"  # nothing was changed
        assert renamed.info.extra["config_differs"] == {"name": {"asked": "renamed", "installed": installed.name}}
        # the server finding the duplicate itself (sent past the seed's look) says so as well
        sent = client.models.install(str(embedding), inplace=True, config={"name": "renamed"})
        handle = repo.get_install_job(sent.id)
        assert handle is not None
        raced = handle.wait_until(timeout=60)
        assert raced.extra["reason"] == "already_installed" and raced.model_key == first.model_key
        assert raced.extra["config_differs"] == {"name": {"asked": "renamed", "installed": installed.name}}
    finally:
        assert first.model_key and repo.delete_model(first.model_key)


def test_a_duplicate_whose_model_cannot_be_listed_is_an_error_not_installed(
    client: InvokeAIClient, repo: DnnModelRepository, embedding: pathlib.Path
) -> None:
    # 1.x caught the failed listing and read the job as COMPLETED with model_key None.
    first = repo.install_model(str(embedding), inplace=True).wait_until(timeout=60)
    try:
        dup = client.models.install(str(embedding), inplace=True)  # past the seed's own look
        with pytest.raises(CoreAlreadyInstalled):
            dup.wait(timeout=60)
        listed = {h.job_id: h for h in repo.list_install_jobs()}
        assert listed[dup.id].info is not None and listed[dup.id].info.model_key == first.model_key  # type: ignore[union-attr]
        with InvokeAIClient("http://127.0.0.1:9") as dead:  # the models cannot be listed
            with pytest.raises(APIRequestError) as err:
                ModelInstJobHandle._of(dead, dup)
        assert "127.0.0.1:9" in str(err.value)
    finally:
        assert first.model_key and repo.delete_model(first.model_key)
