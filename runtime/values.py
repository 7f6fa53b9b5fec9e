"""The values Form inputs take (``ivk_runtime.client.values``), at the path generated modules
import: keep it."""

from __future__ import annotations

from .client.values import (
    BoardValue,
    Color,
    ImageRef,
    ImageValue,
    JsonValue,
    ModelRef,
    PilImage,
    SchemaObject,
    VideoRef,
    VideoValue,
    image_name_of,
    is_pil_image,
    json_value,
    local_image_path,
    to_field_json,
)

__all__ = [
    "BoardValue",
    "Color",
    "ImageRef",
    "ImageValue",
    "JsonValue",
    "ModelRef",
    "PilImage",
    "SchemaObject",
    "VideoRef",
    "VideoValue",
    "image_name_of",
    "is_pil_image",
    "json_value",
    "local_image_path",
    "to_field_json",
]
