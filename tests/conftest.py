"""Root fixtures: the repository's paths, and the real InvokeAI server for tests marked ``server``.

``invokeai_url`` is, in this order: the server scripts/test.sh is starting in the background
(IVK_SERVER_STARTING names the file where that start reports; the fixture waits for it), the
server at INVOKEAI_URL, or else a throwaway server that this session starts with
scripts/invokeai-server.sh on a free port and stops at the end.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SERVER_SCRIPT = REPO_ROOT / "scripts" / "invokeai-server.sh"
# The project's own node pack, loaded by the 6.14.2 server the suite starts (custom field types).
TEST_NODE_PACK = REPO_ROOT / "tests" / "node_pack" / "ivk_test_nodes"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path | None:
    """The ``shared/`` folder beside the repository (as in CI), or None when absent."""
    candidate = REPO_ROOT.parent / "shared"
    return candidate if candidate.is_dir() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_version(url: str) -> str:
    with urllib.request.urlopen(f"{url}/api/v1/app/version", timeout=10) as response:
        return str(json.load(response)["version"])


def _wait_for_background_start(report: Path, timeout: float = 1800) -> str:
    """The URL of the server scripts/test.sh started, once its start has reported."""
    deadline = time.monotonic() + timeout
    while not report.exists():
        if time.monotonic() > deadline:
            pytest.fail(
                f"the InvokeAI server scripts/test.sh started did not report within {timeout} s"
            )
        time.sleep(0.25)
    values = dict(line.split("=", 1) for line in report.read_text().splitlines() if "=" in line)
    if values.get("IVK_START_EXIT") != "0" or "INVOKEAI_URL" not in values:
        pytest.fail(
            "the InvokeAI server scripts/test.sh started failed to start (its log is above)"
        )
    return values["INVOKEAI_URL"]


@pytest.fixture(scope="session")
def invokeai_url() -> Iterator[str]:
    """Base URL (no trailing slash) of a running InvokeAI server."""
    starting = os.environ.get("IVK_SERVER_STARTING")
    if starting:
        url = _wait_for_background_start(Path(starting))
        os.environ["INVOKEAI_URL"] = url  # for subprocesses the tests start
        yield url
        return
    url = os.environ.get("INVOKEAI_URL", "").rstrip("/")
    if url:
        try:
            _server_version(url)
        except OSError as exc:
            pytest.fail(f"INVOKEAI_URL={url} does not answer GET /api/v1/app/version: {exc}")
        yield url
        return
    with started_server(IVK_NODE_PACKS=str(TEST_NODE_PACK)) as url:
        yield url


@contextlib.contextmanager
def started_server(**extra_env: str) -> Iterator[str]:
    """A throwaway server from scripts/invokeai-server.sh on a free port, stopped afterwards."""
    env = {**os.environ, "IVK_PORT": str(_free_port()), **extra_env}
    script = ["bash", str(SERVER_SCRIPT)]
    start = subprocess.Popen(
        [*script, "start"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    try:
        out, _ = start.communicate()
    except BaseException:  # interrupted: the script stops its half-started server on SIGTERM
        start.terminate()
        start.wait()
        raise
    if start.returncode != 0:
        pytest.fail(f"scripts/invokeai-server.sh start failed (exit {start.returncode})")
    try:
        values = dict(line.split("=", 1) for line in out.splitlines() if "=" in line)
        yield values["INVOKEAI_URL"]
    finally:
        subprocess.run([*script, "stop"], env=env, stdin=subprocess.DEVNULL, check=False)


@pytest.fixture(scope="session")
def multiuser_url() -> Iterator[str]:
    """A second throwaway server, in multi-user mode (INVOKEAI_MULTIUSER=true)."""
    with started_server(INVOKEAI_MULTIUSER="true") as url:
        yield url


def _older_server(version: str, starting_env: str, url_env: str) -> Iterator[str]:
    """An older InvokeAI, found as ``invokeai_url`` finds 6.14.2: the one scripts/test.sh is
    starting (``starting_env``), the one at ``url_env``, or one this session starts."""
    starting = os.environ.get(starting_env)
    if starting:
        yield _wait_for_background_start(Path(starting))
        return
    url = os.environ.get(url_env, "").rstrip("/")
    if url:
        yield url
        return
    with started_server(IVK_INVOKEAI_VERSION=version) as started:
        yield started


@pytest.fixture(scope="session")
def invokeai5_url() -> Iterator[str]:
    """InvokeAI 5.15.0 (IVK_SERVER5_STARTING, INVOKEAI5_URL)."""
    yield from _older_server("5.15.0", "IVK_SERVER5_STARTING", "INVOKEAI5_URL")


@pytest.fixture(scope="session")
def invokeai4_url() -> Iterator[str]:
    """InvokeAI 4.2.9 (IVK_SERVER4_STARTING, INVOKEAI4_URL)."""
    yield from _older_server("4.2.9", "IVK_SERVER4_STARTING", "INVOKEAI4_URL")


@pytest.fixture(scope="session")
def second_invokeai_url() -> Iterator[str]:
    """A second InvokeAI 6.14.2, for pools of servers (IVK_SERVER_B_STARTING, INVOKEAI_B_URL)."""
    yield from _older_server("6.14.2", "IVK_SERVER_B_STARTING", "INVOKEAI_B_URL")
