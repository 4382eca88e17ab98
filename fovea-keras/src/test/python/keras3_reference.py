#!/usr/bin/python3
"""An independent reference for Keras 3 `.keras` models: reads config.json and model.weights.h5 with
h5py and evaluates the model with PyTorch in float64, layer by layer from the Keras definitions
(channels_last, TensorFlow's 'same' padding). It shares no code with Fovea's Java importer.

  keras3_reference.py MODEL.keras CASE_DIR [--source REPO@COMMIT:PATH] [--licence NAME]

writes CASE_DIR/model.keras (a copy), input.npy (seeded standard-normal input of the model's input
shape, batch 2), output.npy and case.json. Layers outside the set below are refused.
"""
import hashlib
import io
import json
import os
import re
import shutil
import sys
import zipfile

import h5py
import numpy as np
import torch
import torch.nn.functional as F


def snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def pads(size, k, s, d=1):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def pair(v):
    return list(v) if isinstance(v, (list, tuple)) else [v, v]


def act(x, name):
    if isinstance(name, dict):
        name = name.get("config")
    return {
        None: lambda v: v, "linear": lambda v: v, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
        "softmax": lambda v: torch.softmax(v, dim=-1), "elu": F.elu, "selu": F.selu, "softplus": F.softplus,
        "softsign": F.softsign, "silu": F.silu, "swish": F.silu, "relu6": lambda v: torch.clamp(v, 0, 6),
        "hard_sigmoid": lambda v: torch.clamp(v / 6 + 0.5, 0, 1), "leaky_relu": lambda v: F.leaky_relu(v, 0.2),
    }[name](x)


def conv(x, kernel, bias, cfg, groups=1):
    k, s, d = pair(cfg["kernel_size"]), pair(cfg.get("strides", 1)), pair(cfg.get("dilation_rate", 1))
    xc = x.permute(0, 3, 1, 2)
    if cfg.get("padding", "valid") == "same":
        top, bottom = pads(xc.shape[2], k[0], s[0], d[0])
        left, right = pads(xc.shape[3], k[1], s[1], d[1])
        xc = F.pad(xc, (left, right, top, bottom))
    y = F.conv2d(xc, t(kernel).permute(3, 2, 0, 1), None if bias is None else t(bias), stride=s, dilation=d, groups=groups)
    return y.permute(0, 2, 3, 1)


def pool(x, cfg, kind):
    p = pair(cfg.get("pool_size", 2))
    s = pair(cfg.get("strides") or p)
    xc = x.permute(0, 3, 1, 2)
    if cfg.get("padding", "valid") == "same":
        top, bottom = pads(xc.shape[2], p[0], s[0])
        left, right = pads(xc.shape[3], p[1], s[1])
        if kind == "max":
            xc = F.pad(xc, (left, right, top, bottom), value=-float("inf"))
            return F.max_pool2d(xc, p, s).permute(0, 2, 3, 1)
        ones = F.pad(torch.ones_like(xc), (left, right, top, bottom))
        xc = F.pad(xc, (left, right, top, bottom))
        return (F.avg_pool2d(xc, p, s) / F.avg_pool2d(ones, p, s)).permute(0, 2, 3, 1)
    f = F.max_pool2d if kind == "max" else F.avg_pool2d
    return f(xc, p, s).permute(0, 2, 3, 1)


def apply(cls, cfg, w, xs):
    x = xs[0]
    if cls == "Conv2D":
        if cfg.get("data_format", "channels_last") != "channels_last" or cfg.get("groups", 1) != 1:
            raise ValueError("reference: Conv2D needs channels_last, groups 1")
        return act(conv(x, w[0], w[1] if cfg.get("use_bias", True) else None, cfg), cfg.get("activation"))
    if cls == "DepthwiseConv2D":
        kh, kw, c, m = w[0].shape
        y = conv(x, w[0].reshape(kh, kw, 1, c * m), w[1] if cfg.get("use_bias", True) else None, cfg, groups=c)
        return act(y, cfg.get("activation"))
    if cls == "SeparableConv2D":
        kh, kw, c, m = w[0].shape
        y = conv(x, w[0].reshape(kh, kw, 1, c * m), None, cfg, groups=c)
        y = conv(y, w[1], w[2] if cfg.get("use_bias", True) else None, {"kernel_size": 1})
        return act(y, cfg.get("activation"))
    if cls in ("MaxPooling2D", "MaxPool2D"):
        return pool(x, cfg, "max")
    if cls in ("AveragePooling2D", "AvgPool2D"):
        return pool(x, cfg, "avg")
    if cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        y = x.mean(dim=(1, 2), keepdim=cfg.get("keepdims", False)) if "Average" in cls else x.amax(dim=(1, 2), keepdim=cfg.get("keepdims", False))
        return y
    if cls == "Dense":
        y = x @ t(w[0])
        if cfg.get("use_bias", True):
            y = y + t(w[1])
        return act(y, cfg.get("activation"))
    if cls == "Flatten":
        return x.reshape(x.shape[0], -1)
    if cls in ("Dropout", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "RandomFlip", "RandomRotation", "RandomZoom",
               "RandomTranslation", "RandomContrast", "RandomBrightness"):
        return x
    if cls == "Activation":
        return act(x, cfg["activation"])
    if cls == "ReLU":
        if cfg.get("threshold", 0) != 0:
            raise ValueError("reference: ReLU threshold")
        y = torch.where(x >= 0, x, cfg.get("negative_slope", 0.0) * x)
        return y if cfg.get("max_value") is None else torch.clamp(y, max=cfg["max_value"])
    if cls == "LeakyReLU":
        return F.leaky_relu(x, cfg.get("negative_slope", cfg.get("alpha", 0.3)))
    if cls == "BatchNormalization":
        axis = cfg.get("axis", -1)
        axis = axis[0] if isinstance(axis, list) else axis
        if axis not in (-1, x.dim() - 1):
            raise ValueError("reference: BatchNormalization on the last axis only")
        i = 0
        gamma = t(w[i]) if cfg.get("scale", True) else 1.0
        i += 1 if cfg.get("scale", True) else 0
        beta = t(w[i]) if cfg.get("center", True) else 0.0
        i += 1 if cfg.get("center", True) else 0
        return (x - t(w[i])) / torch.sqrt(t(w[i + 1]) + cfg.get("epsilon", 1e-3)) * gamma + beta
    if cls == "Rescaling":
        return x * cfg["scale"] + cfg.get("offset", 0.0)
    if cls == "Reshape":
        return x.reshape(x.shape[0], *cfg["target_shape"])
    if cls == "Add":
        return sum(xs[1:], xs[0])
    if cls == "Concatenate":
        return torch.cat(xs, dim=cfg.get("axis", -1))
    raise ValueError("reference: layer " + cls + " is not implemented")


def run(config, h5, x):
    model_cls = config["class_name"]
    layers = config["config"]["layers"]
    used, paths = {}, {}
    for spec in layers:
        if model_cls == "Sequential" and spec["class_name"] == "InputLayer":
            continue
        key = snake(spec["class_name"])
        if key in used:
            used[key] += 1
            key = f"{key}_{used[key]}"
        else:
            used[key] = 0
        paths[id(spec)] = "layers/" + key

    def weights(spec):
        p = paths.get(id(spec))
        if p is None or p + "/vars" not in h5:
            return []
        g = h5[p + "/vars"]
        return [np.array(g[str(i)]) for i in range(len(g.keys()))]

    if model_cls == "Sequential":
        h = t(x)
        for spec in layers:
            if spec["class_name"] != "InputLayer":
                h = apply(spec["class_name"], spec["config"], weights(spec), [h])
        return [h]
    values = {}
    for spec in layers:
        name = spec.get("name", spec["config"]["name"])
        if spec["class_name"] == "InputLayer":
            values[name] = t(x)
            continue
        if len(spec["inbound_nodes"]) != 1:
            raise ValueError("reference: shared layers are not implemented")
        args = spec["inbound_nodes"][0]["args"]
        flat = args[0] if isinstance(args[0], list) else args
        ins = [values[a["config"]["keras_history"][0]] for a in flat]
        values[name] = apply(spec["class_name"], spec["config"], weights(spec), ins)
    outs = config["config"]["output_layers"]
    outs = [outs] if isinstance(outs[0], str) else outs
    return [values[o[0]] for o in outs]


def input_shape(config):
    first = config["config"]["layers"][0]["config"]
    shape = first.get("batch_shape") or first.get("batch_input_shape") or config.get("build_config", {}).get("input_shape")
    if shape is None or any(d is None for d in shape[1:]):
        raise ValueError("reference: the input shape is not fixed")
    return [2] + list(shape[1:])


def main(argv):
    src, out = argv[0], argv[1]
    source = argv[argv.index("--source") + 1] if "--source" in argv else None
    licence = argv[argv.index("--licence") + 1] if "--licence" in argv else None
    z = zipfile.ZipFile(src)
    config = json.loads(z.read("config.json"))
    meta = json.loads(z.read("metadata.json"))
    h5 = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")
    x = np.random.default_rng(seed=0).standard_normal(input_shape(config)).astype(np.float32)
    outputs = run(config, h5, x)
    os.makedirs(out, exist_ok=True)
    shutil.copyfile(src, os.path.join(out, "model.keras"))
    np.save(os.path.join(out, "input.npy"), x)
    for i, o in enumerate(outputs):
        np.save(os.path.join(out, "output.npy" if i == 0 else f"output_{i}.npy"), o.numpy().astype(np.float32))
    with open(src, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    case = {"source": source, "licence": licence, "model_sha256": digest, "keras_version": meta.get("keras_version"),
            "model_class": config["class_name"], "layers": [l["class_name"] for l in config["config"]["layers"]],
            "input_shape": list(x.shape), "expected_from": "pytorch-reference (fovea-keras/src/test/python/keras3_reference.py)",
            "rtol": 1e-4, "atol": 1e-5}
    with open(os.path.join(out, "case.json"), "w") as fh:
        json.dump(case, fh, indent=1)
    print(out, [tuple(o.shape) for o in outputs])


if __name__ == "__main__":
    main(sys.argv[1:])
