#!/usr/bin/python3
"""Exports torchvision's mobilenet_v2 (random weights: the benchmark measures speed, not accuracy)
to ONNX with a fixed (1, 3, 224, 224) input, for `fovea onnx import`.

    /usr/bin/python3 bench/predict/export_mobilenet.py OUT.onnx
"""
import sys

import torch
import torchvision

torch.manual_seed(0)
model = torchvision.models.mobilenet_v2(weights=None).eval()
torch.onnx.export(model, torch.zeros(1, 3, 224, 224), sys.argv[1], input_names=["input"], output_names=["logits"],
                  opset_version=13)
print("wrote", sys.argv[1])
