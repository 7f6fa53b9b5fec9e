"""Fields naming things on the server: images, boards, latents, tensors, denoise masks, metadata.

Each holds a ``.value``; ``to_api_format()`` gives ``{"value": <the node field's JSON>,
"type": ...}``, the JSON shaped as InvokeAI's schema says (``ImageField`` is
``{"image_name": ...}``, ``LatentsField`` ``{"latents_name": ..., "seed": ...}``...).
"""

from __future__ import annotations

import asyncio
import pathlib
from typing import Any, ClassVar

from pydantic import StrictStr, field_validator

from .._dispatch import acall
from ._synced import SyncedValueModel, name_of
from .base import FieldModel, IvkField, IvkImageFieldMixin, PydanticFieldMixin
from .primitives import api_value

__all__ = [
    "IvkBoardField",
    "IvkDenoiseMaskField",
    "IvkImageField",
    "IvkLatentsField",
    "IvkMetadataField",
    "IvkTensorField",
]


def _named(data: dict[str, Any] | None, key: str) -> Any:
    """The name in API data: ``{"value": {key: name}}``, ``{"value": name}`` or a bare name."""
    return name_of(api_value(data), key)


class IvkImageField(FieldModel, PydanticFieldMixin, IvkField[str], IvkImageFieldMixin):
    """An image: a server image name (``str``), or a local file (``pathlib.Path``) that the
    workflow handle uploads on submit (or ``await field.upload(client)``). An uploaded image
    object or ``{"image_name": ...}`` counts as its name."""

    value: StrictStr | pathlib.Path | None = None
    name: str | None = None
    description: str | None = None
    is_uploaded: bool = False

    @field_validator("value", mode="before")
    @classmethod
    def _image_name(cls, v: object) -> object:
        return name_of(v, "image_name")

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        if isinstance(self.value, pathlib.Path):
            raise ValueError(
                f"{self.value} is a local file, not on the server yet: "
                "'await field.upload(client)' first (submitting the workflow uploads it)"
            )
        return {"value": {"image_name": self.value} if self.value else None, "type": "image"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkImageField:
        uploaded = data.get("is_uploaded", True) if isinstance(data, dict) else True
        return cls(value=_named(data, "image_name"), is_uploaded=uploaded)

    def to_json_value(self) -> Any:
        if isinstance(self.value, pathlib.Path):
            return self.value  # the core uploads it
        return {"image_name": self.value} if self.value else None

    async def upload(self, client: Any) -> str:
        """Upload the local file ``value`` names; ``value`` becomes the server's image name."""
        if self.value is None:
            raise ValueError("no image to upload: the field's value is None")
        path = pathlib.Path(self.value)
        if not path.is_file():
            raise FileNotFoundError(f"no such image file: {path}")
        dto = await acall(client, "upload_image", path)
        image_name = name_of(dto, "image_name")
        if not isinstance(image_name, str):
            raise OSError(f"the server's answer to the upload names no image: {dto!r}")
        self.value = image_name
        self.is_uploaded = True
        return image_name

    async def download(self, client: Any, output_path: pathlib.Path | None = None) -> pathlib.Path:
        """Write the server image to ``output_path`` (a file, or a directory to put it in;
        the current directory by default) and return the file written."""
        if not isinstance(self.value, str) or not self.value:
            raise ValueError(f"not a server image name: {self.value!r}")
        data = await acall(client, "download_image", self.value)
        target = pathlib.Path(output_path) if output_path is not None else pathlib.Path.cwd()
        if target.is_dir():
            target = target / pathlib.Path(self.value).name
        await asyncio.to_thread(target.write_bytes, bytes(data))
        return target


class IvkBoardField(FieldModel, PydanticFieldMixin, IvkField[str]):
    """A board: a board id, ``"none"`` (uncategorized) or ``"auto"`` (the GUI's auto-add
    board). A board object or ``{"board_id": ...}`` counts as its id.

    ``"auto"`` and ``"none"`` are sent as the strings the GUI saves, not as board ids (the
    seed sent ``{"board_id": "auto"}``, naming a board that does not exist)."""

    value: StrictStr | None = None
    name: str | None = None
    description: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _board_id(cls, v: object) -> object:
        return name_of(v, "board_id")

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.to_json_value(), "type": "board"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkBoardField:
        return cls(value=_named(data, "board_id"))

    def to_json_value(self) -> Any:
        if not self.value or self.value in ("auto", "none"):
            return self.value or None
        return {"board_id": self.value}


class IvkLatentsField(FieldModel, PydanticFieldMixin, IvkField[str]):
    """Latents on the server: ``value`` is the latents name, ``seed`` the seed they came from."""

    value: str | None = None
    name: str | None = None
    description: str | None = None
    seed: int | None = None

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.to_json_value(), "type": "latents"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkLatentsField:
        inner = api_value(data)
        if isinstance(inner, dict):
            return cls(value=inner.get("latents_name"), seed=inner.get("seed"))
        return cls(value=inner)

    def to_json_value(self) -> dict[str, Any] | None:
        if not self.value:
            return None  # a seed alone names no latents (``latents_name`` is required)
        out: dict[str, Any] = {"latents_name": self.value}
        if self.seed is not None:
            out["seed"] = self.seed
        return out


class IvkTensorField(FieldModel, PydanticFieldMixin, IvkField[str]):
    """A tensor on the server: ``value`` is its name."""

    value: str | None = None
    name: str | None = None
    description: str | None = None

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.to_json_value(), "type": "tensor"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkTensorField:
        return cls(value=_named(data, "tensor_name"))

    def to_json_value(self) -> dict[str, Any] | None:
        return {"tensor_name": self.value} if self.value else None


class IvkDenoiseMaskField(SyncedValueModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """An inpainting mask: ``mask_name``, optional ``masked_latents_name`` and ``gradient``;
    ``value`` is the DenoiseMaskField JSON built from them (None until ``mask_name`` is set)."""

    PARTS: ClassVar[tuple[str, ...]] = ("mask_name", "masked_latents_name", "gradient")

    value: dict[str, Any] | None = None
    name: str | None = None
    description: str | None = None
    mask_name: str | None = None
    masked_latents_name: str | None = None
    gradient: bool = False

    def compose(self) -> dict[str, Any] | None:
        if not self.mask_name:
            return None
        out: dict[str, Any] = {"mask_name": self.mask_name, "gradient": self.gradient}
        if self.masked_latents_name:
            out["masked_latents_name"] = self.masked_latents_name
        return out

    @classmethod
    def decompose(cls, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "mask_name": value.get("mask_name"),
            "masked_latents_name": value.get("masked_latents_name"),
            "gradient": bool(value.get("gradient", False)),
        }

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": "denoise_mask"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkDenoiseMaskField:
        inner = api_value(data)
        return cls(value=inner if isinstance(inner, dict) else None)

    def to_json_value(self) -> dict[str, Any] | None:
        return self.value


class IvkMetadataField(FieldModel, PydanticFieldMixin, IvkField[dict[str, Any]]):
    """Free-form metadata (InvokeAI's MetadataField: any JSON object)."""

    value: dict[str, Any] | None = None
    name: str | None = None
    description: str | None = None

    def validate_field(self) -> bool:
        return True

    def to_api_format(self) -> dict[str, Any]:
        return {"value": self.value, "type": "metadata"}

    @classmethod
    def from_api_format(cls, data: dict[str, Any]) -> IvkMetadataField:
        inner = data.get("value", {}) if isinstance(data, dict) else None
        return cls(value=inner)

    def to_json_value(self) -> dict[str, Any] | None:
        return self.value
