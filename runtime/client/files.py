"""Writing downloaded images safely: a name the server gave cannot leave the target directory,
and a file is never seen half-written (temp file in the same directory, then rename)."""

from __future__ import annotations

import os
import pathlib
import tempfile

__all__ = ["atomic_write", "safe_filename"]

_MAX_NAME = 200


def safe_filename(name: str) -> str:
    """The last path part of ``name``, refused when it could escape or confuse a directory:
    empty, ".", "..", control characters, or a drive/stream separator."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base in ("", ".", "..") or ".." == base.strip():
        raise ValueError(f"unsafe image name from the server: {name!r}")
    if any(ord(c) < 32 or ord(c) == 127 for c in base) or ":" in base or "\x00" in base:
        raise ValueError(f"unsafe image name from the server: {name!r}")
    if base.startswith("."):  # no hidden files (".png", ".bashrc")
        raise ValueError(f"unsafe image name from the server: {name!r}")
    return base[:_MAX_NAME]


def atomic_write(directory: str | os.PathLike[str], name: str, data: bytes) -> pathlib.Path:
    """Write ``data`` to ``directory/safe_filename(name)`` atomically; return the path."""
    folder = pathlib.Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / safe_filename(name)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ivk-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target
