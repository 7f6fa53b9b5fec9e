"""A PIL image as an image input, without a server: validation that never imports Pillow,
to_dict/from_dict (PNG in base64), pickling, and the PNG that is uploaded."""

from __future__ import annotations

import base64
import importlib.util
import io
import json
import pathlib
import pickle
import subprocess
import sys
import textwrap
import types

import pytest
from PIL import Image
from pydantic import ValidationError

from ivk_codegen.cli import main as codegen
from ivk_runtime.client.pil_images import image_digest, pil_images_in, png_bytes, replace_pil
from ivk_runtime.values import ImageRef, is_pil_image

REPO = pathlib.Path(__file__).resolve().parents[1]


def _module(path: pathlib.Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pickle finds classes by module name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("pil")
    assert (
        codegen(
            [
                str(REPO / "tests" / "workflows" / "resize_upload.json"),
                "-o",
                str(out / "pil_resize.py"),
                "-q",
            ]
        )
        == 0
    )
    sys.path.insert(0, str(REPO / "tests" / "runtime"))
    from wfbuild import workflow

    wf = workflow(
        [("images", "image_collection", {"collection": []})],
        [],
        [("images", "collection")],
        name="Pil images",
    )
    (out / "pil_images_wf.json").write_text(json.dumps(wf.data))
    assert (
        codegen([str(out / "pil_images_wf.json"), "-o", str(out / "pil_collection.py"), "-q"]) == 0
    )
    return out


@pytest.fixture(scope="module")
def resize(folder: pathlib.Path) -> type:
    return _module(folder / "pil_resize.py", "pil_resize").ResizeAnImage  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def collection(folder: pathlib.Path) -> type:
    return _module(folder / "pil_collection.py", "pil_collection").PilImages  # type: ignore[no-any-return]


def _picture() -> Image.Image:
    image = Image.new("RGB", (40, 30), (255, 0, 0))
    image.paste((0, 0, 255), (20, 0, 40, 30))
    return image


def test_a_pil_image_is_an_image_input_and_stays_itself(resize: type) -> None:
    image = _picture()
    params = resize(input_image=image, width=20)
    assert params.input_image is image
    assert params.to_values()[0] is image  # uploaded when the run is submitted
    for wrong in (5, object(), b"\x89PNG", Image):
        with pytest.raises(ValidationError, match="not a PIL image"):
            resize(input_image=wrong)


def test_the_module_never_imports_pillow(folder: pathlib.Path) -> None:
    """Importing, validating and refusing values leave Pillow unloaded."""
    script = textwrap.dedent(f"""
        import sys, pathlib
        sys.path.insert(0, {str(folder)!r})
        import pil_resize
        from ivk_runtime.values import is_pil_image
        pil_resize.ResizeAnImage(input_image="x.png").to_dict()
        pil_resize.ResizeAnImage(input_image=pathlib.Path("x.png")).to_values()
        try:
            pil_resize.ResizeAnImage(input_image=5)
        except Exception as exc:
            assert "not a PIL image" in str(exc), exc
        else:
            raise SystemExit("5 was taken")
        assert not is_pil_image(object())
        assert "PIL" not in sys.modules and "PIL.Image" not in sys.modules, "Pillow was imported"
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_to_dict_is_json_with_png_and_from_dict_opens_it(resize: type) -> None:
    image = _picture()
    params = resize(input_image=image, width=20, height=10)
    data = json.loads(json.dumps(params.to_dict()))
    assert set(data["input_image"]) == {"png_base64"}
    assert base64.b64decode(data["input_image"]["png_base64"]).startswith(b"\x89PNG")
    again = resize.from_dict(data)
    assert isinstance(again.input_image, Image.Image) and again.input_image == image
    assert again == params


def test_server_names_stay_names_and_files_stay_files(resize: type, collection: type) -> None:
    for value in ("on-server.png", pathlib.Path("local.png"), ImageRef(image_name="ref.png")):
        again = resize.from_dict(json.loads(json.dumps(resize(input_image=value).to_dict())))
        assert again.input_image == value and type(again.input_image) is type(value)
    image = _picture()
    mixed = [image, "on-server.png", pathlib.Path("a.png"), ImageRef(image_name="r.png"), image]
    params = collection(collection=mixed)
    data = json.loads(json.dumps(params.to_dict()))
    assert data["collection"][1:4] == ["on-server.png", {"path": "a.png"}, {"image_name": "r.png"}]
    again = collection.from_dict(data)
    assert again.collection[1:4] == mixed[1:4] and [type(v) for v in again.collection[1:4]] == [
        type(v) for v in mixed[1:4]
    ]
    assert again.collection[0] == image and again.collection[4] == image


def test_from_dict_refuses_what_is_not_a_png(resize: type) -> None:
    # a ValidationError located at the attribute, as pydantic reports any other bad value
    jpeg = io.BytesIO()
    _picture().save(jpeg, format="JPEG")
    for value, said in [
        ("not base64!", "png_base64 is not base64"),
        (12, "png_base64 must be a string of base64, not int"),
        (base64.b64encode(jpeg.getvalue()).decode(), "png_base64 does not hold a PNG image"),
    ]:
        with pytest.raises(ValidationError) as caught:
            resize.from_dict({"input_image": {"png_base64": value}})
        (error,) = caught.value.errors()
        assert error["loc"] == ("input_image",) and error["msg"].startswith(said), error
        assert error["input"] == {"png_base64": value}
        assert "BytesIO" not in str(caught.value)


def test_instances_with_a_pil_image_pickle(resize: type) -> None:
    params = resize(input_image=_picture(), width=20)
    again = pickle.loads(pickle.dumps(params))
    assert again == params and isinstance(again.input_image, Image.Image)


@pytest.mark.parametrize(("mode", "sent"), [("RGB", "RGB"), ("RGBA", "RGBA"), ("L", "L"), ("LA", "LA"),
                                             ("1", "1"), ("I;16", "I;16"), ("P", "P"), ("CMYK", "RGB"),
                                             ("YCbCr", "RGB"), ("F", "RGB"), ("PA", "RGBA")])  # fmt: skip
def test_each_mode_is_sent_as_a_png_pillow_reads(mode: str, sent: str) -> None:
    with Image.open(io.BytesIO(png_bytes(Image.new(mode, (5, 4))))) as back:
        assert (back.format, back.mode, back.size) == ("PNG", sent, (5, 4))


def test_one_upload_per_image_content() -> None:
    a, b = _picture(), _picture()
    values = [{0: a, 1: 3}, {0: a, 1: 4}, {0: [b, a, "x.png"]}]
    assert [id(v) for v in pil_images_in(values)] == [id(a), id(b)]  # each object once
    assert image_digest(a) == image_digest(b)  # equal pixels: one upload serves both
    b.putpixel((0, 0), (1, 2, 3))
    assert image_digest(a) != image_digest(b)  # a changed image uploads again
    names = {id(a): "A", id(b): "B"}
    assert replace_pil(values[2], lambda i: names[id(i)]) == {
        0: [{"image_name": "B"}, {"image_name": "A"}, "x.png"]
    }
    assert is_pil_image(a) and not is_pil_image("x.png")
