"""Generated workflows as data: their JSON schema, a JSON-safe dict both ways, and pickling
(pipelines, queues and distributed engines pass runs around as data)."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import pickle
import sys
import types

import pytest
from pydantic import ValidationError

from ivk_codegen.cli import main as codegen
from ivk_runtime.values import ImageRef, ModelRef

REPO = pathlib.Path(__file__).resolve().parents[1]


def _module(path: pathlib.Path, name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # pickle finds classes by module name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def blur() -> types.ModuleType:
    return _module(REPO / "generated_examples" / "blur_image.py", "data_blur_image")


@pytest.fixture(scope="module")
def sdxl() -> types.ModuleType:
    return _module(REPO / "generated_examples" / "sdxl_text_to_image.py", "data_sdxl")


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> types.ModuleType:
    """A module with an image collection input (local files and server images in one list)."""
    sys.path.insert(0, str(REPO / "tests" / "runtime"))
    from wfbuild import workflow

    wf = workflow([("images", "image_collection", {"collection": []}), ("one", "image", {"image": None})], [],
                  [("images", "collection"), ("one", "image")], name="Images")  # fmt: skip
    folder = tmp_path_factory.mktemp("data")
    (folder / "images.json").write_text(json.dumps(wf.data))
    assert codegen([str(folder / "images.json"), "-o", str(folder / "images.py"), "-q"]) == 0
    return _module(folder / "images.py", "data_images")


def test_to_dict_is_json_and_from_dict_gives_the_instance_back(sdxl: types.ModuleType) -> None:
    model = ModelRef(key="k", hash="h", name="n", base="sdxl", type="main")
    params = sdxl.SdxlTextToImage(board="none", model=model, cfg_scale=[7.0, 8.5], steps=12)
    data = json.loads(json.dumps(params.to_dict()))  # JSON-safe, through text and back
    assert data["model"]["base"] == "sdxl" and data["cfg_scale"] == [7.0, 8.5]
    again = sdxl.SdxlTextToImage.from_dict(data)
    assert again == params and again.to_values() == params.to_values()


def test_local_files_stay_files_and_server_images_stay_names(images: types.ModuleType) -> None:
    cls = images.Images
    names = {s.field: s.attribute for s in cls.input_specs()}
    params = cls(**{names["collection"]: [pathlib.Path("a.png"), "on-server.png", ImageRef(image_name="r.png")],
                    names["image"]: pathlib.Path("b.png")})  # fmt: skip
    data = json.loads(json.dumps(params.to_dict()))
    assert data[names["image"]] == {"path": "b.png"}
    assert data[names["collection"]][:2] == [{"path": "a.png"}, "on-server.png"]
    again = cls.from_dict(data)
    assert getattr(again, names["image"]) == pathlib.Path("b.png")  # uploaded when run, not a name
    assert getattr(again, names["collection"])[:2] == [pathlib.Path("a.png"), "on-server.png"]
    assert again.to_values() == params.to_values()


@pytest.mark.parametrize("bad", [{"width": "64"}, {"widht": 64}, {"blur_type": "median"}, {"color": "red"}])
def test_from_dict_validates_as_the_constructor_does(blur: types.ModuleType, bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        blur.BlurImage.from_dict({**blur.BlurImage().to_dict(), **bad})
    with pytest.raises(TypeError):
        blur.BlurImage.from_dict([1, 2])  # type: ignore[arg-type]


def test_instances_pickle(blur: types.ModuleType, images: types.ModuleType) -> None:
    params = blur.BlurImage(width=100, blur_type="box")
    assert pickle.loads(pickle.dumps(params)) == params
    cls = images.Images
    attribute = next(s.attribute for s in cls.input_specs() if s.field == "image")
    local = cls(**{attribute: pathlib.Path("x.png")})
    assert getattr(pickle.loads(pickle.dumps(local)), attribute) == pathlib.Path("x.png")


def test_json_schema_has_names_types_bounds_choices_and_descriptions(blur: types.ModuleType) -> None:
    schema = blur.BlurImage.json_schema()
    props = schema["properties"]
    assert list(props)[:3] == ["width", "height", "color"]  # Form order
    assert (props["width"]["type"], props["width"]["minimum"], props["width"]["maximum"]) == ("integer", 16, 1024)
    assert props["blur_type"]["enum"] == ["gaussian", "box"]
    assert props["width"]["default"] == 64
    assert props["blur_radius"]["description"].startswith("Input 5: Blur radius.")
    assert schema["additionalProperties"] is False
