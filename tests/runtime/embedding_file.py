"""A textual-inversion embedding written by hand: the smallest real model InvokeAI installs
(a safetensors file holding one ``emb_params`` tensor, 1x768 float32: an SD 1.x embedding)."""

from __future__ import annotations

import json
import pathlib
import random
import struct


def write_embedding(path: pathlib.Path, *, seed: int | None = None, width: int = 768) -> pathlib.Path:
    """Safetensors: an 8-byte little-endian header length, a JSON header, the raw bytes.
    Distinct ``seed``s give distinct files (and hashes)."""
    rng = random.Random(seed)
    data = struct.pack(f"<{width}f", *(rng.uniform(-0.1, 0.1) for _ in range(width)))
    header = json.dumps(
        {"emb_params": {"dtype": "F32", "shape": [1, width], "data_offsets": [0, len(data)]}}
    ).encode()
    header += b" " * (-len(header) % 8)  # the data starts 8-aligned
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(struct.pack("<Q", len(header)) + header + data)
    return path
