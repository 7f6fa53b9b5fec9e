"""The generated module the scale recipes run, importable by name in every worker process.

Workers of Dask and Ray are other processes: they unpickle a generated dataclass instance by
importing its module, as they would a user's package. The example module is copied (not
regenerated) under a name of its own into a folder that PYTHONPATH names, with this folder
(the recipes' own modules) beside it, before any cluster starts.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
MODULE = "scale_blur_image"


@pytest.fixture(scope="module")  # PYTHONPATH and sys.path as they were after each module
def blur_module(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("scale_modules")
    shutil.copy(REPO / "generated_examples" / "blur_image.py", folder / f"{MODULE}.py")
    before = os.environ.get("PYTHONPATH")
    paths = [str(folder), str(HERE)] + ([before] if before else [])
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
    sys.path[:0] = [str(folder), str(HERE)]
    try:
        yield importlib.import_module(MODULE)
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before
        for path in (str(folder), str(HERE)):
            sys.path.remove(path)
        sys.modules.pop(MODULE, None)  # the next module's copy is imported afresh
