"""A generated class's attributes as command-line options, and their text back as the JSON
values ``from_dict`` validates (so a bad value fails with pydantic's own message).

Each attribute is ``--kebab-name``. Booleans are ``--flag/--no-flag``; strings are taken as
typed; an image or video input is a local file (uploaded), or ``invokeai:NAME`` for one already
on the server; anything else is JSON (``30``, ``0.5``, ``'{"r": 1, ...}'``), or the text
itself where it is no JSON.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..client.terminal_text import printable

__all__ = ["SERVER_PREFIX", "Option", "add_options", "options_of"]

SERVER_PREFIX = "invokeai:"  # an image or video input naming a file already on the server
_FILE_KINDS = ("image", "video")
_HELP_CHOICES = 30  # more choices than this are counted in --help, not listed


@dataclass(frozen=True)
class Option:
    attribute: str
    flag: str  # "--noise-seed"
    shape: str  # "bool", "string", "file", "files" or "json"
    help: str
    metavar: str | None

    @property
    def dest(self) -> str:
        """Where argparse keeps it: apart from the tool's own options ("timeout" may be both)."""
        return "input." + self.attribute

    def cell(self, text: str) -> Any:
        """The JSON value of a CSV cell: as ``value``, and a list of files is a JSON list of
        paths or one path."""
        if self.shape == "files":
            if text.lstrip().startswith("["):
                try:
                    items = json.loads(text)
                except ValueError:
                    return text
                return (
                    [self.value(i) if isinstance(i, str) else i for i in items]
                    if isinstance(items, list)
                    else items
                )
            return [self.value(text)]
        return self.value(text)

    def value(self, text: str) -> Any:
        """The JSON value of ``text`` given for this option (a row of ``--runs`` too)."""
        if self.shape == "string":
            return text
        if self.shape in ("file", "files"):
            return text[len(SERVER_PREFIX) :] if text.startswith(SERVER_PREFIX) else {"path": text}
        if self.shape == "bool":
            lowered = text.strip().lower()
            return {"true": True, "1": True, "false": False, "0": False}.get(lowered, text)
        try:
            return json.loads(text)
        except ValueError:
            return text  # pydantic says what the input should have been


def options_of(cls: type[Any], reserved: frozenset[str] = frozenset()) -> list[Option]:
    """One option per attribute, in Form order. An input whose flag is ``reserved`` (the
    tool's own options) or taken by an earlier input is ``--input-NAME`` (and so on)."""
    schema = cls.json_schema()
    props: Mapping[str, Any] = schema.get("properties", {})
    defs: Mapping[str, Any] = schema.get("$defs", {})
    taken = set(reserved)
    options = []
    for spec in cls.input_specs():
        prop = props.get(spec.attribute, {})
        target = _deref(prop, defs)
        shape = _shape(target, defs, spec.kind)
        flag = _free_flag(spec.attribute.replace("_", "-"), shape, taken)
        options.append(
            Option(
                attribute=spec.attribute,
                flag=flag,
                shape=shape,
                help=_help(prop, target, defs, shape),
                metavar=_metavar(target, defs, shape),
            )
        )
    return options


def _free_flag(name: str, shape: str, taken: set[str]) -> str:
    def strings(flag: str) -> list[str]:  # a boolean takes --no-NAME too
        return [flag, "--no-" + flag[2:]] if shape == "bool" else [flag]

    flag = "--" + name
    while any(f in taken for f in strings(flag)):
        flag = "--input-" + flag[2:]
    taken.update(strings(flag))
    return flag


def add_options(parser: argparse.ArgumentParser, options: list[Option]) -> None:
    """Options left out stay unset (SUPPRESS): the class's default then applies."""
    group = parser.add_argument_group("workflow inputs")
    for o in options:
        common: dict[str, Any] = {"dest": o.dest, "default": argparse.SUPPRESS, "help": o.help}
        if o.shape == "bool":
            group.add_argument(o.flag, action=argparse.BooleanOptionalAction, **common)
        elif o.shape == "files":
            group.add_argument(o.flag, action="append", metavar="FILE", **common)
        else:
            group.add_argument(o.flag, metavar=o.metavar, **common)


def _deref(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    ref = prop.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found = defs.get(ref[len("#/$defs/") :])
        if isinstance(found, Mapping):
            return found
    return prop


def _alternatives(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The schemas a value may match (a union's members, each dereferenced)."""
    for key in ("anyOf", "oneOf"):
        if isinstance(prop.get(key), list):
            return [_deref(p, defs) for p in prop[key] if isinstance(p, Mapping)]
    return [prop]


def _shape(prop: Mapping[str, Any], defs: Mapping[str, Any], kind: str) -> str:
    if kind in _FILE_KINDS:
        return (
            "files" if any(p.get("type") == "array" for p in _alternatives(prop, defs)) else "file"
        )
    types = {p.get("type") for p in _alternatives(prop, defs)}
    if types == {"boolean"}:
        return "bool"
    if types == {"string"} or (None in types and _choices(prop, defs, strings_only=True)):
        return "string"
    return "json"


def _choices(
    prop: Mapping[str, Any], defs: Mapping[str, Any], *, strings_only: bool = False
) -> list[Any]:
    found: list[Any] = []
    for p in _alternatives(prop, defs):
        if "const" in p:
            found.append(p["const"])
        elif isinstance(p.get("enum"), list):
            found.extend(p["enum"])
        elif strings_only:
            return []
    if strings_only and not all(isinstance(c, str) for c in found):
        return []
    return found


def _metavar(prop: Mapping[str, Any], defs: Mapping[str, Any], shape: str) -> str | None:
    if shape == "file":
        return "FILE"
    names = {"integer": "INT", "number": "NUMBER", "string": "TEXT", "boolean": "BOOL"}
    shown: list[str] = []
    for p in _alternatives(prop, defs):
        few = _choices(p, defs)
        if few and len(few) <= _HELP_CHOICES:
            shown.append("{" + ",".join(str(c) for c in few) + "}")
        else:
            shown.append(names.get(str(p.get("type")), "JSON"))
    return "|".join(dict.fromkeys(shown)) or "JSON"


def _help(
    prop: Mapping[str, Any], target: Mapping[str, Any], defs: Mapping[str, Any], shape: str
) -> str:
    # argparse expands "%": the docstring is the user's text, so every % is doubled
    doc = printable(_summary(str(prop.get("description") or target.get("description") or "")))
    parts = [doc.replace("%", "%%"), _bounds_text(target, defs)]
    choices = _choices(target, defs)
    if len(choices) > _HELP_CHOICES:
        parts.append(f"One of {len(choices)} choices.")
    if shape in ("file", "files"):
        parts.append(f"A local file (uploaded), or {SERVER_PREFIX}NAME for one on the server.")
    if "default" in prop:
        parts.append(
            "Default: "
            + printable(json.dumps(prop["default"], ensure_ascii=False)).replace("%", "%%")
            + "."
        )
    return " ".join(p for p in parts if p)


def _summary(doc: str) -> str:
    """The docstring without its "Input N:" count and "Sets field ..." where-to (both are for
    readers of the module, not of --help)."""
    paragraphs = [p for p in doc.split("\n\n") if not p.startswith("Sets field ")]
    text = " ".join(paragraphs)
    head, sep, rest = text.partition(": ")
    return rest if sep and head.startswith("Input ") and head[6:].isdigit() else text


def _bounds_text(prop: Mapping[str, Any], defs: Mapping[str, Any]) -> str:
    """ "Range 16..1024.", "At least 0.", "More than 0.", "Less than 1, at least 0." ..."""
    low = high = None
    for p in _alternatives(prop, defs):
        for key, word in (("minimum", "at least"), ("exclusiveMinimum", "more than")):
            if key in p and low is None:
                low = (word, p[key])
        for key, word in (("maximum", "at most"), ("exclusiveMaximum", "less than")):
            if key in p and high is None:
                high = (word, p[key])
    if low and high and low[0] == "at least" and high[0] == "at most":
        return f"Range {low[1]}..{high[1]}."
    said = [f"{bound[0]} {bound[1]}" for bound in (low, high) if bound is not None]
    return (", ".join(said).capitalize() + ".") if said else ""
