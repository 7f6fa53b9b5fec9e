"""Uses of the generated example classes that mypy --strict must accept (and that run).

Checked by test_codegen_typing.py together with generated_examples/ and a module generated
from tests/workflows/resize_upload.json (``resize_upload``, the examples have no image input).
"""

from __future__ import annotations

import pathlib
from typing import Any, Literal

from blur_image import BlurImage
from flux_text_to_image_legacy import TextToImageFlux
from resize_upload import ResizeAnImage
from sdxl_text_to_image import SdxlTextToImage
from wan_text_to_video import TextToVideoWan22Lightning
from PIL import Image

from ivk_runtime import InvokeAIClient, RunFailed, RunResult  # the package's own exports
from ivk_runtime.values import Color, ImageRef, ModelRef

MODEL = ModelRef(key="k1", hash="blake3:00", name="Some model", base="flux", type="main")
# a ref of the base and type a field allows: the annotation (or the call at the field) says it
FLUX_VAE: ModelRef[Literal["flux"], Literal["vae"]] = ModelRef(key="k2", hash="h", name="ae", base="flux", type="vae")
SDXL: ModelRef[Literal["sdxl"], Literal["main"]] = ModelRef(key="k3", hash="h", name="xl", base="sdxl", type="main")
WAN = ModelRef(key="k4", hash="h", name="wan", base="wan", type="main")  # ModelRef[str, str]
WAN_LORA: ModelRef[Literal["wan"], Literal["lora"]] = ModelRef(key="k5", hash="h", name="l", base="wan", type="lora")

blur = BlurImage()
blur.width = 128  # int
blur.noise_amount = 0.5  # float
blur.noise_amount = 1  # an int is a float to mypy and to pydantic's strict mode
blur.blur_type = "box"  # one of the Literal's values
blur.color = Color(r=1, g=2, b=3)  # a colour (alpha defaults to 255)
blur.output_board = "none"  # the uncategorized board
blur.output_board = "auto"
blur.output_board = "some-board-id"
blur_values: dict[int, Any] = blur.to_values()

blur2 = BlurImage(width=32, height=16, blur_radius=0.0, blur_type="gaussian")
width: int = blur2.width
radius: float = blur2.blur_radius

flux = TextToImageFlux(model=ModelRef(key="k1", hash="blake3:00", name="Some model", base="flux", type="main"))
flux.t5_encoder = None  # optional model inputs take None
flux.vae = FLUX_VAE
any_model: ModelRef = FLUX_VAE  # a bare ModelRef takes any base and type
flux.prompt = "a dog"
flux_values = flux.to_values()

resize = ResizeAnImage(input_image=ImageRef(image_name="abc.png"))
resize.input_image = "on-the-server.png"  # a str names an image on the server
resize.input_image = pathlib.Path("local.png")  # a Path is uploaded at run time
resize.input_image = Image.new("RGB", (8, 8))  # a PIL image is uploaded (as PNG) at run time
resize_pil = ResizeAnImage(input_image=Image.new("L", (4, 4)), width=8)
resize.resample_mode = "lanczos"
resize_values = resize.to_values()

sdxl = SdxlTextToImage(board="none")  # required: the workflow saved no board
sdxl.scheduler = "dpmpp_2m"
sdxl.cfg_scale = [7.0, 8.5]  # float | list[float]
sdxl.cfg_scale = 5.0
sdxl.model = SDXL

wan = TextToVideoWan22Lightning(
    transformer_high_noise=ModelRef(key="k4", hash="h", name="wan", base="wan", type="main"),
    lightning_lora_high_noise=WAN_LORA,
    lightning_lora_low_noise=WAN_LORA,
)
wan.cfg_low_noise = None  # nullable and bounded
wan.cfg_low_noise = 2.0
wan.frames = 33


def first_image_name(client: InvokeAIClient) -> str | None:
    """The names ``ivk_runtime`` exports are typed (a strict mypy sees them as exported)."""
    try:
        result: RunResult = BlurImage().run(client)
    except RunFailed as failed:
        return failed.error_message
    return result.images[0].image_name if result.images else None
