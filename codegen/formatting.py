"""black at pinned settings: the user's own configuration never changes our bytes."""

from __future__ import annotations

import black

__all__ = ["format_source"]

_MODE = black.Mode(
    target_versions={black.TargetVersion.PY310},
    line_length=100,
    string_normalization=True,
    magic_trailing_comma=True,
    is_pyi=False,
)


def format_source(source: str) -> str:
    return black.format_str(source, mode=_MODE)
