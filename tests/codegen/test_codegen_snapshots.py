"""Golden records: whole generated modules, stored as real ``.py`` files under __snapshots__/.

A change in the generator's output shows up here as a diff of Python source. After an intended
change: ``pytest tests/codegen/test_codegen_snapshots.py --snapshot-update``, then read the diff.

The fixtures are chosen to differ: every meta.version the generator migrates (1.0.0, 2.0.0,
3.0.0, 4.0.0), Forms derived from legacy exposedFields, a custom node pack typed from its saved
values, duplicate labels, a nested 4.0.0 Form, and a required image input with no default.
"""

from __future__ import annotations

import pathlib

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from codegen_support import CORPUS, OWN
from ivk_codegen.pipeline import generate
from ivk_codegen.schema_source import SchemaSource


class PythonModuleSnapshot(SingleFileSnapshotExtension):
    """One snapshot per file, written as UTF-8 text with a ``.py`` suffix."""

    # syrupy >= 5 reads ``file_extension``; syrupy 4 read ``_file_extension``. Both are set so
    # the files keep their names whichever is installed (pyproject allows >= 4.6).
    file_extension = "py"
    _file_extension = "py"
    _write_mode = WriteMode.TEXT


FIXTURES = {
    # (generated_examples/ are golden records too; these cover what they do not)
    # tests/workflows, 4.0.0: containers three deep, headings/text/divider, colliding labels
    "nested_form": OWN / "nested_form.json",
    # tests/workflows, 4.0.0: a required image input without a saved value (no default)
    "resize_upload": OWN / "resize_upload.json",
    # 3.0.0 with an empty Form: the inputs are the legacy exposedFields
    "legacy_exposed": OWN / "legacy_exposed.json",
    # 1.0.0, exposedFields only; saved model values of the old shape do not fit
    "sdxl_refiner_v1": CORPUS / "invoke-ai_InvokeAI__SDXL w_Refiner Text to Image@84ecc8d5.json",
    # 2.0.0, custom node pack (upscale_latents) typed from its saved value, notes nodes
    "latent_upscale_v2": CORPUS / "gogurtenjoyer_latent-upscale__SDXL Upscale Latents Example@b7d89f36.json",
    # 3.0.0 Form and exposedFields both, duplicate labels, a custom node pack
    "video_frames_v3": CORPUS / "helix4u_load_video_frame__16x9 example@b9f3f614.json",
    # 4.0.0, nested containers, non-ASCII text
    "wan_add_frames_v4": CORPUS / "invoke-ai_InvokeAI__Wan 2.2 Image to Video - Add Frames@0fafffc2.json",
}


@pytest.fixture
def module_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(PythonModuleSnapshot)


@pytest.mark.parametrize("workflow", FIXTURES.values(), ids=FIXTURES.keys())
def test_generated_module_matches_golden_record(
    workflow: pathlib.Path, bundled_schema: SchemaSource, module_snapshot: SnapshotAssertion
) -> None:
    assert workflow.is_file(), workflow
    code = generate(workflow, bundled_schema).code
    assert code == module_snapshot


def test_golden_records_are_python_files_named_after_the_fixtures() -> None:
    """The records are where and what the extension says: one ``.py`` per fixture, and each
    compiles (a stale record of a removed fixture would fail here, not linger)."""
    folder = pathlib.Path(__file__).parent / "__snapshots__" / pathlib.Path(__file__).stem
    found = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    wanted = sorted(f"test_generated_module_matches_golden_record[{k}].py" for k in FIXTURES)
    assert found == wanted
    for path in folder.glob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
