"""The Python value types of workflow inputs, and their JSON form in a workflow.

Generated modules type their attributes with these; the runtime turns them into the JSON
that InvokeAI's nodes take (``to_field_json``).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import pathlib
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Literal, Protocol, Union

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, JsonValue, TypeAdapter
from pydantic_core import CoreSchema, core_schema
from typing_extensions import TypeVar  # a default for the type parameters (PEP 696)

from .pil_images import is_pil_image, png_json

__all__ = [
    "BoardValue",
    "Color",
    "ImageRef",
    "ImageValue",
    "JsonValue",
    "LocalVideo",
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


class ImageRef(BaseModel):
    """An image already on the server, by its ``image_name``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    image_name: str


class PilImage(Protocol):
    """A ``PIL.Image.Image`` as type checkers see it, named without importing Pillow (an extra):
    at run time only a real PIL image passes (``is_pil_image``)."""

    @property
    def size(self) -> tuple[int, int]: ...

    @property
    def mode(self) -> str: ...

    def getbands(self) -> tuple[str, ...]: ...


def _pil_image(value: Any) -> Any:
    if not is_pil_image(value):
        raise ValueError(f"not a PIL image: {type(value).__name__}")
    return value


class _PilField:
    """pydantic's view of a PIL image: checked by class, kept as itself; in JSON
    (``to_dict``) its pixels as PNG in base64, which ``from_dict`` opens again."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _pil_image,
            serialization=core_schema.plain_serializer_function_ser_schema(png_json, when_used="json"),
        )

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: Any) -> dict[str, Any]:
        png = {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"}
        return {"type": "object", "title": "PIL image", "properties": {"png_base64": png},
                "required": ["png_base64"], "additionalProperties": False}  # fmt: skip


# An image input: an ``ImageRef`` or a ``str`` names an image on the server; a ``pathlib.Path``
# is a local file and a PIL image one in memory, uploaded (a PIL image as PNG) when the
# workflow is submitted.
ImageValue = Union[ImageRef, pathlib.Path, str, Annotated[PilImage, _PilField()]]

class VideoRef(BaseModel):
    """A video already on the server, by its ``video_name``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    video_name: str


# A video input: a ``VideoRef`` or a ``str`` names a video on the server; a ``pathlib.Path`` is
# a local file, uploaded as a video when the workflow is submitted.
VideoValue = Union[VideoRef, pathlib.Path, str]


@dataclass(frozen=True)
class LocalVideo:
    """A local file of a video input, waiting for its upload (a bare Path is an image's)."""

    path: pathlib.Path


# A board: "auto" (the GUI's auto-add board, none here), "none" (uncategorized) or a board id.
BoardValue = Union[Literal["auto", "none"], str]


# A generated module writes the bases and types a field allows into its annotation:
# ``ModelRef[Literal["sdxl"], Literal["main"]]``, so mypy, pyright and validation refuse an
# SDXL VAE given to a Wan transformer field. Covariant (the model is frozen) so that a ref of
# base "sdxl" fits a field taking "sdxl" or "sd-1"; ``ModelRef`` alone takes any.
BaseT = TypeVar("BaseT", bound=str, default=str, covariant=True)
TypeT = TypeVar("TypeT", bound=str, default=str, covariant=True)


class ModelRef(BaseModel, Generic[BaseT, TypeT]):
    """A model on the server: InvokeAI's ModelIdentifierField."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    key: str
    hash: str
    name: str
    base: BaseT
    type: TypeT
    submodel_type: str | None = None


class SchemaObject(BaseModel):
    """The base of the classes a generated module makes from the schema's objects (LoRAField,
    ControlField...): frozen and strict, with no keys but the schema's."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


class Color(BaseModel):
    """An RGBA colour, each component 0-255 (InvokeAI's ColorField)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    r: int = Field(ge=0, le=255)
    g: int = Field(ge=0, le=255)
    b: int = Field(ge=0, le=255)
    a: int = Field(default=255, ge=0, le=255)


def json_value(value: JsonValue) -> JsonValue:
    """A fresh copy of a JSON default (generated modules' defaults for untyped inputs)."""
    return copy.deepcopy(value)


def local_image_path(value: object) -> pathlib.Path | None:
    """The local file an image value names, if it is one (to upload before submitting)."""
    return value if isinstance(value, pathlib.PurePath) else None  # type: ignore[return-value]


def image_name_of(value: object) -> str | None:
    if isinstance(value, ImageRef):
        return value.image_name
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("image_name"), str):
        return str(value["image_name"])
    return None


@functools.lru_cache(maxsize=64)
def _adapter(cls: type) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def to_field_json(value: Any, kind: str | None = None) -> Any:
    """The JSON a workflow's node field holds for a Python value (uploads resolved first).

    ``kind`` is the input's kind from the generated module ("image", "board", ...): a plain
    ``str`` is an image name for an image input, and "auto"/"none"/a board id for a board. A
    local file of an image input (or of an image collection) stays a Path, for the upload.
    """
    if isinstance(value, (list, tuple)):  # before the image branch: image collections
        return [to_field_json(v, kind) for v in value]
    if kind == "image" and value is not None:
        if isinstance(value, pathlib.PurePath) or is_pil_image(value):
            return value  # a local file or a PIL image: uploaded when the run is submitted
        name = image_name_of(value)
        if name is None:
            raise TypeError(f"not an image: {value!r}")
        return {"image_name": name}
    if kind == "video" and value is not None:
        if isinstance(value, pathlib.PurePath):
            return LocalVideo(pathlib.Path(value))
        name = value.video_name if isinstance(value, VideoRef) else value if isinstance(value, str) else (
            value.get("video_name") if isinstance(value, dict) else None)  # fmt: skip
        if not isinstance(name, str):
            raise TypeError(f"not a video: {value!r}")
        return {"video_name": name}
    if kind == "board" and isinstance(value, str):
        return value if value in ("auto", "none") else {"board_id": value}
    if isinstance(value, SchemaObject):  # field by field: a model inside is one as a field holds it
        return {name: to_field_json(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=isinstance(value, ModelRef))
    if dataclasses.is_dataclass(value) and not isinstance(value, (type, LocalVideo)):
        # an extension's dataclass (stdlib or pydantic): pydantic's JSON form, as for a model
        return _adapter(type(value)).dump_python(value, mode="json")
    if isinstance(value, pathlib.PurePath):
        raise TypeError(f"local image {value} must be uploaded before it is submitted")
    if isinstance(value, dict):
        return {str(k): to_field_json(v) for k, v in value.items()}
    return value
