#!/usr/bin/env python3
"""Writes the safetensors and .fovea fixtures that SafetensorsFixtureTest and ModelArchiveTest read.

An implementation independent of Fovea's Java code: the safetensors bytes are laid out by hand
from the format description (https://github.com/huggingface/safetensors#format), because the
`safetensors` Python package is not installed here:

    8-byte little-endian u64 N | N bytes of UTF-8 JSON header, space padded | raw data buffer

Values come from numpy (little-endian float32 via '<f4'); the special values are exact bit patterns
so the Java test can check NaN payloads, -0.0, subnormals and infinities bit for bit. The header
keys are written sorted by name while the data is laid out in a different order, so a reader that
confuses header order with data order fails. Python's json.dumps adds spaces after ',' and ':',
which Fovea's writer does not, so the reader is tested on JSON it did not write.

The archive fixture is made with Python's zipfile: model.json DEFLATED, weights.safetensors STORED.

Run from this directory:  python3 make_fixtures.py
Output is deterministic; re-running must leave `git status` clean.
"""
import json
import struct
import zipfile

import numpy as np


def f32(values):
    return np.asarray(values, dtype="<f4")


special_bits = np.array([
    0x7FC00001,  # quiet NaN with payload 1
    0xFFC12345,  # negative quiet NaN with a payload
    0x7F800001,  # signalling NaN
    0x80000000,  # -0.0
    0x00000001,  # smallest subnormal
    0x807FFFFF,  # largest negative subnormal
    0x7F800000,  # +infinity
    0xFF7FFFFF,  # -FLT_MAX
], dtype="<u4")

# Data order (deliberately not alphabetical).
tensors = [
    ("special", special_bits.view("<f4"), [8]),
    ("conv1/kernel", f32(np.arange(18) * 0.25 - 2.0).reshape(3, 3, 1, 2), [3, 3, 1, 2]),
    ("empty", f32(np.zeros((0, 4))), [0, 4]),
    ("scalar", f32(3.25).reshape(()), []),
    ("conv1/bias", f32([0.5, -1.5]), [2]),
]

header = {}
data = b""
for name, array, shape in tensors:
    raw = array.astype("<f4").tobytes()
    assert list(array.shape) == shape
    header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
    data += raw
header["__metadata__"] = {"format": "fovea-fixture", "made_by": "make_fixtures.py"}

header_bytes = json.dumps(header, sort_keys=True).encode("utf-8")
header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
safetensors = struct.pack("<Q", len(header_bytes)) + header_bytes + data

with open("fixture.safetensors", "wb") as f:
    f.write(safetensors)

model_json = json.dumps({"format_version": 1, "note": "fixture made by Python's zipfile"}, indent=2) + "\n"
with zipfile.ZipFile("fixture.fovea", "w") as z:
    info = zipfile.ZipInfo("model.json", date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, model_json)
    info = zipfile.ZipInfo("weights.safetensors", date_time=(2020, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_STORED
    z.writestr(info, safetensors)

print("fixture.safetensors:", len(safetensors), "bytes; fixture.fovea written")
