"""The values of generator fields (float/integer/string/image generators), as the GUI computes them.

Number generators and string splitting are computed here. Images on a board and dynamic prompts
need the server, which a ``GeneratorResolver`` supplies.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from ..errors import WorkflowError

__all__ = ["GeneratorResolver", "MersenneTwister", "resolve_generator"]


class GeneratorResolver(Protocol):
    """What only the server can answer, for image and string generators."""

    def board_image_names(self, board_id: str, category: str) -> list[str]:
        """Names of the non-intermediate images on a board; ``category`` is "images" or "assets"
        (the GUI asks GET /api/v1/boards/{board_id}/image_names with those categories)."""
        ...

    def dynamic_prompts(
        self, prompt: str, max_prompts: int, combinatorial: bool, seed: int | None
    ) -> list[str]:
        """POST /api/v1/utilities/dynamicprompts; an empty list when the server reports an error."""
        ...


class _NoResolver(Exception):
    """A generator needs the server and no resolver was given."""


class _BadGenerator(Exception):
    """Generator settings the GUI could not compute either."""


class MersenneTwister:
    """MT19937 seeded like the GUI's ``mtwist`` package (init_genrand with a uint32 seed)."""

    def __init__(self, seed: int) -> None:
        mt = [0] * 624
        mt[0] = seed & 0xFFFFFFFF
        for i in range(1, 624):
            prev = mt[i - 1]
            mt[i] = (1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF
        self._mt = mt
        self._index = 624

    def _twist(self) -> None:
        mt = self._mt
        for i in range(624):
            y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7FFFFFFF)
            mt[i] = mt[(i + 397) % 624] ^ (y >> 1) ^ (0x9908B0DF if y & 1 else 0)
        self._index = 0

    def uint32(self) -> int:
        if self._index >= 624:
            self._twist()
        y = self._mt[self._index]
        self._index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C5680
        y ^= (y << 15) & 0xEFC60000
        y ^= y >> 18
        return y & 0xFFFFFFFF

    def random(self) -> float:
        return self.uint32() / 4294967296


def _rng(seed: Any) -> Callable[[], float]:
    if isinstance(seed, (int, float)) and not isinstance(seed, bool):
        return MersenneTwister(int(seed)).random
    return random.random


def _split(text: str, split_on: str) -> list[str]:
    """The GUI splits on the separator read as a JSON string (so "\\n" works), else literally."""
    if split_on == "":
        return [text]
    try:
        sep = json.loads(f'"{split_on}"')
    except ValueError:
        sep = split_on
    if not isinstance(sep, str) or sep == "":
        # JavaScript's split("") splits into characters
        return list(text) if isinstance(sep, str) else text.split(split_on)
    return text.split(sep)


_FLOAT_PREFIX = re.compile(r"^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")
_INT_PREFIX = re.compile(r"^[+-]?\d+")


def _parse_float(s: str) -> float | None:
    """JavaScript parseFloat: the longest numeric prefix, None for NaN."""
    m = _FLOAT_PREFIX.match(s.strip())
    return float(m.group(0)) if m else None


def _parse_int(s: str) -> int | None:
    m = _INT_PREFIX.match(s.strip())
    return int(m.group(0)) if m else None


def _num(gen: Mapping[str, Any], key: str, default: float) -> Any:
    v = gen.get(key, default)
    if v is None:
        return default
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _BadGenerator(f"{key!r} is not a number: {v!r}")
    return v


def _float_values(gen: Mapping[str, Any]) -> list[Any]:
    kind = gen.get("type", "float_generator_arithmetic_sequence")
    if isinstance(gen.get("values"), list):  # precomputed values win (even an empty list)
        return list(gen["values"])
    if kind == "float_generator_arithmetic_sequence":
        start, step, count = _num(gen, "start", 0), _num(gen, "step", 0.1), int(_num(gen, "count", 10))
        return [start] if step == 0 else [start + i * step for i in range(count)]
    if kind == "float_generator_linear_distribution":
        start, end, count = _num(gen, "start", 0), _num(gen, "end", 1), int(_num(gen, "count", 10))
        if count == 1:
            return [start]
        return [start + (end - start) * (i / (count - 1)) for i in range(count)]
    if kind == "float_generator_random_distribution_uniform":
        lo, hi, count = _num(gen, "min", 0), _num(gen, "max", 1), int(_num(gen, "count", 10))
        rng = _rng(gen.get("seed"))
        return [rng() * (hi - lo) + lo for _ in range(count)]
    if kind == "float_generator_parse_string":
        text = str(gen.get("input", "0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1"))
        parts = [p.strip() for p in _split(text, str(gen.get("splitOn", ",")))]
        return [v for v in (_parse_float(p) for p in parts if p) if v is not None]
    raise _BadGenerator(f"unknown float generator {kind!r}")


def _int_values(gen: Mapping[str, Any]) -> list[Any]:
    kind = gen.get("type", "integer_generator_arithmetic_sequence")
    if kind == "integer_generator_arithmetic_sequence":
        start, step, count = _num(gen, "start", 0), _num(gen, "step", 1), int(_num(gen, "count", 10))
        return [start] if step == 0 else [start + i * step for i in range(count)]
    if kind == "integer_generator_linear_distribution":
        start, end, count = _num(gen, "start", 0), _num(gen, "end", 10), int(_num(gen, "count", 10))
        if count == 1:
            return [start]
        # Math.round rounds halves up, unlike Python's round
        return [start + math.floor((end - start) * (i / (count - 1)) + 0.5) for i in range(count)]
    if kind == "integer_generator_random_distribution_uniform":
        lo, hi, count = _num(gen, "min", 0), _num(gen, "max", 10), int(_num(gen, "count", 10))
        rng = _rng(gen.get("seed"))
        return [math.floor(rng() * (hi - lo + 1)) + lo for _ in range(count)]
    if kind == "integer_generator_parse_string":
        text = str(gen.get("input", "1,2,3,4,5,6,7,8,9,10"))
        parts = [p.strip() for p in _split(text, str(gen.get("splitOn", ",")))]
        return [v for v in (_parse_int(p) for p in parts if p) if v is not None]
    raise _BadGenerator(f"unknown integer generator {kind!r}")


def _string_values(gen: Mapping[str, Any], server: GeneratorResolver | None) -> list[Any]:
    kind = gen.get("type", "string_generator_parse_string")
    if kind == "string_generator_parse_string":
        text = str(gen.get("input", "foo,bar,baz,qux"))
        return [s for s in _split(text, str(gen.get("splitOn", ","))) if s]
    if kind in ("string_generator_dynamic_prompts_combinatorial", "string_generator_dynamic_prompts_random"):
        if server is None:
            raise _NoResolver("dynamic prompts")
        prompt = str(gen.get("input", "a super {cute|ferocious} {dog|cat}"))
        if kind.endswith("combinatorial"):
            return server.dynamic_prompts(prompt, int(_num(gen, "maxPrompts", 10)), True, None)
        seed = gen.get("seed")
        # the GUI sends lodash-style random() (0 or 1) when no seed is set
        seed = seed if isinstance(seed, int) and not isinstance(seed, bool) else random.randint(0, 1)
        return server.dynamic_prompts(prompt, int(_num(gen, "count", 10)), False, seed)
    raise _BadGenerator(f"unknown string generator {kind!r}")


def _image_values(gen: Mapping[str, Any], server: GeneratorResolver | None) -> list[Any]:
    board_id = gen.get("board_id")
    if not isinstance(board_id, str) or not board_id.strip():
        return []
    if server is None:
        raise _NoResolver("images from a board")
    category = "assets" if gen.get("category") == "assets" else "images"
    return [{"image_name": name} for name in server.board_image_names(board_id, category)]


def resolve_generator(
    node_type: str, generator: Any, server: GeneratorResolver | None, *, where: str
) -> list[Any]:
    """The items a generator node yields; WorkflowError when it cannot be computed."""
    if not isinstance(generator, Mapping):
        raise WorkflowError("<workflow>", where, "the generator has no settings")
    try:
        if node_type == "float_generator":
            return _float_values(generator)
        if node_type == "integer_generator":
            return _int_values(generator)
        if node_type == "string_generator":
            return _string_values(generator, server)
        if node_type == "image_generator":
            return _image_values(generator, server)
    except _NoResolver as exc:
        raise WorkflowError("<workflow>", where, f"{exc} need a server: pass a GeneratorResolver") from exc
    except _BadGenerator as exc:
        raise WorkflowError("<workflow>", where, f"cannot compute the generator: {exc}") from exc
    raise WorkflowError("<workflow>", where, f"{node_type!r} is not a generator")
