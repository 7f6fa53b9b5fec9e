"""A generated module's own command line (``python -m my_wf``), run as a user runs it: a
subprocess of a module generated from the project's workflows, on the real server."""

from __future__ import annotations

import dataclasses
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any, ClassVar

import httpx
import pytest
from PIL import Image
from pydantic import Field
from pydantic.dataclasses import dataclass

from ivk_codegen.cli import main as codegen
from ivk_runtime.generated import GeneratedWorkflow, InputSpec, workflow_config
from ivk_runtime.tool.cli import main as cli_main
from ivk_runtime.tool.options import options_of
from ivk_runtime.tool.runs_file import read_runs
from ivk_runtime.values import ImageValue

WORKFLOWS = Path(__file__).resolve().parents[1] / "workflows"
MODULES = ("blur_image", "resize_upload", "fails_at_runtime")


@pytest.fixture(scope="module")
def modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli_modules")
    for name in MODULES:
        assert codegen([str(WORKFLOWS / f"{name}.json"), "-o", str(out / f"{name}.py"), "-q"]) == 0
    return out


def run_module(
    modules: Path, name: str, *args: str, url: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(modules)}
    env.pop("INVOKEAI_URL", None)
    if url:
        env["INVOKEAI_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", name, *args],
        cwd=cwd or modules,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )


def queue_total(url: str) -> int:
    counts = httpx.get(f"{url}/api/v1/queue/default/status", timeout=30).json()["queue"]
    return int(counts["total"])


def png(path: Path, size: tuple[int, int]) -> Path:
    Image.new("RGB", size, (200, 30, 30)).save(path)
    return path


def test_help_lists_every_input_with_its_type_choices_bounds_and_docstring(modules: Path) -> None:
    done = run_module(modules, "blur_image", "--help")
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())  # argparse wraps lines
    for flag in ("--width", "--height", "--color", "--noise-seed", "--noise-amount", "--blur-radius"):
        assert flag in text
    assert "--blur-type {gaussian,box}" in text  # the Literal's choices
    assert "--output-board {auto,none}|TEXT" in text  # a board id is text too
    assert "Noise seed. Seed for random number generation. Range 0..4294967295. Default: 7." in text
    assert "Range 16..1024" in text and "Default: 64" in text
    assert "A solid colour image with noise, blurred, saved to a board." in done.stdout
    assert "--progress, --no-progress" in text and "--runs FILE" in text and "--dry-run" in text


def test_importing_the_module_does_nothing_but_define_it(modules: Path) -> None:
    code = "import sys; sys.argv = ['x', '--width', '5']; import blur_image; print(blur_image.BlurImage().width)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=modules, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "64\n", "")


def test_a_run_writes_its_image_to_out_and_prints_the_file(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    done = run_module(modules, "blur_image", "--width", "80", "--height", "40", "--blur-type", "box",
                      "--out", str(tmp_path / "out"), url=invokeai_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].endswith(".png")
    with Image.open(lines[0]) as image:
        assert image.size == (80, 40)
    assert done.stderr == ""  # no terminal: no progress bar


def test_a_bad_value_exits_2_with_pydantic_message_naming_the_option(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    before = queue_total(invokeai_url)
    for args, message in [
        (["--width", "5"], "--width: Input should be greater than or equal to 16 (got 5)"),
        (["--width", "abc"], "--width: Input should be a valid integer"),
        (["--blur-type", "fancy"], "--blur-type: Input should be 'gaussian' or 'box'"),
        (["--color", '{"r": 1}'], "--color.g: Field required"),
    ]:
        done = run_module(modules, "blur_image", *args, "--out", str(tmp_path / "out"), url=invokeai_url)
        assert done.returncode == 2, (args, done.stderr)
        assert message in done.stderr, done.stderr
        assert done.stdout == ""
    unknown = run_module(modules, "blur_image", "--widht", "30", url=invokeai_url)
    assert unknown.returncode == 2 and "unrecognized arguments: --widht" in unknown.stderr
    assert not (tmp_path / "out").exists() and queue_total(invokeai_url) == before


def test_runs_from_csv_and_json_lines_go_in_one_batch_each_mapped_to_its_row(
    modules: Path, invokeai_url: str, tmp_path: Path
) -> None:
    (tmp_path / "runs.csv").write_text("width,height,blur-type\n20,30,box\n40,50,gaussian\n\n60,24,box\n")
    done = run_module(modules, "blur_image", "--runs", str(tmp_path / "runs.csv"), "--noise-seed", "9",
                      "--json", "--out", str(tmp_path / "csv"), url=invokeai_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    runs = json.loads(done.stdout)["runs"]
    assert [(r["inputs"]["width"], r["inputs"]["height"]) for r in runs] == [(20, 30), (40, 50), (60, 24)]
    assert [r["inputs"]["noise_seed"] for r in runs] == [9, 9, 9]  # the options apply to every row
    assert len({r["batch_id"] for r in runs}) == 1
    for r in runs:
        (image,) = r["images"]
        with Image.open(image["path"]) as made:
            assert made.size == (r["inputs"]["width"], r["inputs"]["height"])

    picture = png(tmp_path / "in.png", (50, 50))
    rows = [{"input_image": {"path": str(picture)}, "width": 10, "height": 12},
            {"input_image": {"path": str(picture)}, "width": 14, "height": 8}]  # fmt: skip
    (tmp_path / "runs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = run_module(modules, "resize_upload", "--runs", str(tmp_path / "runs.jsonl"), "--json",
                      "--out", str(tmp_path / "jsonl"), url=invokeai_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    sizes = [(i["width"], i["height"]) for r in json.loads(done.stdout)["runs"] for i in r["images"]]
    assert sizes == [(10, 12), (14, 8)]


def test_a_bad_runs_file_is_a_bad_argument_naming_file_and_row(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    cases = {
        "a.jsonl": ('{"width": 20}\n\n{"widthx": 1}\n', "a.jsonl: line 3: no input named 'widthx'"),
        "b.jsonl": ('{"width": 20}\n[1]\n', "b.jsonl: line 2: a run is a JSON object, not an array"),
        "c.csv": ("width\n20\n5\n", "c.csv: line 3: --width: Input should be greater than or equal to 16"),
        "d.csv": ("width,height\n20\n", "d.csv: line 2: 1 cells under 2 columns"),
        "e.jsonl": ("", "e.jsonl: holds no runs"),
        # two names for one input: the last would silently win
        "f.csv": ("noise-seed,noise_seed\n1,2\n", "f.csv: line 1: 'noise-seed' and 'noise_seed' both name input noise_seed"),
        "g.jsonl": ('{"width": 20, "width": 30}\n', "g.jsonl: line 1: 'width' and 'width' both name input width"),
        # a header typo is found even while its column is empty
        "h.csv": ("width,widht\n20,\n", "h.csv: line 1: no input named 'widht'"),
        # a quoted cell keeps its line break, and the lines after it keep the file's numbers
        "i.csv": ('width,blur_type\n20,"box\nx"\n', "i.csv: line 2: --blur-type: Input should be 'gaussian' or 'box' (got 'box\\nx')"),
        "j.csv": ('width,output_board\n20,"my\nboard"\n5,auto\n', "j.csv: line 4: --width: Input should be greater"),
    }
    for name, (text, message) in cases.items():
        (tmp_path / name).write_text(text)
        done = run_module(modules, "blur_image", "--runs", str(tmp_path / name), url=invokeai_url)
        assert done.returncode == 2 and message in done.stderr, (name, done.stderr)


def test_an_image_input_takes_a_local_file_and_a_missing_one_is_a_bad_argument(
    modules: Path, invokeai_url: str, tmp_path: Path
) -> None:
    picture = png(tmp_path / "red.png", (64, 64))
    done = run_module(modules, "resize_upload", "--input-image", str(picture), "--width", "20", "--height", "10",
                      "--out", str(tmp_path / "out"), url=invokeai_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    with Image.open(done.stdout.strip()) as made:
        assert made.size == (20, 10) and made.getpixel((5, 5))[:3] == (200, 30, 30)
    missing = run_module(modules, "resize_upload", "--input-image", str(tmp_path / "nope.png"), url=invokeai_url)
    assert missing.returncode == 2 and f"--input-image: no such file: {tmp_path / 'nope.png'}" in missing.stderr


def test_dry_run_prints_the_enqueue_body_and_sends_nothing(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    before = queue_total(invokeai_url)
    picture = png(tmp_path / "red.png", (64, 64))
    done = run_module(modules, "resize_upload", "--dry-run", "--input-image", str(picture), "--width", "77",
                      url=invokeai_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (body,) = json.loads(done.stdout)
    nodes = body["batch"]["graph"]["nodes"]
    resize = next(n for n in nodes.values() if n["type"] == "img_resize")
    assert resize["width"] == 77
    assert resize["image"] == {"image_name": f"<upload: {picture}>"}  # nothing uploaded
    assert queue_total(invokeai_url) == before


def test_a_failed_run_exits_1_with_invokeais_error(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    done = run_module(modules, "fails_at_runtime", "--out", str(tmp_path), url=invokeai_url)
    assert done.returncode == 1
    assert "failed: ZeroDivisionError: division by zero" in done.stderr
    as_json = run_module(modules, "fails_at_runtime", "--json", url=invokeai_url)
    assert as_json.returncode == 1
    (run,) = json.loads(as_json.stdout)["runs"]
    assert run["status"] == "failed" and run["error"]["type"] == "ZeroDivisionError"


def test_a_server_that_does_not_answer_exits_1_saying_so(modules: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = run_module(modules, "blur_image", "--server", f"http://127.0.0.1:{port}")
    assert done.returncode == 1
    assert f"cannot reach the InvokeAI server at http://127.0.0.1:{port}" in done.stderr


def read_terminal(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run under a pseudo-terminal, as a user's shell does; all it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(argv, stdin=follower, stdout=follower, stderr=follower, env=env, cwd=cwd)
    os.close(follower)
    chunks, deadline = [], time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1.0)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    os.close(leader)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_a_terminal_shows_a_progress_bar_of_runs(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    (tmp_path / "runs.csv").write_text("width\n20\n30\n")
    env = {**os.environ, "PYTHONPATH": str(modules), "INVOKEAI_URL": invokeai_url, "COLUMNS": "100"}
    argv = [sys.executable, "-m", "blur_image", "--runs", str(tmp_path / "runs.csv"), "--out", str(tmp_path)]
    code, screen = read_terminal(argv, env, modules)
    assert code == 0, screen
    assert "runs" in screen and "2/2" in screen
    quiet, screen = read_terminal([*argv, "--no-progress"], env, modules)
    assert quiet == 0 and "2/2" not in screen


@dataclass(config=workflow_config, kw_only=True)
class Toggles(GeneratedWorkflow):
    """Toggles"""

    fast: bool = False
    """Input 0: Fast.

    Go fast (100% of the time)."""

    images: list[ImageValue] = dataclasses.field(default_factory=list)
    """Input 1: Images."""

    limit: Annotated[int, Field(le=100)] = 3
    """Input 2: Limit."""

    _inputs: ClassVar[tuple[InputSpec, ...]] = (
        InputSpec(index=0, attribute="fast", node_id="n", field="f"),
        InputSpec(index=1, attribute="images", node_id="n", field="i", kind="image"),
        InputSpec(index=2, attribute="limit", node_id="n", field="l"),
    )
    _workflow_source: ClassVar[str] = "toggles.json"


def test_a_boolean_is_a_flag_pair_and_percent_signs_in_docs_survive_help(capsys: pytest.CaptureFixture[str]) -> None:
    option, images, limit = options_of(Toggles)
    assert (option.flag, option.shape) == ("--fast", "bool")
    assert images.shape == "files" and limit.shape == "json"
    with pytest.raises(SystemExit) as exited:
        cli_main(Toggles, ["--help"], prog="toggles")
    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--fast, --no-fast Fast. Go fast (100% of the time). Default: false." in out
    assert "--images FILE Images. A local file (uploaded), or invokeai:NAME" in out
    assert "Limit. At most 100. Default: 3." in out


def test_a_list_of_images_takes_repeated_flags_or_a_csv_cell_of_paths(tmp_path: Path) -> None:
    from ivk_runtime.tool.cli import _params, _parser

    options = options_of(Toggles)
    for name in ("a.png", "b.png"):
        png(tmp_path / name, (4, 4))
    args = _parser(Toggles, options, "toggles").parse_args(
        ["--images", str(tmp_path / "a.png"), "--images", "invokeai:on-server.png", "--fast"]
    )
    (params,) = _params(Toggles, options, args)
    assert params.images == [tmp_path / "a.png", "on-server.png"] and params.fast is True
    runs = tmp_path / "runs.csv"
    runs.write_text(f'images,fast\n{tmp_path / "b.png"},false\n"[""{tmp_path / "a.png"}"", ""invokeai:x.png""]",1\n')
    rows = [row for _, row in read_runs(runs, options)]
    assert rows == [{"images": [{"path": str(tmp_path / "b.png")}], "fast": False},
                    {"images": [{"path": str(tmp_path / "a.png")}, "x.png"], "fast": True}]  # fmt: skip
    assert [Toggles.from_dict(r).images for r in rows] == [[tmp_path / "b.png"], [tmp_path / "a.png", "x.png"]]


def variant(modules: Path, name: str, edit: Callable[[dict[str, Any]], None]) -> str:
    """A module generated from blur_image.json after ``edit`` (labels and such)."""
    data = json.loads((WORKFLOWS / "blur_image.json").read_text())
    edit(data)
    source = modules / f"{name}.json"
    source.write_text(json.dumps(data))
    assert codegen([str(source), "-o", str(modules / f"{name}.py"), "-q"]) == 0
    return name


def label(data: dict[str, Any], field: str, text: str) -> None:
    for node in data["nodes"]:
        if field in node["data"]["inputs"] and node["data"]["type"] == "blank_image":
            node["data"]["inputs"][field]["label"] = text


def test_inputs_named_like_the_tools_options_get_input_flags(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        label(data, "width", "Timeout")
        label(data, "height", "Out")

    name = variant(modules, "collide", edit)
    shown = run_module(modules, name, "--help")
    assert shown.returncode == 0, shown.stderr
    assert "--input-timeout INT" in shown.stdout and "--input-out INT" in shown.stdout
    done = run_module(modules, name, "--input-timeout", "40", "--input-out", "20", "--timeout", "120",
                      "--out", str(tmp_path), "--json", url=invokeai_url)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (run,) = json.loads(done.stdout)["runs"]
    assert (run["images"][0]["width"], run["images"][0]["height"]) == (40, 20)
    assert Path(run["images"][0]["path"]).parent == tmp_path


def test_help_shows_control_characters_in_labels_as_escapes(modules: Path) -> None:
    name = variant(modules, "escapes", lambda data: label(data, "width", "Wide\x1b[2J\x07"))
    shown = run_module(modules, name, "--help")
    assert shown.returncode == 0, shown.stderr
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout
    assert "Wide\\x1b[2J\\x07" in shown.stdout


def test_no_option_is_taken_for_another_by_its_prefix_and_mcp_takes_no_inputs(modules: Path, invokeai_url: str) -> None:
    before = queue_total(invokeai_url)
    done = run_module(modules, "blur_image", "--output", "out2/", url=invokeai_url)
    assert done.returncode == 2 and "unrecognized arguments: --output" in done.stderr
    mcp = run_module(modules, "blur_image", "--mcp", "--width", "40", "--out", "x", url=invokeai_url)
    assert mcp.returncode == 2 and "--mcp takes no --out, --width" in mcp.stderr
    assert queue_total(invokeai_url) == before


def test_an_out_that_is_a_file_is_refused_before_anything_runs(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    before = queue_total(invokeai_url)
    (tmp_path / "afile").write_text("")
    done = run_module(modules, "blur_image", "--out", str(tmp_path / "afile"), url=invokeai_url)
    assert done.returncode == 2 and f"--out: {tmp_path / 'afile'} is not a folder" in done.stderr
    assert queue_total(invokeai_url) == before


def test_a_bad_inline_image_is_a_bad_argument(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    (tmp_path / "bad64.jsonl").write_text('{"input_image": {"png_base64": "aGVsbG8="}}\n')
    done = run_module(modules, "resize_upload", "--runs", str(tmp_path / "bad64.jsonl"), "--dry-run", url=invokeai_url)
    assert done.returncode == 2, done.stderr
    assert "bad64.jsonl: line 1: " in done.stderr and "Traceback" not in done.stderr


def batch_states(url: str, batch_id: str) -> dict[str, int]:
    counts = httpx.get(f"{url}/api/v1/queue/default/b/{batch_id}/status", timeout=30).json()
    return {k: counts[k] for k in ("pending", "in_progress", "completed", "failed", "canceled")}


def test_a_timeout_writes_the_finished_runs_and_cancels_the_rest(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    rows = "".join(f"{w}\n" for w in range(256, 1024, 96))  # 8 slow-ish runs
    (tmp_path / "runs.csv").write_text("width\n" + rows)
    done = run_module(modules, "blur_image", "--runs", str(tmp_path / "runs.csv"), "--height", "512",
                      "--blur-radius", "40", "--timeout", "2", "--json", "--out", str(tmp_path / "out"),
                      url=invokeai_url)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "not finished within 2 s; canceled" in done.stderr
    runs = json.loads(done.stdout)["runs"]
    assert len(runs) == 8 and {r["status"] for r in runs} <= {"completed", "canceled"}
    assert "canceled" in {r["status"] for r in runs}
    for r in runs:  # every finished run's file is there, of its own size
        for image in r["images"]:
            with Image.open(image["path"]) as made:
                assert made.size == (r["inputs"]["width"], 512)
    states = batch_states(invokeai_url, runs[0]["batch_id"])
    assert states["pending"] == states["in_progress"] == 0


def test_ctrl_c_cancels_the_runs_not_finished_and_exits_130(modules: Path, invokeai_url: str, tmp_path: Path) -> None:
    rows = "".join(f"{w}\n" for w in range(256, 1024, 96))
    (tmp_path / "runs.csv").write_text("width\n" + rows)
    env = {**os.environ, "PYTHONPATH": str(modules), "INVOKEAI_URL": invokeai_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "blur_image", "--runs", str(tmp_path / "runs.csv"), "--height", "512",
         "--blur-radius", "40", "--out", str(tmp_path)],
        cwd=modules, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # interrupt once the batch is on the queue
        status = httpx.get(f"{invokeai_url}/api/v1/queue/default/status", timeout=30).json()["queue"]
        if status.get("batch_id") and status["in_progress"]:
            break
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted; canceled" in err and "Traceback" not in err
    states = batch_states(invokeai_url, status["batch_id"])
    assert states["pending"] == states["in_progress"] == 0 and states["canceled"] > 0
