#!/usr/bin/python3
"""Builds ONNX model test cases from torchvision architectures for `fovea onnx check`.

Each case is a folder in the ONNX backend-test layout the checker reads:

    NAME/model.onnx                      exported by torch.onnx.export (float32 weights)
    NAME/case.json                       model, opset, input shape, seed, PyTorch's own errors
    NAME/test_data_set_0/input_0.pb      a fixed ImageNet-normalised image, float32 NCHW
    NAME/test_data_set_0/output_0.pb     PyTorch's float32 output
    NAME/test_data_set_0/reference_0.pb  the same model run in float64 (a TensorProto of doubles)

Weights are random (torch.manual_seed), not trained: what is tested is that the importer computes
what the graph says. Batch-norm layers get non-trivial statistics (a few training-mode batches
update running mean/var, and their affine weights are randomised), otherwise every BN would be the
identity and a wrong BN import could pass.

Two tiers:
  --tier small  tiny configurations of the same architecture families (few channels, small
                inputs, 10 classes), a few hundred KB each: committed under
                fovea-onnx/src/test/resources/conformance/torchvision and run by `mvn verify`.
  --tier full   the real torchvision models at their usual input size (vgg11_bn is 507 MB):
                generated on demand into a git-ignored folder (default scripts/torchvision/cases).

Run with Debian's python3-torch / python3-torchvision (torch 1.13, torchvision 0.14):
    /usr/bin/python3 scripts/torchvision/make_cases.py --tier full [--only resnet18,vgg11_bn] [--out DIR]
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision import models
from torchvision.models.convnext import CNBlockConfig
from torchvision.models.efficientnet import MBConvConfig
from torchvision.models.mobilenetv3 import InvertedResidualConfig
from torchvision.models.regnet import BlockParams
from torchvision.models.segmentation.lraspp import LRASPP
from torchvision.models._utils import IntermediateLayerGetter
from onnx import numpy_helper
import onnx

SEED = 1234
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


class FirstOutput(nn.Module):
    """Segmentation models return {'out': ..., 'aux': ...}: export the map alone."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)["out"]


# ---- the full tier: torchvision's own constructors, name -> (builder, input size, opset) ----

def full_models():
    return {
        "resnet18": (lambda: models.resnet18(weights=None), 224, 13),
        "resnet50": (lambda: models.resnet50(weights=None), 224, 13),
        "mobilenet_v2": (lambda: models.mobilenet_v2(weights=None), 224, 13),
        "mobilenet_v3_small": (lambda: models.mobilenet_v3_small(weights=None), 224, 13),
        "mobilenet_v3_large": (lambda: models.mobilenet_v3_large(weights=None), 224, 14),
        "efficientnet_b0": (lambda: models.efficientnet_b0(weights=None), 224, 13),
        "mnasnet1_0": (lambda: models.mnasnet1_0(weights=None), 224, 13),
        "shufflenet_v2_x1_0": (lambda: models.shufflenet_v2_x1_0(weights=None), 224, 13),
        "convnext_tiny": (lambda: models.convnext_tiny(weights=None), 224, 17),
        "googlenet": (lambda: models.googlenet(weights=None, aux_logits=False, init_weights=True), 224, 13),
        "inception_v3": (lambda: models.inception_v3(weights=None, aux_logits=False, init_weights=True), 299, 13),
        "regnet_y_400mf": (lambda: models.regnet_y_400mf(weights=None), 224, 13),
        "densenet121": (lambda: models.densenet121(weights=None), 224, 13),
        "squeezenet1_1": (lambda: models.squeezenet1_1(weights=None), 224, 13),
        "vgg11_bn": (lambda: models.vgg11_bn(weights=None), 224, 13),
        "fcn_resnet50": (lambda: FirstOutput(models.segmentation.fcn_resnet50(
            weights=None, weights_backbone=None, aux_loss=False, num_classes=21)), 224, 13),
        "lraspp_mobilenet_v3_large": (lambda: FirstOutput(models.segmentation.lraspp_mobilenet_v3_large(
            weights=None, weights_backbone=None, num_classes=21)), 224, 13),
    }


# ---- the small tier: the same families, a few channels wide ----

def tiny_mobilenet_v3(width=0.25):
    bneck = lambda *a: InvertedResidualConfig(*a, width_mult=width)
    setting = [
        bneck(16, 3, 16, 16, True, "RE", 2, 1),
        bneck(16, 3, 72, 24, False, "RE", 2, 1),
        bneck(24, 5, 96, 40, True, "HS", 2, 1),
        bneck(40, 5, 120, 48, True, "HS", 1, 1),
    ]
    return models.MobileNetV3(setting, last_channel=64, num_classes=10)


def tiny_lraspp():
    backbone = tiny_mobilenet_v3().features
    # LR-ASPP reads a stride-8 low-level map and the last (stride-16) features.
    low, high = 2, len(backbone) - 1
    body = IntermediateLayerGetter(backbone, return_layers={str(low): "low", str(high): "high"})
    low_ch = backbone[low].out_channels
    high_ch = backbone[high].out_channels
    return FirstOutput(LRASPP(body, low_ch, high_ch, num_classes=5, inter_channels=16))


def small_models():
    return {
        "tiny_mobilenet_v3": (tiny_mobilenet_v3, 64, 14),   # opset 14: nn.Hardswish exports as HardSwish
        "tiny_shufflenet_v2": (lambda: models.ShuffleNetV2([2, 2, 2], [8, 16, 32, 64, 128], num_classes=10), 64, 13),
        "tiny_mnasnet": (lambda: models.MNASNet(0.25, num_classes=10), 64, 13),
        "tiny_convnext": (lambda: models.ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, 64, 1), CNBlockConfig(64, None, 1)],
                                                   num_classes=10), 64, 17),
        "tiny_convnext_opset13": (lambda: models.ConvNeXt([CNBlockConfig(16, 32, 1), CNBlockConfig(32, None, 1)],
                                                           num_classes=10), 32, 13),
        "tiny_efficientnet": (lambda: models.EfficientNet([MBConvConfig(1, 3, 1, 16, 8, 1), MBConvConfig(4, 3, 2, 8, 16, 1),
                                                           MBConvConfig(4, 5, 2, 16, 24, 1)], dropout=0.2, num_classes=10,
                                                          last_channel=64), 64, 13),
        "tiny_regnet": (lambda: models.RegNet(BlockParams.from_init_params(depth=3, w_0=8, w_a=8.0, w_m=2.0, group_width=8,
                                                                             se_ratio=0.25), stem_width=8, num_classes=10), 64, 13),
        "tiny_densenet": (lambda: models.DenseNet(growth_rate=8, block_config=(2, 2), num_init_features=16, bn_size=2,
                                                  num_classes=10), 64, 13),
        "tiny_lraspp": (tiny_lraspp, 64, 13),
    }


# ---- case building ----

def make_batchnorm_nontrivial(model, size, generator):
    """Random BN affine weights, then running statistics from three training-mode batches."""
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    with torch.no_grad():
        for m in bns:
            if m.affine:
                m.weight.uniform_(0.5, 1.5, generator=generator)
                m.bias.normal_(0.0, 0.2, generator=generator)
            m.momentum = 0.5
        if bns:
            model.train()
            for _ in range(3):
                model(torch.randn(2, 3, size, size, generator=generator) * 1.2 + 0.1)
    model.eval()


def fixed_image(size, generator):
    """A deterministic image in [0, 1]: smooth colour gradients and blobs plus a little noise,
    ImageNet-normalised (N, 3, H, W)."""
    y, x = torch.meshgrid(torch.linspace(0, 1, size), torch.linspace(0, 1, size), indexing="ij")
    r = 0.5 + 0.5 * torch.sin(6.0 * x + 2.0 * y)
    g = 0.5 + 0.5 * torch.cos(4.0 * y - 3.0 * x * y)
    b = torch.exp(-((x - 0.6) ** 2 + (y - 0.4) ** 2) * 8.0)
    img = torch.stack([r, g, b]) * 0.85 + 0.15 * torch.rand(3, size, size, generator=generator)
    mean = torch.tensor(IMAGENET_MEAN).view(3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(3, 1, 1)
    return ((img.clamp(0, 1) - mean) / std).unsqueeze(0).float()


def tensor_file(path, array):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def build_case(name, builder, size, opset, out_dir):
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = builder()
    make_batchnorm_nontrivial(model, size, generator)
    x = fixed_image(size, generator)
    with torch.no_grad():
        expected = model(x).numpy()
        reference = model.double()(x.double()).numpy()
        model.float()
    case = os.path.join(out_dir, name)
    data = os.path.join(case, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    model_path = os.path.join(case, "model.onnx")
    torch.onnx.export(model, x, model_path, opset_version=opset, input_names=["input"], output_names=["output"],
                      do_constant_folding=True)
    onnx.checker.check_model(onnx.load(model_path))
    tensor_file(os.path.join(data, "input_0.pb"), x.numpy())
    tensor_file(os.path.join(data, "output_0.pb"), expected.astype(np.float32))
    tensor_file(os.path.join(data, "reference_0.pb"), reference.astype(np.float64))
    torch_error = float(np.max(np.abs(expected.astype(np.float64) - reference)))
    info = {
        "model": name, "torch": torch.__version__, "torchvision": torchvision.__version__, "opset": opset, "seed": SEED,
        "input": list(x.shape), "output": list(expected.shape),
        "max_abs_output": float(np.max(np.abs(reference))),
        "torch_float32_vs_float64_max_abs": torch_error,
        "weight_bytes": sum(p.numel() * 4 for p in model.state_dict().values() if p.dtype == torch.float32),
    }
    with open(os.path.join(case, "case.json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{name}: opset {opset}, input {list(x.shape)}, output {list(expected.shape)}, "
          f"max |out| {info['max_abs_output']:.3g}, torch f32 vs f64 {torch_error:.3g}, "
          f"{os.path.getsize(model_path) / 1e6:.2f} MB", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tier", choices=["small", "full"], default="small")
    p.add_argument("--only", help="comma-separated model names")
    p.add_argument("--out", help="output folder")
    a = p.parse_args()
    torch.set_num_threads(1)   # a shared machine: one core is plenty
    table = small_models() if a.tier == "small" else full_models()
    out = a.out or (os.path.join(REPO, "fovea-onnx/src/test/resources/conformance/torchvision") if a.tier == "small"
                    else os.path.join(HERE, "cases"))
    names = a.only.split(",") if a.only else list(table)
    unknown = [n for n in names if n not in table]
    if unknown:
        sys.exit(f"unknown model(s) {', '.join(unknown)}; this tier has: {', '.join(table)}")
    for n in names:
        builder, size, opset = table[n]
        build_case(n, builder, size, opset, out)


if __name__ == "__main__":
    main()
