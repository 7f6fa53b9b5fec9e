"""``--runs FILE``: one run per row, as JSON lines (an object a line) or CSV (a header row of
attribute names). A row's values override the options given beside ``--runs``."""

from __future__ import annotations

import csv
import io
import json
import pathlib
from collections.abc import Mapping
from typing import Any

from .options import Option

__all__ = ["RunsFileError", "read_runs"]


class RunsFileError(Exception):
    """A runs file that cannot be read: names the file, the row and what is wrong."""


def read_runs(path: pathlib.Path, options: list[Option]) -> list[tuple[str, dict[str, Any]]]:
    """(where, {attribute: JSON value}) for each row; where is "line N" of the file. CSV cells
    are read as the options read text; an empty cell keeps the option's (or default) value."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise RunsFileError(f"{path}: cannot read: {exc}") from None
    by_name = {o.attribute: o for o in options}
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(path, text, by_name)
    else:
        rows = [(n, _named(path, n, pairs, by_name)) for n, pairs in _json_rows(path, text)]
    if not rows:
        raise RunsFileError(f"{path}: holds no runs")
    return [(f"line {n}", row) for n, row in rows]


def _attribute(column: str) -> str:
    return column.strip().lstrip("-").replace("-", "_")  # "--noise-seed" and "noise-seed" too


def _named(
    path: pathlib.Path, line: int, pairs: list[tuple[str, Any]], by_name: Mapping[str, Option]
) -> dict[str, Any]:
    """The row keyed by attribute; a name no input has, or two names for one input, is an
    error (the last would silently win)."""
    row: dict[str, Any] = {}
    given: dict[str, str] = {}
    for key, value in pairs:
        attribute = _attribute(key)
        if attribute not in by_name:
            known = ", ".join(by_name) or "none"
            raise RunsFileError(
                f"{path}: line {line}: no input named {key!r} (the inputs: {known})"
            )
        if attribute in given:
            raise RunsFileError(
                f"{path}: line {line}: {given[attribute]!r} and {key!r} both name input {attribute}"
            )
        given[attribute] = key
        row[attribute] = value
    return row


def _json_rows(path: pathlib.Path, text: str) -> list[tuple[int, list[tuple[str, Any]]]]:
    rows = []
    # split on newlines only: a JSON line may hold U+2028 and kin (ensure_ascii=False writes them)
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line, object_pairs_hook=_Pairs)
        except ValueError as exc:
            raise RunsFileError(f"{path}: line {number}: not JSON ({exc})") from None
        if not isinstance(row, _Pairs):
            what = "an array" if isinstance(row, list) else type(row).__name__
            raise RunsFileError(f"{path}: line {number}: a run is a JSON object, not {what}")
        rows.append((number, [(str(k), _plain(v)) for k, v in row]))
    return rows


class _Pairs(list):  # type: ignore[type-arg]
    """A JSON object as its (key, value) pairs, so that a key given twice is seen."""


def _plain(value: Any) -> Any:
    """Nested objects back as dicts (the last of a doubled key, as JSON readers do)."""
    if isinstance(value, _Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _csv_rows(
    path: pathlib.Path, text: str, by_name: Mapping[str, Option]
) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""))  # a quoted cell keeps its line breaks
    header = next(reader, None)
    if not header:
        raise RunsFileError(f"{path}: no header row naming the inputs")
    options = [by_name.get(_attribute(name)) for name in header]
    _named(path, 1, [(name, None) for name in header], by_name)  # unknown or doubled names
    rows = []
    start = reader.line_num + 1
    for cells in reader:
        number, start = start, reader.line_num + 1  # a record may span lines
        if not any(c.strip() for c in cells):
            continue  # a blank line (or only commas): no run
        if len(cells) != len(header):
            raise RunsFileError(
                f"{path}: line {number}: {len(cells)} cells under {len(header)} columns"
            )
        row: dict[str, Any] = {}
        for name, option, cell in zip(header, options, cells):
            if cell != "" and option is not None:
                row[option.attribute] = option.cell(cell)
        rows.append((number, row))
    return rows
