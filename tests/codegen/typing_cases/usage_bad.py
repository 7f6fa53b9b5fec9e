"""Uses of the generated example classes that mypy --strict must reject.

Every wrong line carries ``# type: ignore[<code>]``: with warn_unused_ignores, mypy passes
only if each of those lines really is an error of that code. test_codegen_typing.py also
strips the ignores and expects exactly one error on each such line, and runs each wrong line
to check that the runtime rejects it too.
"""

from __future__ import annotations

from typing import Literal

from blur_image import BlurImage
from flux_text_to_image_legacy import TextToImageFlux
from resize_upload import ResizeAnImage
from sdxl_text_to_image import SdxlTextToImage

from ivk_runtime.values import Color, ModelRef

MODEL = ModelRef(key="k1", hash="blake3:00", name="Some model", base="flux", type="main")
params = BlurImage()
FLUX: ModelRef[Literal["flux"], Literal["main"]] = ModelRef(key="k1", hash="h", name="f", base="flux", type="main")
SDXL_VAE: ModelRef[Literal["sdxl"], Literal["vae"]] = ModelRef(key="k2", hash="h", name="v", base="sdxl", type="vae")
flux = TextToImageFlux(model=FLUX)
resize = ResizeAnImage(input_image="on-the-server.png")

params.width = "x"  # type: ignore[assignment]
params.noise_amount = "0.5"  # type: ignore[assignment]
params.blur_type = "median"  # type: ignore[assignment]
params.output_board = None  # type: ignore[assignment]
params.color = "red"  # type: ignore[assignment]
params.color = Color(r=1, g=2)  # type: ignore[call-arg]
params.unknown = 1  # type: ignore[attr-defined]
BlurImage(widht=5)  # type: ignore[call-arg]
BlurImage(64)  # type: ignore[call-arg]
TextToImageFlux(model=None)  # type: ignore[arg-type]
TextToImageFlux()  # type: ignore[call-arg]
flux.model = None  # type: ignore[assignment]
resize.input_image = 5  # type: ignore[assignment]
resize.input_image = object()  # type: ignore[assignment]
ResizeAnImage(input_image=b"PNG bytes")  # type: ignore[arg-type]
SdxlTextToImage(board=None)  # type: ignore[arg-type]
SdxlTextToImage(board="none").scheduler = "euler_x"  # type: ignore[assignment]
flux.vae = FLUX  # type: ignore[assignment]
flux.vae = SDXL_VAE  # type: ignore[assignment]
flux.vae = MODEL  # type: ignore[assignment]
SdxlTextToImage(board="none", model=FLUX)  # type: ignore[arg-type]
