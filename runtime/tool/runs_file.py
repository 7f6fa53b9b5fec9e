"""``--runs FILE``: one run per row, as JSON lines (an object a line) or CSV (a header row of
attribute names). A row's values override the options given beside ``--runs``."""

from __future__ import annotations

import csv
import json
import pathlib
from collections.abc import Mapping
from typing import Any

from .options import Option

__all__ = ["RunsFileError", "read_runs"]


class RunsFileError(Exception):
    """A runs file that cannot be read: names the file, the row and what is wrong."""


def read_runs(path: pathlib.Path, options: list[Option]) -> list[dict[str, Any]]:
    """Each row as {attribute: JSON value}; CSV cells are read as the options read text."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RunsFileError(f"{path}: cannot read: {exc}") from None
    by_name = {o.attribute: o for o in options}
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(path, text, by_name)
    else:
        rows = _json_rows(path, text)
    if not rows:
        raise RunsFileError(f"{path}: holds no runs")
    for number, row in rows:
        unknown = [k for k in row if _attribute(k) not in by_name]
        if unknown:
            known = ", ".join(by_name) or "none"
            raise RunsFileError(
                f"{path}: row {number}: no input named {unknown[0]!r} (the inputs: {known})"
            )
    return [{_attribute(k): v for k, v in row.items()} for _, row in rows]


def _attribute(column: str) -> str:
    return column.strip().lstrip("-").replace("-", "_")  # "--noise-seed" and "noise-seed" too


def _json_rows(path: pathlib.Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise RunsFileError(f"{path}: line {number}: not JSON ({exc})") from None
        if not isinstance(row, dict):
            raise RunsFileError(
                f"{path}: line {number}: a run is a JSON object, not {type(row).__name__}"
            )
        rows.append((number, row))
    return rows


def _csv_rows(
    path: pathlib.Path, text: str, by_name: Mapping[str, Option]
) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header:
        raise RunsFileError(f"{path}: no header row naming the inputs")
    if len(set(header)) != len(header):
        raise RunsFileError(f"{path}: the header names a column twice")
    rows = []
    for number, cells in enumerate(reader, 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise RunsFileError(
                f"{path}: row {number}: {len(cells)} cells under {len(header)} columns"
            )
        row: dict[str, Any] = {}
        for name, cell in zip(header, cells):
            option = by_name.get(_attribute(name))
            if cell == "":
                continue  # an empty cell keeps the option's (or the default) value
            row[name] = option.cell(cell) if option is not None else cell
        rows.append((number, row))
    return rows
