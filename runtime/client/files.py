"""Writing downloaded images safely: a name the server gave cannot leave the target directory
or stand for another file, and a file is never seen half-written (temp file in the same
directory, then rename). Temp files that a killed process left behind are swept."""

from __future__ import annotations

import os
import pathlib
import tempfile
import threading
import time

__all__ = ["atomic_write", "safe_filename", "sweep_stale_temp_files", "thumbnail_name"]

_MAX_NAME = 200
_TEMP_PREFIX, _TEMP_SUFFIX = ".ivk-", ".part"
STALE_AFTER = 3600.0  # seconds: no write of ours takes this long, so its temp file is orphaned


def safe_filename(name: str) -> str:
    """``name`` as a file name, refused when it could escape, confuse or collide in a
    directory: empty, ".", "..", a path part (two names ending alike would overwrite each
    other), control characters, a drive/stream separator, or a hidden file."""
    bad = (
        name in ("", ".", "..")
        or "/" in name
        or "\\" in name
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
        or ":" in name
        or name.startswith(".")  # no hidden files (".png", ".bashrc")
        or len(name) > _MAX_NAME  # cut, two long names could be one file
    )
    if bad:
        raise ValueError(f"unsafe image name from the server: {name[:300]!r}")
    return name


def thumbnail_name(image_name: str) -> str:
    """Where an image's thumbnail (InvokeAI sends WEBP) is saved: beside the full image,
    never over it."""
    stem = image_name.rsplit(".", 1)[0] if "." in image_name else image_name
    return f"{stem}.thumbnail.webp"


def sweep_stale_temp_files(folder: pathlib.Path, now: float | None = None) -> None:
    """Remove our temp files older than ``STALE_AFTER`` (a process killed mid-write)."""
    limit = (time.time() if now is None else now) - STALE_AFTER
    for path in folder.glob(f"{_TEMP_PREFIX}*{_TEMP_SUFFIX}"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            pass  # gone already, or not ours to remove


def atomic_write(directory: str | os.PathLike[str], name: str, data: bytes) -> pathlib.Path:
    """Write ``data`` to ``directory/safe_filename(name)`` atomically; return the path."""
    folder = pathlib.Path(directory)
    target = folder / safe_filename(name)
    folder.mkdir(parents=True, exist_ok=True)
    sweep_stale_temp_files(folder)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX)
    try:
        _chmod(fd, tmp, 0o666 & ~_umask())  # mkstemp makes 0600: as open() would make it
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


def _chmod(fd: int, path: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # Windows: only the read-only bit counts
        os.chmod(path, mode)


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask, read where the system tells it without changing it (Linux);
    elsewhere set and put back at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o077)  # the strictest while it is read: nothing made then is opened up
        os.umask(mask)
    return mask
