#!/usr/bin/env python3
"""Dump a running InvokeAI server's OpenAPI schema into codegen/schemas/invokeai-<version>.json.

    python scripts/dump_schema.py [--url http://127.0.0.1:9191] [--out-dir codegen/schemas]

The version comes from GET /api/v1/app/version; it names the file and is recorded in the
schema's ``info.version``. The output is deterministic (sorted keys, two-space indent, UTF-8,
one trailing newline), so dumping the same server again gives the same bytes. Standard library
only, so it runs with any Python 3.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "codegen" / "schemas"


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.load(response)


def render(schema: dict[str, Any], version: str) -> str:
    """The file's text: the schema with info.version set, in canonical form."""
    schema = dict(schema)
    schema["info"] = {**schema.get("info", {}), "version": version}
    return json.dumps(schema, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def dump(url: str, out_dir: Path) -> Path:
    base = url.rstrip("/")
    version = str(_get_json(f"{base}/api/v1/app/version")["version"])
    schema = _get_json(f"{base}/openapi.json")
    if not isinstance(schema, dict) or "components" not in schema:
        raise SystemExit(f"{base}/openapi.json is not an OpenAPI document")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"invokeai-{version}.json"
    path.write_text(render(schema, version), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url",
        default=os.environ.get("INVOKEAI_URL") or "http://127.0.0.1:9191",
        help="server base URL (default: $INVOKEAI_URL, else http://127.0.0.1:9191)",
    )
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    path = dump(args.url, args.out_dir)
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
