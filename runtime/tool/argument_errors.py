"""A ValidationError of a tool's arguments as lines a person reads: one per wrong attribute
(or nested field), the members of a union collapsed into one line (pydantic reports each
member it tried, located by internal tags like "lax-or-strict[lax=union[...]]"). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

__all__ = ["argument_errors"]

_SHOWN = 80  # characters of a wrong value's repr shown (an inline image is long)


def argument_errors(exc: ValidationError) -> list[str]:
    """``- where: what is wrong (got value)`` lines, in the errors' order."""
    errors: list[dict[str, Any]] = [
        {**e, "loc": tuple(e.get("loc", ()))} for e in exc.errors(include_url=False)
    ]
    # where a union is: before a member tag no attribute or field name can be (pydantic's tags
    # hold brackets, dashes...); its other members' tags ("str", "ImageRef") sit at that place too
    unions = {e["loc"][:i] for e in errors for i in _tags(e["loc"])}
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for err in errors:
        loc = err["loc"]
        at = next((i for i in range(len(loc)) if loc[:i] in unions), None)
        groups.setdefault(loc if at is None else loc[:at], []).append(err)
    lines = []
    for where, errs in groups.items():
        if where not in unions:
            lines += [_line(e["loc"], e["msg"], e) for e in errs]
            continue
        # the member that got furthest says most; a tie: every member's word, on one line
        cleaned = [(where + e["loc"][len(where) + 1 :], e) for e in errs]
        depth = max(len(loc) for loc, _ in cleaned)
        deepest = [(loc, e) for loc, e in cleaned if len(loc) == depth]
        if len(deepest) == 1 and depth > len(where):
            loc, e = deepest[0]
            lines.append(_line(loc, e["msg"], e))
        else:
            said = _unique([_tail(loc, where) + e["msg"] for loc, e in cleaned])
            top = [e for e in errs if len(e["loc"]) == len(where) + 1 and e["type"] != "missing"]
            lines.append(
                _line(where, "no accepted form matches: " + "; ".join(said), top[0] if top else {})
            )
    return lines


def _tags(loc: Sequence[Any]) -> list[int]:
    return [i for i, part in enumerate(loc) if isinstance(part, str) and not part.isidentifier()]


def _tail(loc: tuple[Any, ...], where: tuple[Any, ...]) -> str:
    rest = [str(part) for part in loc[len(where) :]]
    return f"{'.'.join(rest)}: " if rest else ""


def _line(loc: Sequence[Any], said: str, err: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in loc) or "arguments"
    got = ""
    if "input" in err and err.get("type") != "missing":
        shown = repr(err["input"])
        got = f" (got {shown if len(shown) <= _SHOWN else shown[: _SHOWN - 3] + '...'})"
    return f"- {where}: {said}{got}"


def _unique(texts: list[str]) -> list[str]:
    return list(dict.fromkeys(texts))
