#!/usr/bin/python3
"""Exports torchvision models (random weights, eval mode, seed 0) to ONNX with a free batch axis,
for bench/compare-models.sh. Usage: export_torchvision.py OUT_DIR NAME...  (skips existing files)."""
import os
import sys

import torch
import torchvision

out_dir, names = sys.argv[1], sys.argv[2:]
os.makedirs(out_dir, exist_ok=True)
for name in names:
    path = os.path.join(out_dir, f"{name}.onnx")
    if os.path.exists(path):
        continue
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None).eval()
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), path + ".part", input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=13)
    os.replace(path + ".part", path)
    print(f"export_torchvision: wrote {path}", file=sys.stderr)
