"""A saved image's file mode is what ``open()`` would give a new file (the umask applied),
not mkstemp's private 0600: in the folder a user chose, others read it as they read the rest."""

from __future__ import annotations

import importlib.util
import os
import pathlib
import stat
import sys
from collections.abc import Iterator

import pytest

from ivk_runtime import InvokeAIClient
from ivk_runtime.client.files import atomic_write

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(params=[0o022, 0o027, 0o002])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    before = os.umask(request.param)
    try:
        yield int(request.param)
    finally:
        os.umask(before)


def _mode(path: pathlib.Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _as_open_makes(folder: pathlib.Path) -> int:
    probe = folder / "probe.bin"
    with open(probe, "wb"):
        pass
    return _mode(probe)


def test_atomic_write_gives_the_mode_open_gives(tmp_path: pathlib.Path, umask: int) -> None:
    written = atomic_write(tmp_path, "a.png", b"data")
    assert written.read_bytes() == b"data"
    assert _mode(written) == _as_open_makes(tmp_path) == 0o666 & ~umask


def test_a_downloaded_image_gets_the_mode_open_gives(
    invokeai_url: str, tmp_path: pathlib.Path, umask: int
) -> None:
    spec = importlib.util.spec_from_file_location(
        "blur_image_modes", ROOT / "generated_examples" / "blur_image.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    with InvokeAIClient(invokeai_url) as client:
        result = module.BlurImage(width=16, height=16).run(client, timeout=120)
        (saved,) = result.download(tmp_path / "out")
    assert saved.read_bytes().startswith(b"\x89PNG")
    assert _mode(saved) == _as_open_makes(tmp_path) == 0o666 & ~umask
