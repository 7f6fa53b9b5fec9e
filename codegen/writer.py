"""Writing generated modules: atomically, only when changed; and checking for staleness."""

from __future__ import annotations

import difflib
import os
import pathlib
import tempfile
import time

__all__ = ["diff", "is_current", "write_if_changed"]


def is_current(path: pathlib.Path, content: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == content
    except (OSError, UnicodeDecodeError):
        return False


def write_if_changed(path: pathlib.Path, content: str) -> bool:
    """Write ``content`` to ``path`` through a temporary file and a rename; False if unchanged."""
    if is_current(path, content):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    _sweep_stale(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(content)
        os.chmod(tmp, _file_mode(path))  # mkstemp makes 0600; a module is as readable as any
        os.replace(tmp, path)
    except BaseException:
        pathlib.Path(tmp).unlink(missing_ok=True)
        raise
    return True


STALE_AFTER = 3600.0  # seconds: no write takes this long, so such a temp file is orphaned


def _sweep_stale(path: pathlib.Path) -> None:
    """Remove temp files of an earlier write of ``path`` that a killed process left behind."""
    limit = time.time() - STALE_AFTER
    for tmp in path.parent.glob(f".{glob_escape(path.name)}.*.tmp"):
        try:
            if tmp.stat().st_mtime < limit:
                tmp.unlink()
        except OSError:
            pass


def glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _file_mode(path: pathlib.Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def diff(path: pathlib.Path, content: str) -> str:
    try:
        old = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except OSError:
        old = []
    return "".join(
        difflib.unified_diff(old, content.splitlines(keepends=True), str(path), f"{path} (new)")
    )
