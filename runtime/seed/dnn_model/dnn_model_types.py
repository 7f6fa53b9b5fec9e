"""``DnnModel`` and its enums, with invokeai-py-client's names (a "dnn-model" is an installed
model, so named apart from pydantic's models).

The enums hold the seed's members and the values InvokeAI 6.14 adds (``Flux2``, ``Qwen3Encoder``
...), and each has ``Unknown``: a record whose base, type or format this client does not know
reads as ``Unknown`` instead of failing the whole listing.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Optional

from pydantic import BaseModel, Field

__all__ = ["BaseDnnModelType", "DnnModel", "DnnModelFormat", "DnnModelType"]


class DnnModelType(str, Enum):
    """A model's type, as InvokeAI names it."""

    ONNX = "onnx"
    Main = "main"
    VAE = "vae"
    LoRA = "lora"
    ControlLoRa = "control_lora"
    ControlNet = "controlnet"
    TextualInversion = "embedding"
    IPAdapter = "ip_adapter"
    CLIPVision = "clip_vision"
    CLIPEmbed = "clip_embed"
    T2IAdapter = "t2i_adapter"
    T5Encoder = "t5_encoder"
    SpandrelImageToImage = "spandrel_image_to_image"
    SigLIP = "siglip"
    FluxRedux = "flux_redux"
    LlavaOnevision = "llava_onevision"
    Qwen3Encoder = "qwen3_encoder"
    QwenVLEncoder = "qwen_vl_encoder"
    Qwen3VLEncoder = "qwen3_vl_encoder"
    MistralEncoder = "mistral_encoder"
    WanT5Encoder = "wan_t5_encoder"
    Gemma2Encoder = "gemma2_encoder"
    PromptEnhancer = "prompt_enhancer"
    TextLLM = "text_llm"
    ExternalImageGenerator = "external_image_generator"
    PiDDecoder = "pid_decoder"
    Unknown = "unknown"


class BaseDnnModelType(str, Enum):
    """A model's base architecture, as InvokeAI names it."""

    Any = "any"
    StableDiffusion1 = "sd-1"
    StableDiffusion2 = "sd-2"
    StableDiffusion3 = "sd-3"
    StableDiffusionXL = "sdxl"
    StableDiffusionXLRefiner = "sdxl-refiner"
    Flux = "flux"
    CogView4 = "cogview4"
    Imagen3 = "imagen3"
    Imagen4 = "imagen4"
    ChatGPT4o = "chatgpt-4o"
    FluxKontext = "flux-kontext"
    Flux2 = "flux2"
    ZImage = "z-image"
    ErnieImage = "ernie-image"
    Ideogram4 = "ideogram-4"
    External = "external"
    QwenImage = "qwen-image"
    Anima = "anima"
    Krea2 = "krea-2"
    Wan = "wan"
    Unknown = "unknown"


class DnnModelFormat(str, Enum):
    """How a model is stored, as InvokeAI names it."""

    OMI = "omi"
    Diffusers = "diffusers"
    Checkpoint = "checkpoint"
    LyCORIS = "lycoris"
    ONNX = "onnx"
    Olive = "olive"
    EmbeddingFile = "embedding_file"
    EmbeddingFolder = "embedding_folder"
    InvokeAI = "invokeai"
    T5Encoder = "t5_encoder"
    BnbQuantizedLlmInt8b = "bnb_quantized_int8b"
    BnbQuantizednf4b = "bnb_quantized_nf4b"
    GGUFQuantized = "gguf_quantized"
    Api = "api"
    Qwen3Encoder = "qwen3_encoder"
    QwenVLEncoder = "qwen_vl_encoder"
    Qwen3VLEncoder = "qwen3_vl_encoder"
    MistralEncoder = "mistral_encoder"
    WanT5Encoder = "wan_t5_encoder"
    Gemma2Encoder = "gemma2_encoder"
    ExternalApi = "external_api"
    SDNQQuantized = "sdnq_quantized"
    Unknown = "unknown"


_CATEGORIES = {
    DnnModelType.Main: "Primary Diffusion Model",
    DnnModelType.ControlNet: "ControlNet (Guided Generation)",
    DnnModelType.VAE: "Variational Auto-Encoder",
    DnnModelType.CLIPVision: "CLIP Vision Encoder",
    DnnModelType.CLIPEmbed: "CLIP Text Encoder",
    DnnModelType.IPAdapter: "IP-Adapter (Image Prompting)",
    DnnModelType.T5Encoder: "T5 Text Encoder",
    DnnModelType.LoRA: "LoRA (Low-Rank Adaptation)",
    DnnModelType.ControlLoRa: "Control LoRA",
    DnnModelType.TextualInversion: "Textual Inversion (Embedding)",
    DnnModelType.T2IAdapter: "T2I-Adapter",
    DnnModelType.SpandrelImageToImage: "Spandrel Image-to-Image",
    DnnModelType.SigLIP: "SigLIP",
    DnnModelType.FluxRedux: "FLUX Redux",
    DnnModelType.LlavaOnevision: "LLaVA OneVision",
    DnnModelType.ONNX: "ONNX Model",
}


def _member(enum: type[Enum], value: Any) -> Any:
    try:
        return enum(value)
    except ValueError:
        return enum("unknown")


class DnnModel(BaseModel):
    """An installed model (a record of ``GET /api/v2/models/``): its key, name, type, base,
    hash, format and path, with description, source, size, variant and prediction type."""

    key: str = Field(..., description="Unique identifier for the model")
    name: str = Field(..., description="Human-readable name of the model")
    type: DnnModelType = Field(..., description="Type/category of the model")
    base: BaseDnnModelType = Field(..., description="Base model architecture")
    hash: str = Field(..., description="Blake3 hash for model verification")
    description: str = Field(default="", description="Description of the model")
    format: DnnModelFormat = Field(..., description="Storage format of the model")
    path: str = Field(..., description="Path or identifier where model is stored")
    source: str = Field(default="", description="Original source of the model")
    file_size: Optional[int] = Field(None, description="File size in bytes", ge=0)
    variant: Optional[str] = Field(None, description="Model variant (e.g., 'normal', 'inpainting')")
    prediction_type: Optional[str] = Field(None, description="Prediction type for main models")

    @classmethod
    def from_api_response(cls, data: dict[str, Any]) -> DnnModel:
        """A record as the server sends it: its null description or source reads as "", a
        base, type or format unknown here as ``Unknown``."""
        fields = {k: v for k, v in data.items() if k in cls.model_fields}
        for name in ("description", "source", "hash", "path"):
            if fields.get(name) is None and name in fields:
                fields[name] = ""
        for name, enum in (("type", DnnModelType), ("base", BaseDnnModelType), ("format", DnnModelFormat)):
            if name in fields:
                fields[name] = _member(enum, fields[name])
        for name in ("variant", "prediction_type"):
            if fields.get(name) is not None:
                fields[name] = str(fields[name])
        return cls(**fields)

    def get_category(self) -> str:
        """The type as words ("Textual Inversion (Embedding)")."""
        return _CATEGORIES.get(self.type, f"Unknown ({self.type.value})")

    def format_file_size(self) -> str:
        """The file size with a unit ("3.09 KB"), or "Unknown"."""
        if self.file_size is None:
            return "Unknown"
        size = float(self.file_size)
        for unit in ("B", "KB", "MB", "GB", "TB"):
            if size < 1024.0:
                return f"{size:.2f} {unit}"
            size /= 1024.0
        return f"{size:.2f} PB"

    def is_compatible_with_base(self, base_model: BaseDnnModelType) -> bool:
        """True for a model of that base, and for one of base ``Any`` (fits all)."""
        return self.base == BaseDnnModelType.Any or self.base == base_model

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.type.value}, {self.base.value}, {self.format_file_size()})"

    def __repr__(self) -> str:
        return (
            f"DnnModel(key='{self.key}', name='{self.name}', type='{self.type.value}', "
            f"base='{self.base.value}')"
        )
