"""PIL images given as image inputs: their PNG form (what is uploaded, and what ``to_dict``
writes), their content digest (so one image uploads once), and back from PNG.

Pillow is an extra: nothing here imports it until a PIL image is at hand (it exists only once
Pillow is loaded), except ``from_png_json``, which has only bytes and says what to install.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .value_walk import leaves, map_leaves

__all__ = [
    "from_png_json", "image_digest", "is_pil_image", "pil_images_in", "png_bytes", "png_json", "replace_pil",
]  # fmt: skip


def is_pil_image(value: object) -> bool:
    """Whether ``value`` is a PIL image. Pillow is never imported for it: a PIL image can only
    exist once Pillow is loaded."""
    module = sys.modules.get("PIL.Image")
    cls = getattr(module, "Image", None)
    return isinstance(cls, type) and isinstance(value, cls)


def png_bytes(image: Any) -> bytes:
    """The image as PNG. A mode PNG cannot hold (CMYK, YCbCr, LAB, HSV, F, I, ...) becomes
    RGBA if it has transparency, else RGB."""
    out = io.BytesIO()
    try:
        image.save(out, format="PNG")
    except (OSError, KeyError, ValueError):  # Pillow: "cannot write mode X as PNG"
        has_alpha = getattr(image, "has_transparency_data", False)
        try:
            converted = image.convert("RGBA" if has_alpha else "RGB")
        except ValueError as exc:
            raise ValueError(
                f"a PIL image of mode {image.mode} cannot be sent as PNG: {exc}"
            ) from None
        out = io.BytesIO()
        converted.save(out, format="PNG")
    return out.getvalue()


def image_digest(image: Any) -> str:
    """A digest of what the PNG would hold (mode, size, palette, transparency, pixels), made
    without encoding it: equal images share an upload, a changed one uploads again."""
    h = hashlib.sha256()
    palette = image.getpalette() if image.mode in ("P", "PA") else None
    h.update(repr((image.mode, image.size, palette, image.info.get("transparency"))).encode())
    h.update(image.tobytes())
    return h.hexdigest()


def png_json(image: Any) -> dict[str, str]:
    """``to_dict``'s form of a PIL image: JSON-safe and lossless."""
    return {"png_base64": base64.b64encode(png_bytes(image)).decode("ascii")}


def is_png_json(value: object) -> bool:
    return isinstance(value, Mapping) and set(value) == {"png_base64"}


def from_png_json(value: Mapping[str, Any], where: str) -> Any:
    """The PIL image ``png_json`` wrote (``where`` names the attribute in the ImportError).
    A bad value raises PydanticCustomError (a ValueError), which ``from_dict`` reports in a
    ValidationError located at the attribute."""
    from pydantic_core import PydanticCustomError

    data = value.get("png_base64")
    if not isinstance(data, str):
        raise PydanticCustomError(
            "png_base64",
            "png_base64 must be a string of base64, not {kind}",
            {"kind": type(data).__name__},
        )
    try:
        raw = base64.b64decode(data, validate=True)
    except binascii.Error as exc:
        raise PydanticCustomError(
            "png_base64", "png_base64 is not base64 ({reason})", {"reason": str(exc)}
        ) from None
    try:
        from PIL import Image, UnidentifiedImageError
    except ImportError as exc:
        raise ImportError(
            f"{where} holds a PIL image: reading it needs Pillow (pip install 'ivk-codegen[images]')"
        ) from exc
    try:
        with Image.open(io.BytesIO(raw), formats=["PNG"]) as opened:
            opened.load()
            return opened.copy()  # a plain Image, detached from the buffer
    except UnidentifiedImageError:  # its text holds the buffer's repr: not said
        raise PydanticCustomError("png_base64", "png_base64 does not hold a PNG image") from None
    except (OSError, SyntaxError) as exc:  # Pillow's errors for a broken PNG
        raise PydanticCustomError(
            "png_base64", "png_base64 does not hold a readable PNG ({reason})", {"reason": str(exc)}
        ) from None


def pil_images_in(values_list: Sequence[Mapping[int, Any]]) -> list[Any]:
    """The PIL images among the value sets (in image collections too), each object once, in
    first-seen order."""
    found: dict[int, Any] = {}
    for v in leaves(values_list):
        if is_pil_image(v):
            found.setdefault(id(v), v)
    return list(found.values())


def replace_pil(values: Mapping[int, Any], name_of: Callable[[Any], str]) -> dict[int, Any]:
    """A value set with each PIL image replaced by ``{"image_name": name_of(image)}``."""
    return map_leaves(values, lambda v: {"image_name": name_of(v)} if is_pil_image(v) else v)
