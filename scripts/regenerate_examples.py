"""Regenerate generated_examples/ from their workflows: `python scripts/regenerate_examples.py`.

`--check` writes nothing and exits 1 when an example is stale (the test suite runs it).
"""

from __future__ import annotations

import pathlib
import sys

from ivk_codegen.cli import main as codegen

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = "tests/corpus/workflows"

# example module -> the workflow it is generated from (paths relative to the repo root)
EXAMPLES = {
    "blur_image.py": "tests/workflows/blur_image.json",
    "sdxl_text_to_image.py": f"{CORPUS}/CodeGandee_invokeai-py-client__sdxl-text-to-image.json",
    "sdxl_flux_refine.py": f"{CORPUS}/CodeGandee_invokeai-py-client__sdxl-flux-refine.json",
    "flux_text_to_image_legacy.py": f"{CORPUS}/invoke-ai_InvokeAI__Flux Text to Image.json",
    "wan_text_to_video.py": f"{CORPUS}/invoke-ai_InvokeAI__Text to Video - Wan 2.2 Lightning.json",
}


def main(argv: list[str]) -> int:
    check = "--check" in argv
    status = 0
    for module, workflow in EXAMPLES.items():
        args = [str(ROOT / workflow), "-o", str(ROOT / "generated_examples" / module), "-q"]
        status = max(status, codegen(args + (["--check"] if check else [])))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
