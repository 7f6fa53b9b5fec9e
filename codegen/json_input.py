"""Reading untrusted JSON (an exported workflow, a schema file or a server's schema): every
way the text can fail is one message naming the document and the place (line, column), never
a traceback. Python's json refuses what a JavaScript GUI might not (NaN, numbers of over 4,300
digits, nesting past its recursion limit) and turns 1e999 into infinity, which no JSON value
is; where it cannot say where, one linear pass over the text finds the place."""

from __future__ import annotations

import json
import math
import pathlib

from ivk_runtime.errors import WorkflowError
from ivk_runtime.workflow.jsoncopy import MAX_DEPTH, too_deep

__all__ = ["BadJson", "parse_json", "read_workflow_json"]

_MAX_DIGITS = 4300  # Python's int_max_str_digits default


class BadJson(ValueError):
    """What is wrong with a document's text; the caller names the document."""


class _Constant(ValueError):
    pass


def _no_constant(name: str) -> object:
    raise _Constant(name)  # Python's json takes NaN and Infinity; JSON (and the GUI) does not


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # 1e999: a number, but no float holds it
        raise _Constant(text)
    return value


def read_workflow_json(path: pathlib.Path) -> object:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WorkflowError(path.name, None, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        return parse_json(data, "a workflow")
    except BadJson as exc:
        raise WorkflowError(path.name, None, str(exc)) from exc


def parse_json(data: bytes, what: str, max_depth: int | None = None) -> object:
    """The value of a UTF-8 JSON document (``what`` it should be, for the message); deeper
    than ``max_depth`` is refused too, where the caller does not check the depth itself."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadJson(f"not UTF-8 text (byte {exc.start})") from exc
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as exc:
        message = exc.msg.removesuffix(" at").rstrip(": ")
        raise BadJson(f"not valid JSON: {message} at line {exc.lineno} column {exc.colno}") from exc
    except _Constant as exc:
        where = _place(text, "token", str(exc))
        constant = exc.args[0] in ("NaN", "Infinity", "-Infinity")
        problem = "is not a JSON value" if constant else "is beyond a float's range"
        raise BadJson(f"not valid JSON: {exc} {problem}{where}") from exc
    except RecursionError as exc:
        where = _place(text, "depth")
        raise BadJson(f"not {what}: JSON nested more than {MAX_DEPTH} levels deep{where}") from exc
    except ValueError as exc:  # int_max_str_digits
        where = _place(text, "digits")
        raise BadJson(f"not {what}: a number of more than {_MAX_DIGITS} digits{where}") from exc
    if max_depth is not None and _deeper_than(value, max_depth):
        path = too_deep(value, max_depth) or []
        under = ".".join(map(str, path[:5]))
        raise BadJson(f"not {what}: JSON nested more than {max_depth} levels deep"
                      + (f" under {under}" if under else ""))  # fmt: skip
    return value


def _deeper_than(value: object, limit: int) -> bool:
    """One pass without recursion, containers only (a schema holds tens of thousands)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    return False


def _place(text: str, fault: str, token: str = "") -> str:
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
        elif fault == "token" and text.startswith(token, i) and not _in_number(text, i - 1) \
                and not _in_number(text, i + len(token)):  # fmt: skip
            return f" at line {line} column {column}"
    return ""


def _in_number(text: str, i: int) -> bool:
    """Whether the character at ``i`` could be part of a number or a bare word."""
    return 0 <= i < len(text) and (text[i].isalnum() or text[i] in "+-.")
