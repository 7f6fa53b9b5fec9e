"""Saved field values as the GUI holds them after parsing a workflow.

The GUI parses every input of a node without looking at its template: the value must fit one of
its known value shapes, tried in a fixed order, and the first that fits wins (unknown keys
stripped, missing generator settings defaulted, image names trimmed). A value that fits none
becomes "no value". So a ``null``, or a model saved in a format the GUI no longer knows, is sent
as absent, and any other object fits the first generator shape. The graph inherits all of this,
so we reproduce it. Applying it twice changes nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, Final

from .templates import UNDEFINED

__all__ = ["FAIL", "coerce_value"]


class _Fail:
    def __repr__(self) -> str:
        return "FAIL"


FAIL: Final = _Fail()
Check = Callable[[Any], Any]  # value (or UNDEFINED) -> parsed value, or FAIL

# what JavaScript's String.prototype.trim removes (Python's strip() differs at the edges)
_JS_SPACE: Final = "\t\n\v\f\r \u00a0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff" + "".join(
    chr(c) for c in range(0x2000, 0x200B)
)


def _number(v: Any) -> Any:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return FAIL
    return v if math.isfinite(v) else FAIL


def _int(v: Any) -> Any:
    n = _number(v)
    if n is FAIL or (isinstance(n, float) and not n.is_integer()) or abs(n) > 2**53 - 1:
        return FAIL
    return n


def _int_between(lo: int | None, hi: int | None) -> Check:
    def check(v: Any) -> Any:
        n = _int(v)
        if n is FAIL or (lo is not None and n < lo) or (hi is not None and n > hi):
            return FAIL
        return n

    return check


def _string(v: Any) -> Any:
    return v if isinstance(v, str) else FAIL


def _nonempty(v: Any) -> Any:
    return v if isinstance(v, str) and v else FAIL


def _trimmed_nonempty(v: Any) -> Any:
    if not isinstance(v, str):
        return FAIL
    t = v.strip(_JS_SPACE)
    return t if t else FAIL


def _boolean(v: Any) -> Any:
    return v if isinstance(v, bool) else FAIL


def _enum(*options: str) -> Check:
    allowed = frozenset(options)
    return lambda v: v if isinstance(v, str) and v in allowed else FAIL


def _optional(check: Check) -> Check:
    return lambda v: UNDEFINED if v is UNDEFINED else check(v)


def _nullish(check: Check) -> Check:
    return lambda v: v if v is UNDEFINED or v is None else check(v)


def _default(check: Check, value: Any) -> Check:
    return lambda v: value if v is UNDEFINED else check(v)


def _array(check: Check) -> Check:
    def run(v: Any) -> Any:
        if not isinstance(v, list):
            return FAIL
        out = [check(x) for x in v]
        return FAIL if any(x is FAIL for x in out) else out

    return run


def _object(**shape: Check) -> Check:
    """A zod object: unknown keys dropped, each known key checked (absent -> UNDEFINED)."""

    def run(v: Any) -> Any:
        if not isinstance(v, Mapping):
            return FAIL
        out: dict[str, Any] = {}
        for key, check in shape.items():
            parsed = check(v.get(key, UNDEFINED))
            if parsed is FAIL:
                return FAIL
            if parsed is not UNDEFINED:
                out[key] = parsed
        return out

    return run


def _union(*checks: Check) -> Check:
    def run(v: Any) -> Any:
        for check in checks:
            parsed = check(v)
            if parsed is not FAIL:
                return parsed
        return FAIL

    return run


def _record(v: Any) -> Any:
    return dict(v) if isinstance(v, Mapping) else FAIL


def _literal(value: str) -> Check:
    return _default(lambda v: v if v == value else FAIL, value)


_SCHEDULERS: Final = _enum(
    "euler", "deis", "ddim", "ddpm", "dpmpp_2s", "dpmpp_2m", "dpmpp_3m", "dpmpp_2m_sde",
    "dpmpp_sde", "er_sde", "heun", "kdpm_2", "lms", "pndm", "unipc", "euler_k", "deis_k",
    "dpmpp_2s_k", "dpmpp_2m_k", "dpmpp_3m_k", "dpmpp_2m_sde_k", "dpmpp_sde_k", "heun_k",
    "kdpm_2_k", "kdpm_2_a_k", "lms_k", "unipc_k", "euler_a", "kdpm_2_a", "lcm", "tcd",
)  # fmt: skip
_BASES: Final = _enum(
    "any", "sd-1", "sd-2", "sd-3", "sdxl", "sdxl-refiner", "flux", "flux2", "cogview4",
    "qwen-image", "z-image", "ernie-image", "krea-2", "ideogram-4", "external", "anima", "wan",
    "unknown",
)  # fmt: skip
_MODEL_TYPES: Final = _enum(
    "main", "vae", "lora", "llava_onevision", "text_llm", "control_lora", "controlnet",
    "t2i_adapter", "ip_adapter", "embedding", "onnx", "clip_vision", "spandrel_image_to_image",
    "t5_encoder", "qwen3_encoder", "qwen_vl_encoder", "mistral_encoder", "qwen3_vl_encoder",
    "wan_t5_encoder", "gemma2_encoder", "clip_embed", "siglip", "flux_redux", "prompt_enhancer",
    "external_image_generator", "pid_decoder", "unknown",
)  # fmt: skip
_SUBMODELS: Final = _enum(
    "unet", "transformer", "transformer_2", "text_encoder", "text_encoder_2", "text_encoder_3",
    "tokenizer", "tokenizer_2", "tokenizer_3", "pe", "pe_tokenizer", "vae", "vae_decoder",
    "vae_encoder", "scheduler", "safety_checker",
)  # fmt: skip

_IMAGE: Final = _object(image_name=_trimmed_nonempty)
_MODEL: Final = _object(
    key=_nonempty, hash=_nonempty, name=_nonempty, base=_BASES, type=_MODEL_TYPES,
    submodel_type=_nullish(_SUBMODELS),
)  # fmt: skip
_COLOR_CHANNEL: Final = _int_between(0, 255)
_NUMBERS: Final = _nullish(_array(_number))

_FLOAT_GENERATOR: Final = _union(
    _object(
        type=_literal("float_generator_arithmetic_sequence"), start=_default(_number, 0),
        step=_default(_number, 0.1), count=_default(_int, 10), values=_NUMBERS,
    ),
    _object(
        type=_literal("float_generator_linear_distribution"), start=_default(_number, 0),
        end=_default(_number, 1), count=_default(_int, 10), values=_NUMBERS,
    ),
    _object(
        type=_literal("float_generator_random_distribution_uniform"), min=_default(_number, 0),
        max=_default(_number, 1), count=_default(_int, 10), seed=_nullish(_int), values=_NUMBERS,
    ),
    _object(
        type=_literal("float_generator_parse_string"),
        input=_default(_string, "0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1"),
        splitOn=_default(_string, ","), values=_NUMBERS,
    ),
)  # fmt: skip
_INTEGER_GENERATOR: Final = _union(
    _object(
        type=_literal("integer_generator_arithmetic_sequence"), start=_default(_int, 0),
        step=_default(_int, 1), count=_default(_int, 10),
    ),
    _object(
        type=_literal("integer_generator_linear_distribution"), start=_default(_int, 0),
        end=_default(_int, 10), count=_default(_int, 10),
    ),
    _object(
        type=_literal("integer_generator_random_distribution_uniform"), min=_default(_int, 0),
        max=_default(_int, 10), count=_default(_int, 10), seed=_nullish(_int),
    ),
    _object(
        type=_literal("integer_generator_parse_string"),
        input=_default(_string, "1,2,3,4,5,6,7,8,9,10"), splitOn=_default(_string, ","),
    ),
)  # fmt: skip
_PROMPT: Final = "a super {cute|ferocious} {dog|cat}"
_STRING_GENERATOR: Final = _union(
    _object(
        type=_literal("string_generator_parse_string"),
        input=_default(_string, "foo,bar,baz,qux"), splitOn=_default(_string, ","),
    ),
    _object(
        type=_literal("string_generator_dynamic_prompts_combinatorial"),
        input=_default(_string, _PROMPT), maxPrompts=_default(_int_between(1, None), 10),
    ),
    _object(
        type=_literal("string_generator_dynamic_prompts_random"), input=_default(_string, _PROMPT),
        count=_default(_int_between(1, None), 10), seed=_nullish(_int),
    ),
)  # fmt: skip
_IMAGE_GENERATOR: Final = _object(
    type=_literal("image_generator_images_from_board"),
    board_id=_optional(_trimmed_nonempty),
    category=_default(_enum("images", "assets"), "images"),
)

# The GUI's value shapes, in the order its parser tries them.
_STATEFUL: Final = _union(
    _int,  # integer
    _optional(_array(_int)),  # integer collection (also takes "no value")
    _number,  # float
    _optional(_array(_number)),
    _string,  # string, enum, saved workflow
    _optional(_array(_string)),
    _boolean,
    _optional(_IMAGE),
    _optional(_array(_IMAGE)),
    _optional(_object(video_name=_trimmed_nonempty)),
    _optional(_union(_object(board_id=_trimmed_nonempty), _enum("none", "auto"))),
    _optional(_object(style_preset_id=_trimmed_nonempty)),
    _optional(_object(system_prompt_id=_trimmed_nonempty)),
    _optional(_MODEL),
    _optional(_array(_object(lora=_MODEL, weight=_number))),
    _optional(_object(r=_COLOR_CHANNEL, g=_COLOR_CHANNEL, b=_COLOR_CHANNEL, a=_COLOR_CHANNEL)),
    _optional(_SCHEDULERS),
    _FLOAT_GENERATOR,
    _INTEGER_GENERATOR,
    _STRING_GENERATOR,
    _IMAGE_GENERATOR,
)
# nodes that accept extra inputs also keep metadata lists and, failing all else, any value
_WITH_EXTRAS: Final = _union(_STATEFUL, _nullish(_array(_record)), lambda v: v)


def coerce_value(value: Any, *, accepts_extras: bool = False) -> Any:
    """The value the GUI holds for a saved ``value`` (UNDEFINED = no value / key absent)."""
    parsed = (_WITH_EXTRAS if accepts_extras else _STATEFUL)(value)
    return UNDEFINED if parsed is FAIL else parsed
