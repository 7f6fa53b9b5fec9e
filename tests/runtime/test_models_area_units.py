"""``api.models`` without a server: the requests as sent, and the answers as read (the shapes
are the ones InvokeAI 6.14 sends, seen in tests/runtime/test_models_area.py)."""

from __future__ import annotations

import pytest

from ivk_runtime.api import models
from ivk_runtime.api.model_types import ModelInfo
from ivk_runtime.errors import (
    HTTPStatusError,
    ModelAlreadyInstalled,
    ModelInstallFailed,
    ModelInstallStatusUnknown,
    UnexpectedAnswer,
)

EMBEDDING = {
    "key": "k1", "hash": "blake3:ab", "path": "/m/e.safetensors", "file_size": 3160, "name": "e",
    "description": None, "source": "/m/e.safetensors", "source_type": "path", "source_api_response": None,
    "source_url": None, "cover_image": None, "type": "embedding", "format": "embedding_file", "base": "sd-1",
}  # fmt: skip


def test_list_filters_become_the_servers_query() -> None:
    call = models.list_models_call(["sd-1", "any"], "embedding", "e", "embedding_file")
    assert call.path == "/api/v2/models/" and call.idempotent
    assert call.params == {
        "base_models": ["sd-1", "any"], "model_type": "embedding", "model_name": "e",
        "model_format": "embedding_file",
    }  # fmt: skip
    assert models.list_models_call("sdxl").params == {"base_models": ["sdxl"]}
    assert models.list_models_call().params is None


def test_install_sends_source_flags_and_overrides() -> None:
    call = models.install_call("/m/e.safetensors", inplace=False, config={"name": "n"})
    assert (call.method, call.path, call.idempotent) == ("POST", "/api/v2/models/install", False)
    assert call.params == {"source": "/m/e.safetensors", "inplace": "false"}
    assert call.json_body == {"name": "n"}
    assert models.install_call("org/repo", access_token="t").json_body == {}
    assert models.model_call("a/../b").path == "/api/v2/models/i/a%2F..%2Fb"  # one segment


def test_a_record_with_nulls_and_extras_reads() -> None:
    info = models.parse_model({**EMBEDDING, "variant": "normal"})
    assert info.description == "" and info.file_size == 3160
    assert info.model_extra == {"source_api_response": None, "source_url": None, "cover_image": None, "variant": "normal"}
    assert models.parse_model_infos({"models": [EMBEDDING]}) == [ModelInfo.model_validate(EMBEDDING)]


def test_jobs_read_each_kind_of_source_and_their_end() -> None:
    local = {"id": 0, "status": "completed", "source": {"path": "/m/e", "inplace": True, "type": "local"},
             "inplace": True, "local_path": "/m/e", "bytes": 3160, "total_bytes": 3160, "config_out": EMBEDDING}  # fmt: skip
    job = models.parse_job(local)
    assert (job.source, job.source_type, job.done, job.failed, job.model_key, job.progress) == (
        "/m/e", "local", True, False, "k1", 1.0,
    )  # fmt: skip
    assert models.install_failure(job) is None
    url = models.parse_job({"id": 1, "status": "error", "source": {"url": "https://x/y", "type": "url"},
                            "error": "boom", "error_reason": "ConnectionError", "bytes": None})  # fmt: skip
    assert (url.source, url.bytes, url.progress, url.model) == ("https://x/y", 0, None, None)
    failure = models.install_failure(url)
    assert type(failure) is ModelInstallFailed and "ConnectionError: boom" in str(failure)
    dup = models.parse_job({"id": 2, "status": "error", "source": {"repo_id": "o/r", "type": "hf"},
                            "error_reason": "DuplicateModelException"})  # fmt: skip
    assert dup.source == "o/r" and isinstance(models.install_failure(dup), ModelAlreadyInstalled)
    newer = models.parse_job({"id": 3, "status": "verifying", "source": "s"})
    assert newer.status == "unknown" and not newer.done and newer.server_status == "verifying"
    with pytest.raises(UnexpectedAnswer):
        models.parse_job(["not", "a", "job"])


def test_the_servers_reason_is_its_detail() -> None:
    def err(body: str) -> HTTPStatusError:
        return HTTPStatusError("POST", "u", 409, body)

    assert models.server_reason(err('{"detail": "Unsupported model source: \'x\'"}')) == "Unsupported model source: 'x'"
    assert models.server_reason(err('{"detail": [{"msg": "bad base"}, {"msg": "bad type"}]}')) == "bad base; bad type"
    assert models.server_reason(err("Internal Server Error")) == "Internal Server Error"
    assert models.parse_hf_status("valid") == "valid" and models.parse_hf_status("weird") == "unknown"
    assert models.parse_stats(None) is None and models.parse_stats({"hits": 2}).hits == 2  # type: ignore[union-attr]


def test_an_install_status_newer_than_this_client_is_unknown_not_running() -> None:
    job = models.parse_job({"id": 4, "status": "completed_with_warnings", "source": {"path": "/m/e"}})
    assert job.status == "unknown" and job.server_status == "completed_with_warnings"
    assert not job.done  # not an end it knows, but waiting must not go on for it:
    failure = models.install_failure(job)
    assert isinstance(failure, ModelInstallStatusUnknown) and failure.status == "completed_with_warnings"
    assert "completed_with_warnings" in str(failure)
    assert models.parse_job({"id": 5, "status": "running"}).server_status == "running"


def test_wrong_shaped_model_answers_are_errors_naming_the_endpoint() -> None:
    with pytest.raises(UnexpectedAnswer, match="/api/v2/models/"):
        models.parse_models({"models": [EMBEDDING, "k2"]})  # was a list of one
    with pytest.raises(UnexpectedAnswer, match="/api/v2/models/"):
        models.parse_models({"detail": "?"})
    with pytest.raises(UnexpectedAnswer, match="install"):
        models.parse_jobs([{"id": 1, "status": "completed"}, None])
    with pytest.raises(UnexpectedAnswer, match="install job"):
        models.parse_job({"status": "completed"})  # no id
    with pytest.raises(UnexpectedAnswer, match="scan_folder"):
        models.parse_found([{"path": "/m/e", "is_installed": False}, 3])
    assert [m["key"] for m in models.parse_models({"models": [EMBEDDING]})] == ["k1"]
