"""`ivk-codegen --server URL` types from a live server's schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from ivk_codegen.cli import main as codegen

pytestmark = pytest.mark.server

WORKFLOW = Path(__file__).resolve().parents[1] / "workflows" / "blur_image.json"


def test_server_schema_gives_the_same_module_as_the_bundled_snapshot(
    invokeai_url: str, tmp_path: Path
) -> None:
    # The bundled snapshot was dumped from the same InvokeAI version the suite runs.
    assert codegen([str(WORKFLOW), "-o", str(tmp_path / "bundled.py"), "-q"]) == 0
    assert codegen([str(WORKFLOW), "-o", str(tmp_path / "live.py"), "-q", "--server", invokeai_url]) == 0
    bundled = (tmp_path / "bundled.py").read_text().splitlines()
    live = (tmp_path / "live.py").read_text().splitlines()
    assert bundled[2] == '# Schema: "InvokeAI 6.14.2 (bundled snapshot)"'
    assert live[2] == '# Schema: "InvokeAI 6.14.2 (from --server)"'
    assert bundled[:2] + bundled[3:] == live[:2] + live[3:]


def test_unreachable_server_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.py"
    assert codegen([str(WORKFLOW), "-o", str(out), "--server", "http://127.0.0.1:9"]) == 2
    assert "http://127.0.0.1:9/openapi.json" in capsys.readouterr().err
    assert not out.exists()
