"""Hostile workflows: text chosen to break out of string literals, docstrings, comments or the
template reaches every place a workflow's text goes. The generated module must compile, run
nothing but its definitions on import, and carry the text exactly (docstrings lose only what
docstrings cannot keep: trailing spaces on a line, and the text's outer whitespace).
"""

from __future__ import annotations

import ast
import builtins
import copy
import http.server
import json
import pathlib
import tempfile
import threading
import typing
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from codegen_support import (OWN, annotations_of, attribute_docs, generated_class, import_path, mypy,
                             run_cli, undent_docstring)  # fmt: skip
from ivk_codegen.formatting import format_source
from ivk_codegen.pysyntax import docstring, identifier, string_literal, value_literal
from ivk_codegen.schema_source import bundled_schema_name
from ivk_codegen.typemap import MAX_CHOICES
from ivk_codegen.verify import UnsafeOutput, verify_module

BASE = json.loads((OWN / "nested_form.json").read_text(encoding="utf-8"))
PREFIX_NODE = "0a546c01-c9de-48fd-bf11-3a1e39b95d93"  # string "Prefix": Form input 6
SUFFIX_NODE = "8e683f28-90b1-43ff-8722-d1936bcc7b9e"  # string "Suffix": Form input 7
PREFIX_ELEMENT = "node-field-qTOtOWDVpQ"

SENTINEL_ATTR = "IVK_CODEGEN_PWNED"
SENTINEL_FILE = pathlib.Path(tempfile.gettempdir()) / "ivk_codegen_hostile_sentinel"
PAYLOADS = [
    f'"""; import builtins; builtins.{SENTINEL_ATTR} = 1 #',
    f"'''; import builtins; builtins.{SENTINEL_ATTR} = 1 #",
    f'"; __import__("builtins").{SENTINEL_ATTR} = 1 #',
    f'\\"""\n__import__("builtins").{SENTINEL_ATTR} = 1\n"""',
    f'"""; open({str(SENTINEL_FILE)!r}, "w") #',
    '"""; import os; os.system("x") #',
    "{{ 7 * 7 }}",
    "{% for x in y %}",
    "{#",
    "# comment",
    "\\",
    "\\N{BULLET}\\x41\\u2028",
    "\r\n",
    "\x00",
    "\u2028\u2029",
    "\x1b[31m",
    "\ufeff",
    '""""',
    "'",
]

texts = st.one_of(
    st.text(),  # any Unicode but surrogates (hypothesis leaves them out by default)
    st.sampled_from(PAYLOADS),
    st.builds(lambda a, p, b: a + p + b, st.text(max_size=8), st.sampled_from(PAYLOADS),
              st.text(max_size=8)),  # fmt: skip
)
node_ids = texts.filter(lambda s: bool(s) and s == s.strip())
file_stems = (
    st.text(min_size=1, max_size=30)
    .filter(lambda s: "/" not in s and "\x00" not in s and s not in (".", ".."))
    .filter(lambda s: len((s + ".json").encode("utf-8")) <= 200)
)


def _rename_node(data: Any, old: str, new: str) -> Any:
    """Every string holding the node id, the id replaced (node, data.id, edges, edge ids, Form)."""
    if isinstance(data, dict):
        return {_rename_node(k, old, new): _rename_node(v, old, new) for k, v in data.items()}
    if isinstance(data, list):
        return [_rename_node(v, old, new) for v in data]
    if isinstance(data, str):
        return data.replace(old, new)
    return data


def _hostile_workflow(t: dict[str, str]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["name"] = t["name"]
    data["description"] = t["description"]
    data["notes"] = t["notes"]
    data["author"] = t["notes"]
    nodes = {n["id"]: n for n in data["nodes"]}
    prefix = nodes[PREFIX_NODE]["data"]
    prefix["label"] = t["node_label"]
    prefix["notes"] = t["notes"]
    prefix["inputs"]["value"]["label"] = t["field_label"]
    prefix["inputs"]["value"]["description"] = t["field_description"]
    prefix["inputs"]["value"]["value"] = t["option_a"]
    data["form"]["elements"][PREFIX_ELEMENT]["data"]["settings"] = {
        "type": "string-field-config",
        "component": "dropdown",
        "options": [
            {"label": t["option_label"], "value": t["option_a"]},
            {"label": t["option_label"], "value": t["option_b"]},
        ],
    }
    nodes[SUFFIX_NODE]["data"]["inputs"]["value"]["value"] = t["string_value"]
    for element in data["form"]["elements"].values():
        if element["type"] in ("heading", "text"):
            element["data"]["content"] = t["notes"]
    data["nodes"].append(
        {"id": "notes-node", "type": "notes", "position": {"x": 0, "y": 0},
         "data": {"id": "notes-node", "type": "notes", "label": t["node_label"],
                  "notes": t["notes"], "isOpen": True}}
    )  # fmt: skip
    renamed: dict[str, Any] = _rename_node(data, SUFFIX_NODE, t["node_id"])
    return renamed


def _doc_form(text: str) -> str:
    """What a docstring keeps of a text: no outer whitespace, no trailing spaces on a line."""
    return "\n".join(line.rstrip(" ") for line in text.strip().split("\n"))


def _not_pwned() -> None:
    assert not hasattr(builtins, SENTINEL_ATTR)
    assert not SENTINEL_FILE.exists()


hostile = st.fixed_dictionaries(
    {
        key: texts
        for key in ("name", "description", "notes", "node_label", "field_label",
                    "field_description", "option_label", "option_a", "option_b", "string_value")
    }  # fmt: skip
    | {"node_id": node_ids, "file_stem": file_stems}
)


@pytest.mark.usefixtures("fast_schema")
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])  # fmt: skip
@given(t=hostile)
@example(t={k: PAYLOADS[i % len(PAYLOADS)] for i, k in enumerate(
    ("name", "description", "notes", "node_label", "field_label", "field_description",
     "option_label", "option_a", "option_b", "string_value"))}
    | {"node_id": PAYLOADS[0], "file_stem": '"""; import os #'})  # fmt: skip
def test_hostile_text_is_carried_exactly_and_runs_nothing(t: dict[str, str]) -> None:
    assume(t["option_a"] != t["option_b"])
    _not_pwned()
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        source = folder / f"{t['file_stem']}.json"
        raw = json.dumps(_hostile_workflow(t))
        source.write_text(raw, encoding="utf-8")
        target = folder / "out.py"
        result = run_cli([source, "-o", target, "-q"])
        assert result.code == 0, result.err
        code = target.read_text(encoding="utf-8")
        compile(code, "out.py", "exec")
        module = import_path(target, prefix="ivk_hostile")
    _not_pwned()

    cls = generated_class(module)
    tree = ast.parse(code)
    (class_def,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    class_doc = undent_docstring(ast.get_docstring(class_def, clean=False) or "")
    if t["name"].strip():
        assert class_doc.startswith(_doc_form(t["name"]) + "\n\n")
    else:
        assert class_doc.startswith(_doc_form(f"Workflow from {source.name}"))
    if t["description"].strip():
        assert "\n\n" + _doc_form(t["description"]) + "\n\n" in class_doc

    specs = {s.index: s for s in cls._inputs}
    prefix_attr, suffix_attr = specs[6].attribute, specs[7].attribute
    docs = {k: undent_docstring(v) for k, v in attribute_docs(code).items()}
    prefix_doc, suffix_doc = docs[prefix_attr], docs[suffix_attr]
    shown = t["field_label"].strip() or "Value"  # the field label, else the schema's title
    assert prefix_doc.startswith(f"Input 6: {_doc_form(shown)}.")
    if t["field_description"].strip():
        assert "\n\n" + _doc_form(t["field_description"]) + "\n\n" in prefix_doc
    if t["node_label"].strip():
        assert f"({_doc_form(t['node_label'])})." in prefix_doc
    assert f"string node {t['node_id']!r} (Suffix)." in suffix_doc

    # values: the dropdown is a Literal of the options, the saved strings are the defaults
    hints = typing.get_type_hints(cls)
    assert typing.get_args(hints[prefix_attr]) == (t["option_a"], t["option_b"])
    params = cls()
    assert getattr(params, prefix_attr) == t["option_a"]
    assert getattr(params, suffix_attr) == t["string_value"]
    assert params.to_values()[7] == t["string_value"]
    assert specs[7].node_id == t["node_id"]
    assert cls._workflow_source == source.name
    # the embedded workflow is the file's, and the runtime's check of it passes
    embedded = json.loads(module._WORKFLOW_JSON)
    assert embedded == json.loads(raw)
    assert cls.workflow().inputs[7].node_id == t["node_id"]


@pytest.mark.usefixtures("fast_schema")
def test_blank_lines_in_a_description_leave_no_trailing_whitespace(tmp_path: pathlib.Path) -> None:
    data = copy.deepcopy(BASE)
    for node in data["nodes"]:
        if node["id"] == PREFIX_NODE:
            node["data"]["inputs"]["value"]["description"] = "first paragraph\n\n\nafter two blank lines"
    source = tmp_path / "blank_lines.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    result = run_cli([source])
    assert result.code == 0
    assert format_source(result.out) == result.out
    assert [ln for ln in result.out.split("\n") if ln != ln.rstrip()] == []


@pytest.mark.usefixtures("fast_schema")
def test_nan_inside_a_saved_json_value(tmp_path: pathlib.Path) -> None:
    data = json.loads(
        (OWN.parent / "corpus" / "workflows"
         / "gogurtenjoyer_latent-upscale__SDXL Upscale Latents Example@b7d89f36.json").read_text()
    )  # fmt: skip
    for node in data["nodes"]:
        if node["data"].get("type") == "upscale_latents":  # a custom node: typed from its value
            node["data"]["inputs"]["scale_factor"]["value"] = [1.0, float("nan")]
    source = tmp_path / "nan.json"
    source.write_text(json.dumps(data), encoding="utf-8")  # writes the NaN literal
    result = run_cli([source, "-o", tmp_path / "nan.py"])
    assert "Traceback" not in result.err
    assert result.code in (0, 2)


# -- pysyntax -----------------------------------------------------------------------------------
@settings(max_examples=300)
@given(st.text())
@example('"""')
@example("\\")
@example("'\"")
@example("\u2028\r\x00")
def test_string_literal_round_trips(text: str) -> None:
    literal = string_literal(text)
    assert "\n" not in literal and "\r" not in literal
    assert ast.literal_eval(literal) == text
    tree = ast.parse(literal, mode="eval")
    assert isinstance(tree.body, ast.Constant) and tree.body.value == text


@settings(max_examples=300)
@given(st.text(), st.sampled_from([0, 4, 8]))
@example('a"""b', 4)
@example("ends with a backslash\\", 4)
@example("x\n\n\ny", 4)
def test_docstring_holds_the_text(text: str, indent: int) -> None:
    literal = docstring(text, indent=indent)
    assert literal.startswith('"""') and literal.endswith('"""')
    value = ast.literal_eval(literal)
    assert isinstance(value, str)
    # only spaces are raw whitespace in the literal; everything else that is not printable
    # is escaped, so the lines are the text's lines
    assert undent_docstring(value, indent).rstrip(" ") == _doc_form(text)
    # it is one expression: nothing after the closing quotes
    body = f"def f():\n{' ' * indent}    {literal}\n" if indent else literal
    ast.parse(body)


@settings(max_examples=200)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
        | st.text(),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )
)  # fmt: skip
def test_value_literal_round_trips(value: Any) -> None:
    literal = value_literal(value)
    assert ast.literal_eval(literal) == value
    assert json.dumps(ast.literal_eval(literal)) == json.dumps(value)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), object(), {1, 2}, b"bytes"])
def test_value_literal_refuses_non_json(bad: Any) -> None:
    with pytest.raises(ValueError):
        value_literal(bad)


@pytest.mark.parametrize("name", ["", "1abc", "a-b", "class", "a b", "x;import os", "é", "a\n"])
def test_identifier_refuses_unsafe_names(name: str) -> None:
    with pytest.raises(ValueError):
        identifier(name)


# -- verify_module ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def good_module() -> str:
    return run_cli([OWN / "blur_image.json"]).out.split("\n\n\n# The workflow as exported")[0] + "\n"


def test_verify_accepts_what_the_generator_makes(good_module: str) -> None:
    verify_module(good_module)


_INJECTIONS = {
    "import": ("from typing import", "import os\nfrom typing import"),
    "import_from_elsewhere": ("from typing import", "from os import system\nfrom typing import"),
    "call_at_top": ("__all__ = [", "print('x')\n__all__ = ["),
    "unknown_call_in_default": ("= 64\n", "= int('64')\n"),
    "attribute_access": ("= 64\n", "= (64).real\n"),
    "fstring": ('= "gaussian"\n', '= f"gaussian"\n'),
    "walrus": ("= 64\n", "= (x := 64)\n"),
    "method_in_class": ("    _inputs:", "    def run(self): pass\n\n    _inputs:"),
    "second_class": ("@dataclass(", "class Other:\n    pass\n\n\n@dataclass("),
    "second_decorator": ("@dataclass(", "@print\n@dataclass("),
    "statement_in_class": ("    _inputs:", "    del width\n    _inputs:"),
    "lambda_call": ("= 64\n", "= (lambda: 64)()\n"),
    "top_level_if": ("__all__ = [", "if True:\n    pass\n__all__ = ["),
    "dunder_import_call": ("= 64\n", "= __import__('os')\n"),
    "assignment_to_other_name": ("__all__ = [", "x = 1\n__all__ = ["),
}


@pytest.mark.parametrize("case", sorted(_INJECTIONS))
def test_verify_refuses_injected_code(case: str, good_module: str) -> None:
    old, new = _INJECTIONS[case]
    assert old in good_module
    bad = good_module.replace(old, new, 1)
    compile(bad, "bad.py", "exec")  # valid Python: only verify stands in the way
    with pytest.raises(UnsafeOutput):
        verify_module(bad)


def test_verify_refuses_what_does_not_parse(good_module: str) -> None:
    with pytest.raises(UnsafeOutput):
        verify_module(good_module + '\n"""unterminated\n')


# -- the classes a fuzzer of corpus files found: each a one-line exit 2 or a module -------------


def _write_with(tmp_path: pathlib.Path, value_text: str, name: str = "wf.json") -> pathlib.Path:
    """BASE with the Prefix string's saved value replaced by ``value_text`` (raw JSON text)."""
    marker = "IVK-VALUE-MARKER"
    data = copy.deepcopy(BASE)
    for node in data["nodes"]:
        if node["id"] == PREFIX_NODE:
            node["data"]["inputs"]["value"]["value"] = marker
    text = json.dumps(data, indent=2).replace(f'"{marker}"', value_text)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _one_line_exit_2(result: Any, *needles: str) -> None:
    assert result.code == 2, (result.code, result.err[-500:])
    lines = [ln for ln in result.err.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in result.err and "internal error" not in result.err, result.err
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.usefixtures("fast_schema")
@pytest.mark.parametrize("depth", [101, 400, 1000, 5000])
def test_a_value_nested_very_deep_is_one_line_exit_2(tmp_path: pathlib.Path, depth: int) -> None:
    path = _write_with(tmp_path, "[" * depth + "]" * depth)
    result = run_cli([path, "-o", tmp_path / "out.py"])
    # named by its node where Python's json reads the file, else by line and column
    _one_line_exit_2(result, "wf.json", "nested more than 100 levels deep")
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "[[[" in ln)
    assert PREFIX_NODE in result.err or f"line {line} " in result.err, result.err
    assert not (tmp_path / "out.py").exists()


@pytest.mark.usefixtures("fast_schema")
def test_a_value_nested_50_deep_still_makes_a_module(tmp_path: pathlib.Path) -> None:
    path = _write_with(tmp_path, "[" * 50 + "]" * 50)
    assert run_cli([path, "-o", tmp_path / "out.py"]).code == 0 and (tmp_path / "out.py").exists()


@pytest.mark.usefixtures("fast_schema")
def test_an_integer_of_5000_digits_is_one_line_exit_2(tmp_path: pathlib.Path) -> None:
    path = _write_with(tmp_path, "9" * 5000)
    _one_line_exit_2(run_cli([path, "-o", tmp_path / "out.py"]), "wf.json", "digits", "line")


@pytest.mark.usefixtures("fast_schema")
def test_nan_is_reported_where_it_is(tmp_path: pathlib.Path) -> None:
    path = _write_with(tmp_path, "NaN")
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if "NaN" in ln)
    _one_line_exit_2(run_cli([path, "-o", tmp_path / "out.py"]), "wf.json", f"line {line} ")


@pytest.mark.usefixtures("fast_schema")
def test_a_control_character_message_reads_right(tmp_path: pathlib.Path) -> None:
    path = _write_with(tmp_path, '"a\x01b"')
    result = run_cli([path, "-o", tmp_path / "out.py"])
    _one_line_exit_2(result, "wf.json", "control character")
    assert "at at" not in result.err


@pytest.mark.usefixtures("fast_schema")
def test_a_lone_surrogate_in_a_value_still_makes_a_module(tmp_path: pathlib.Path) -> None:
    """JSON allows "\\ud800" and InvokeAI's GUI loads it: a module, carrying it exactly."""
    path = _write_with(tmp_path, '"x\\ud800y"')
    result = run_cli([path, "-o", tmp_path / "out.py"])
    assert result.code == 0, result.err
    module = import_path(tmp_path / "out.py")
    cls = generated_class(module)
    assert "x\ud800y" in [getattr(cls(), a) for a in cls.__dataclass_fields__]


@pytest.mark.timeout(120)  # a hang guard: the old regex took minutes here (quadratic)
def test_a_long_run_of_capitals_names_in_linear_time() -> None:
    import re

    from ivk_codegen.naming import snake_case

    def before(text: str) -> str:  # the regexes of before, for small inputs
        text = re.sub(r"([a-z0-9])([A-Z][a-z])", r"\1 \2", text)
        text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1 \2", text)
        return "_".join(w.lower() for w in re.split(r"[^A-Za-z0-9]+", text) if w)

    from ivk_codegen import naming

    for text in ["HTTPServer", "ABCdEFg", "CFGScale", "myHTTPServerX", "AbCDEf9Gh"]:
        assert snake_case(text) == before(text), text
    assert snake_case("LoRAs") == "loras" != before("LoRAs")  # a plural acronym is one word now
    # the splitting patterns themselves stay linear (names look at a label's start only)
    assert naming._ACRONYM_END.sub(" ", "A" * 300_000 + "b").endswith("A Ab")
    assert naming._CAMEL.sub(" ", "a" * 300_000 + "Bc").endswith("a Bc")
    assert len(snake_case("A" * 300_000 + "b")) <= naming.MAX_NAME


# -- hostile schemas (--schema FILE, --server URL): a module, or one line and exit 2 ------------
BLUR = OWN / "blur_image.json"  # its Form's input 6 is img_blur's blur_type, an enum
BUNDLED = (pathlib.Path(__file__).resolve().parents[2] / "codegen" / "schemas" / bundled_schema_name()).read_bytes()
MARKER = "IVK-SCHEMA-MARKER"


def _schema(edit: Callable[[dict[str, Any]], None], raw: str | None = None) -> bytes:
    """The bundled schema with ``edit`` applied to its components; a MARKER string value it
    leaves becomes ``raw`` JSON text (for what json.dumps cannot write)."""
    data = json.loads(BUNDLED)
    edit(data["components"]["schemas"])
    text = json.dumps(data)
    return (text.replace(f'"{MARKER}"', raw) if raw is not None else text).encode("utf-8")


def _blur_type(**changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda c: c["ImageBlurInvocation"]["properties"]["blur_type"].update(changes)


@pytest.fixture
def schema_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[bytes], str]]:
    """A server on 127.0.0.1 answering /openapi.json with the bytes given, and its version:
    --server reads through httpx, which no MockTransport reaches from the CLI."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("INVOKEAI_TOKEN", raising=False)
    bodies = {"/api/v1/app/version": b'{"version": "6.14.2"}'}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = bodies.get(self.path, b"")
            self.send_response(200 if self.path in bodies else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def serve(schema: bytes) -> str:
        bodies["/openapi.json"] = schema
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    server.shutdown()
    server.server_close()
    thread.join()


def _schema_args(
    via: str, data: bytes, tmp_path: pathlib.Path, request: pytest.FixtureRequest
) -> tuple[list[str], str]:
    """The CLI's schema options for ``data`` and the name its messages give the schema."""
    if via == "file":
        (tmp_path / "schema.json").write_bytes(data)
        return ["--schema", str(tmp_path / "schema.json")], "schema.json"
    url = request.getfixturevalue("schema_server")(data)
    return ["--server", url], f"{url}/openapi.json"


@pytest.mark.timeout(60)  # a hang guard: it took 94 s, black formatting a 100,000-value Literal
def test_an_enum_of_100000_choices_is_typed_by_its_values_with_a_warning(
    tmp_path: pathlib.Path, schema_server: Callable[[bytes], str]
) -> None:
    choices = ["gaussian", "box"] + [f"choice-{i}" for i in range(100_000)]
    url = schema_server(_schema(_blur_type(enum=choices)))
    result = run_cli([BLUR, "--server", url, "-o", tmp_path / "out.py"])
    assert result.code == 0, result.err
    warnings = [ln for ln in result.err.splitlines() if "warning" in ln]
    assert len(warnings) == 1 and "(blur_type)" in warnings[0] and "100002 choices" in warnings[0], result.err
    assert "the server checks" in warnings[0]
    code = (tmp_path / "out.py").read_text(encoding="utf-8")
    assert annotations_of(code)["blur_type"] == "str"
    assert "100002 choices" in attribute_docs(code)["blur_type"]  # the reader is told too
    cls = generated_class(import_path(tmp_path / "out.py"))
    assert cls().blur_type == "gaussian"
    assert cls(blur_type="choice-99999").to_values()[6] == "choice-99999"  # a choice reaches the node


@pytest.mark.timeout(120)
def test_an_enum_at_the_limit_keeps_its_literal_and_one_more_does_not(
    tmp_path: pathlib.Path, mypy_cache_dir: pathlib.Path
) -> None:
    choices = ["gaussian"] + [f"c{i}" for i in range(MAX_CHOICES - 1)]
    (tmp_path / "at.json").write_bytes(_schema(_blur_type(enum=choices)))
    (tmp_path / "over.json").write_bytes(_schema(_blur_type(enum=[*choices, "one more"])))
    at = run_cli([BLUR, "--schema", tmp_path / "at.json", "-o", tmp_path / "at_limit.py"])
    over = run_cli([BLUR, "--schema", tmp_path / "over.json", "-o", tmp_path / "over_limit.py"])
    assert at.code == 0 and "warning" not in at.err, at.err
    assert over.code == 0 and f"{MAX_CHOICES + 1} choices" in over.err, over.err
    cls = generated_class(import_path(tmp_path / "at_limit.py"))
    assert typing.get_args(typing.get_type_hints(cls)["blur_type"]) == tuple(choices)
    assert annotations_of((tmp_path / "over_limit.py").read_text(encoding="utf-8"))["blur_type"] == "str"
    checked = mypy([tmp_path / "at_limit.py"], mypy_cache_dir)
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize("via", ["file", "server"])
def test_a_lone_surrogate_in_a_schema_enum_is_one_line_exit_2(
    tmp_path: pathlib.Path, request: pytest.FixtureRequest, via: str
) -> None:
    """No module can hold it: pydantic builds no Literal of "\\ud800" (so no server has one)."""
    args, name = _schema_args(via, _schema(_blur_type(enum=["gaussian", "box", "\ud800"])), tmp_path, request)
    result = run_cli([BLUR, *args, "-o", tmp_path / "out.py"])
    _one_line_exit_2(result, name, "'img_blur'", "'blur_type'", "lone surrogate")
    assert not (tmp_path / "out.py").exists()


def test_a_lone_surrogate_in_a_schema_title_still_makes_a_module(tmp_path: pathlib.Path) -> None:
    """Text of the schema that only reaches docstrings is valid, surrogate or not."""
    (tmp_path / "schema.json").write_bytes(_schema(_blur_type(title="Blur\ud800type")))
    result = run_cli([BLUR, "--schema", tmp_path / "schema.json", "-o", tmp_path / "out.py"])
    assert result.code == 0, result.err
    cls = generated_class(import_path(tmp_path / "out.py"))
    attribute = {s.index: s.attribute for s in cls._inputs}[6]  # named from the title's words
    doc = attribute_docs((tmp_path / "out.py").read_text(encoding="utf-8"))[attribute]
    assert doc.startswith("Input 6: Blur\ud800type.")


_ODD_DROPDOWNS = {
    "a lone surrogate": (["x\ud800", "plain"], "lone surrogate"),
    "too many choices": ([f"c{i}" for i in range(MAX_CHOICES + 1)], f"{MAX_CHOICES + 1} choices"),
}


@pytest.mark.usefixtures("fast_schema")
@pytest.mark.parametrize("case", sorted(_ODD_DROPDOWNS))
def test_a_dropdown_no_literal_can_hold_types_the_input_str(tmp_path: pathlib.Path, case: str) -> None:
    """The GUI takes both (JavaScript strings are UTF-16) and the server takes any string there."""
    choices, needle = _ODD_DROPDOWNS[case]
    data = copy.deepcopy(BASE)
    data["form"]["elements"][PREFIX_ELEMENT]["data"]["settings"] = {
        "type": "string-field-config", "component": "dropdown",
        "options": [{"label": "a", "value": c} for c in choices],
    }  # fmt: skip
    (tmp_path / "wf.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli([tmp_path / "wf.json", "-o", tmp_path / "out.py"])
    assert result.code == 0, result.err
    assert any("warning: input 6" in ln and needle in ln for ln in result.err.splitlines()), result.err
    cls = generated_class(import_path(tmp_path / "out.py"))
    attribute = {s.index: s.attribute for s in cls._inputs}[6]
    assert typing.get_type_hints(cls)[attribute] is str
    assert getattr(cls(**{attribute: choices[0]}), attribute) == choices[0]


_TINY_HEAD = '{"openapi": "3.1.0", "components": {"schemas": {"X": '


def _tiny(raw: str) -> bytes:
    """A small schema holding ``raw`` JSON text (it fails before any node is read)."""
    return (_TINY_HEAD + raw + "}}}").encode("utf-8")


def _at(raw: str, token: str) -> str:
    """Where ``token`` of ``raw`` sits in ``_tiny(raw)``, as the messages say it."""
    return f"line 1 column {len(_TINY_HEAD) + raw.index(token) + 1}"


_UNREADABLE = {
    "nested 1000 deep": (_tiny("[" * 1000 + "]" * 1000), ["nested more than 100 levels deep", "line 1 column"]),
    "nested 101 deep": (_tiny("[" * 101 + "]" * 101), ["nested more than 100 levels deep", "components.schemas.X"]),
    "5000 digits": (_tiny("9" * 5000), ["more than 4300 digits", _at("9", "9")]),
    "NaN": (_tiny('{"maximum": NaN}'), ["NaN is not a JSON value", _at('{"maximum": NaN}', "NaN")]),
    "1e999": (_tiny('{"maximum": -1e999}'), ["-1e999 is beyond a float's range", _at('{"maximum": -1e999}', "-")]),
    "not JSON": (b'{"openapi": ', ["not valid JSON", "line 1 column 13"]),
    "not UTF-8": (b'{"a": "\xff"}', ["not UTF-8 text (byte 7)"]),
    "not an object": (b"[1, 2]", ["not an OpenAPI document", "not an object"]),
    "no components.schemas": (b'{"openapi": "3.1.0", "components": {}}', ["components.schemas"]),
    "components.schemas a list": (b'{"components": {"schemas": [1]}}', ["components.schemas is not an object"]),
    "no nodes": (_tiny("{}"), ["no invocation schemas"]),
}


@pytest.mark.parametrize("via", ["file", "server"])
@pytest.mark.parametrize("case", sorted(_UNREADABLE))
def test_an_unreadable_schema_is_one_line_exit_2(
    tmp_path: pathlib.Path, request: pytest.FixtureRequest, case: str, via: str
) -> None:
    data, needles = _UNREADABLE[case]
    args, name = _schema_args(via, data, tmp_path, request)
    result = run_cli([BLUR, *args, "-o", tmp_path / "out.py"])
    _one_line_exit_2(result, name, *needles)
    assert not (tmp_path / "out.py").exists()


def _ref_loop(c: dict[str, Any]) -> None:
    c["A"], c["B"] = {"$ref": "#/components/schemas/B"}, {"$ref": "#/components/schemas/A"}
    c["ImageBlurInvocation"]["properties"]["blur_type"] = {"$ref": "#/components/schemas/A"}


def _string_blur_type(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def edit(c: dict[str, Any]) -> None:
        c["ImageBlurInvocation"]["properties"]["blur_type"].pop("enum")
        c["ImageBlurInvocation"]["properties"]["blur_type"].update(changes)

    return edit


def _amount(**changes: Any) -> Callable[[dict[str, Any]], None]:
    return lambda c: c["ImageNoiseInvocation"]["properties"]["amount"].update(changes)


_UNTYPABLE = {
    "a $ref loop": (_ref_loop, None, ["$ref cycle", "#/components/schemas/A"]),
    "a $ref to nothing": (_blur_type(**{"$ref": "#/components/schemas/Missing"}), None, ["unresolvable $ref"]),
    "an enum that is a string": (_blur_type(enum="gaussian"), None, ["'blur_type'", "enum is a string"]),
    "a 4000-digit bound on a float": (_amount(maximum=MARKER), "9" * 4000,
                                      ["'img_noise'", "'amount'", "le=<an integer of 4000 digits>", "float's range"]),
    "a multiple of 0": (_amount(multipleOf=0), None, ["'amount'", "multiple_of=0 is not above 0"]),
    "a fractional bound on an integer": (lambda c: c["ImageNoiseInvocation"]["properties"]["seed"].update(minimum=0.5),
                                         None, ["'seed'", "ge=0.5 is not an integer"]),
    "a length no size holds": (_string_blur_type(maxLength=2**64), None, ["'blur_type'", "max_length", "not a size"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(_UNTYPABLE))
def test_a_field_no_module_can_type_is_one_line_exit_2(tmp_path: pathlib.Path, case: str) -> None:
    edit, raw, needles = _UNTYPABLE[case]
    (tmp_path / "schema.json").write_bytes(_schema(edit, raw))
    result = run_cli([BLUR, "--schema", tmp_path / "schema.json", "-o", tmp_path / "out.py"])
    _one_line_exit_2(result, "schema.json", *needles)
    assert not (tmp_path / "out.py").exists()


def _shapeless_blur(c: dict[str, Any]) -> None:
    c["ImageBlurInvocation"]["properties"] = [1]


_STILL_MODULES = {
    # a node of no shape is a node the schema does not have: warned of, typed from the workflow
    "a node whose properties are a list": (_shapeless_blur, "'img_blur'"),
    "a node whose type is a string": (lambda c: c["ImageBlurInvocation"]["properties"].update(type="x"), "'img_blur'"),
    # pydantic finds no multiple of 1e-320 in 0.25 either: the saved value is warned of
    "a multiple of 1e-320": (_amount(multipleOf=1e-320), "multiple_of=1e-320"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(_STILL_MODULES))
def test_an_odd_schema_still_makes_a_module_with_a_warning(tmp_path: pathlib.Path, case: str) -> None:
    edit, needle = _STILL_MODULES[case]
    (tmp_path / "schema.json").write_bytes(_schema(edit))
    result = run_cli([BLUR, "--schema", tmp_path / "schema.json", "-o", tmp_path / "out.py"])
    assert result.code == 0, result.err
    assert "internal error" not in result.err
    assert any("warning" in ln and needle in ln for ln in result.err.splitlines()), result.err
    generated_class(import_path(tmp_path / "out.py"))


SDXL = OWN.parent / "corpus" / "workflows" / "invoke-ai_InvokeAI__SDXL w_Refiner Text to Image@84ecc8d5.json"


def _model_bases(bases: list[str]) -> Callable[[dict[str, Any]], None]:
    return lambda c: c["SDXLModelLoaderInvocation"]["properties"]["model"].update(ui_model_base=bases)


def test_model_filters_follow_the_enum_rules(tmp_path: pathlib.Path) -> None:
    """ui_model_base becomes a Literal too: too many bases are typed str, a lone surrogate fails."""
    (tmp_path / "many.json").write_bytes(_schema(_model_bases([f"b{i}" for i in range(MAX_CHOICES + 1)])))
    (tmp_path / "odd.json").write_bytes(_schema(_model_bases(["sdxl", "\ud800"])))
    many = run_cli([SDXL, "--schema", tmp_path / "many.json", "-o", tmp_path / "many.py"])
    assert many.code == 0, many.err
    assert any("(model)" in ln and f"{MAX_CHOICES + 1} model bases" in ln for ln in many.err.splitlines()), many.err
    annotation = annotations_of((tmp_path / "many.py").read_text(encoding="utf-8"))["model"]
    assert annotation == "ModelRef[str, Literal['main']]"  # as ast.unparse quotes it
    generated_class(import_path(tmp_path / "many.py"))
    odd = run_cli([SDXL, "--schema", tmp_path / "odd.json", "-o", tmp_path / "odd.py"])
    _one_line_exit_2(odd, "odd.json", "'sdxl_model_loader'", "'model'", "lone surrogate")


def test_a_form_bound_no_float_holds_still_makes_a_module_that_imports(tmp_path: pathlib.Path) -> None:
    """A 400-digit integer as the Form's max of a float input (valid JSON): the bound is left
    out, and the module imports (it failed there: pydantic holds no such float bound)."""
    raw = json.loads((OWN / "blur_image.json").read_text())
    for element in raw["form"]["elements"].values():
        if element["type"] == "node-field" and element["data"]["fieldIdentifier"]["fieldName"] == "amount":
            element["data"]["settings"] = {"type": "float-field-config", "component": "number-input",
                                           "min": 0, "max": int("9" * 400)}  # fmt: skip
    path = tmp_path / "wf.json"
    path.write_text(json.dumps(raw))
    result = run_cli([path, "-o", tmp_path / "out.py"])
    assert result.code == 0, result.err
    cls = generated_class(import_path(tmp_path / "out.py"))
    assert cls(noise_amount=0.5).noise_amount == 0.5
