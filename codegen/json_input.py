"""Reading an exported workflow's JSON: every way the text can fail is one message naming the
file and the place (line, column), never a traceback. Python's json refuses what a JavaScript
GUI might not (NaN, numbers of over 4,300 digits, nesting past its recursion limit); where it
cannot say where, one linear pass over the text finds the place."""

from __future__ import annotations

import json
import pathlib

from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow.jsoncopy import MAX_DEPTH

__all__ = ["read_workflow_json"]

_MAX_DIGITS = 4300  # Python's int_max_str_digits default


class _Constant(ValueError):
    pass


def _no_constant(name: str) -> object:
    raise _Constant(name)  # Python's json takes NaN and Infinity; JSON (and the GUI) does not


def read_workflow_json(path: pathlib.Path) -> object:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise WorkflowError(path.name, None, f"cannot read the file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise WorkflowError(path.name, None, f"not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        message = exc.msg.removesuffix(" at").rstrip(": ")
        raise WorkflowError(
            path.name, None, f"not valid JSON: {message} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except _Constant as exc:
        where = _place(text, "constant")
        raise WorkflowError(path.name, None, f"not valid JSON: {exc} is not a JSON value{where}") from exc
    except RecursionError as exc:
        where = _place(text, "depth")
        raise WorkflowError(path.name, None, f"not a workflow: JSON nested more than {MAX_DEPTH} levels deep{where}") from exc
    except ValueError as exc:  # int_max_str_digits
        where = _place(text, "digits")
        raise WorkflowError(path.name, None, f"not a workflow: a number of more than {_MAX_DIGITS} digits{where}") from exc


def _place(text: str, fault: str) -> str:
    """' at line L column C' of the first fault of that kind outside strings, or ''."""
    line, column, depth, digits = 1, 0, 0, 0
    in_string = escaped = False
    for i, ch in enumerate(text):
        if ch == "\n":
            line, column = line + 1, 0
        else:
            column += 1
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        digits = digits + 1 if ch.isdigit() else 0
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if fault == "depth" and depth > MAX_DEPTH:
                return f" at line {line} column {column}"
        elif ch in "]}":
            depth -= 1
        elif fault == "digits" and digits > _MAX_DIGITS:
            return f" at line {line} column {column - digits + 1}"
        elif fault == "constant" and text.startswith(("NaN", "Infinity"), i) and not text[i - 1 : i].isalnum():
            return f" at line {line} column {column}"
    return ""
