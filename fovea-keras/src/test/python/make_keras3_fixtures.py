#!/usr/bin/python3
"""Writes the Keras 3 test fixtures of fovea-keras WITHOUT Keras or TensorFlow (neither is
available here): the files follow the documented Keras 3 `.keras` layout (config.json with the
Keras 3 serialization schema, metadata.json, model.weights.h5 with `layers/<snake_case class>/vars/<i>`),
written with h5py and numpy; the expected outputs come from an independent re-implementation
of each layer in PyTorch (float64, TensorFlow's 'same' padding), not from Keras.

Run from the repository root:  /usr/bin/python3 fovea-keras/src/test/python/make_keras3_fixtures.py
Needs Debian's python3-h5py, python3-numpy and python3-torch. CI does not run it: its output is committed.
"""
import json
import os
import shutil
import zipfile

import h5py
import numpy as np
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "keras3")
KERAS_VERSION = "3.6.0"   # the schema written below is that of Keras 3.x; no Keras produced these files
rng = np.random.default_rng(seed=7)


def dtype_policy():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def initializer(name):
    return {"module": "keras.initializers", "class_name": name, "config": {"seed": None}, "registered_name": None}


def layer(cls, config, input_shape=None, name=None, inbound=None):
    config = dict(config)
    config.setdefault("name", name)
    config.setdefault("trainable", True)
    config.setdefault("dtype", dtype_policy())
    out = {"module": "keras.layers", "class_name": cls, "config": config, "registered_name": None}
    if input_shape is not None:
        out["build_config"] = {"input_shape": input_shape}
    if inbound is not None:
        out["name"] = config["name"]
        out["inbound_nodes"] = inbound
    return out


def conv_config(filters, k, padding, activation, strides=1, **extra):
    c = {"filters": filters, "kernel_size": [k, k], "strides": [strides, strides], "padding": padding,
         "data_format": "channels_last", "dilation_rate": [1, 1], "groups": 1, "activation": activation, "use_bias": True,
         "kernel_initializer": initializer("GlorotUniform"), "bias_initializer": initializer("Zeros"),
         "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
         "kernel_constraint": None, "bias_constraint": None}
    c.update(extra)
    return c


def tensor(layer_name, shape):
    return {"class_name": "__keras_tensor__", "config": {"shape": shape, "dtype": "float32", "keras_history": [layer_name, 0, 0]}}


def node(*tensors):
    args = [tensors[0]] if len(tensors) == 1 else [list(tensors)]
    return {"args": args, "kwargs": {}}


def weights(*shapes, scale=0.5):
    return [(rng.standard_normal(s) * scale).astype(np.float32) for s in shapes]


def bn_weights(c):
    gamma = (1 + 0.3 * rng.standard_normal(c)).astype(np.float32)
    beta = (0.2 * rng.standard_normal(c)).astype(np.float32)
    mean = (0.3 * rng.standard_normal(c)).astype(np.float32)
    var = (0.5 + rng.random(c)).astype(np.float32)
    return [gamma, beta, mean, var]


def write_model(folder, config, layer_vars, x, outputs, zipped, note):
    """layer_vars: (snake-case key, [arrays]) in the model's layer order."""
    os.makedirs(folder, exist_ok=True)
    files = {}
    files["config.json"] = json.dumps(config).encode()
    files["metadata.json"] = json.dumps({"keras_version": KERAS_VERSION, "date_saved": "2026-12-04@21:30:00"}).encode()
    h5path = os.path.join(folder, "weights.tmp.h5")
    with h5py.File(h5path, "w") as f:
        f.create_group("vars")
        top = f.create_group("layers")
        for key, arrays in layer_vars:
            g = top.create_group(key).create_group("vars")
            for i, a in enumerate(arrays):
                g.create_dataset(str(i), data=a)
    with open(h5path, "rb") as fh:
        files["model.weights.h5"] = fh.read()
    os.remove(h5path)
    if zipped:
        with zipfile.ZipFile(os.path.join(folder, "model.keras"), "w", zipfile.ZIP_DEFLATED) as z:
            for name in ("metadata.json", "config.json", "model.weights.h5"):
                z.writestr(name, files[name])
    else:
        d = os.path.join(folder, "model")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as fh:
                fh.write(data)
    np.save(os.path.join(folder, "input.npy"), x.astype(np.float32))
    for i, o in enumerate(outputs):
        np.save(os.path.join(folder, "output.npy" if i == 0 else f"output_{i}.npy"), o.astype(np.float32))
    with open(os.path.join(folder, "case.json"), "w") as fh:
        json.dump({"expected_from": "pytorch-reference", "generator": "fovea-keras/src/test/python/make_keras3_fixtures.py",
                   "made_without_keras": True, "rtol": 1e-4, "atol": 1e-5, "note": note}, fh, indent=1)


# ---- an independent reference, NHWC in and out, float64 ----

def t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


def same_pad(size, k, s):
    out = -(-size // s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def conv(x, kernel, bias, padding, stride=1, groups=1):
    # x NHWC; kernel (kh, kw, in/groups, out) -> torch (out, in/groups, kh, kw)
    xc = x.permute(0, 3, 1, 2)
    kh, kw = kernel.shape[0], kernel.shape[1]
    if padding == "same":
        top, bottom = same_pad(xc.shape[2], kh, stride)
        left, right = same_pad(xc.shape[3], kw, stride)
        xc = F.pad(xc, (left, right, top, bottom))
    w = t(kernel).permute(3, 2, 0, 1)
    y = F.conv2d(xc, w, t(bias) if bias is not None else None, stride=stride, groups=groups)
    return y.permute(0, 2, 3, 1)


def depthwise(x, kernel, bias, padding):
    kh, kw, c, m = kernel.shape
    return conv(x, kernel.reshape(kh, kw, 1, c * m), bias, padding, groups=c)


def batch_norm(x, w, eps):
    gamma, beta, mean, var = (t(a) for a in w)
    return (x - mean) / torch.sqrt(var + eps) * gamma + beta


def max_pool(x, k):
    return F.max_pool2d(x.permute(0, 3, 1, 2), k).permute(0, 2, 3, 1)


def sequential_cnn():
    x = rng.standard_normal((2, 12, 12, 3)).astype(np.float32)
    conv1 = weights((3, 3, 3, 4), (4,))
    bn = bn_weights(4)
    dw = weights((3, 3, 4, 2), (8,))
    conv2 = weights((1, 1, 8, 6), (6,))
    dense = weights((6, 5), (5,))
    cfg_layers = [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": [None, 12, 12, 3], "dtype": "float32", "sparse": False, "name": "input_layer"}, "registered_name": None},
        layer("Rescaling", {"scale": 0.5, "offset": 0.25}, [None, 12, 12, 3], "rescaling"),
        layer("Conv2D", conv_config(4, 3, "same", "relu"), [None, 12, 12, 3], "conv2d"),
        layer("BatchNormalization", {"axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True,
                                     "beta_initializer": initializer("Zeros"), "gamma_initializer": initializer("Ones"),
                                     "moving_mean_initializer": initializer("Zeros"), "moving_variance_initializer": initializer("Ones"),
                                     "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None, "gamma_constraint": None,
                                     "synchronized": False}, [None, 12, 12, 4], "batch_normalization"),
        layer("MaxPooling2D", {"pool_size": [2, 2], "padding": "valid", "strides": [2, 2], "data_format": "channels_last"},
              [None, 12, 12, 4], "max_pooling2d"),
        layer("DepthwiseConv2D", {"kernel_size": [3, 3], "strides": [1, 1], "padding": "valid", "depth_multiplier": 2,
                                  "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear", "use_bias": True,
                                  "depthwise_initializer": initializer("GlorotUniform"), "bias_initializer": initializer("Zeros"),
                                  "depthwise_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
                                  "depthwise_constraint": None, "bias_constraint": None}, [None, 6, 6, 4], "depthwise_conv2d"),
        layer("Conv2D", conv_config(6, 1, "valid", "silu"), [None, 4, 4, 8], "conv2d_1"),
        layer("GlobalAveragePooling2D", {"data_format": "channels_last", "keepdims": False}, [None, 4, 4, 6], "global_average_pooling2d"),
        layer("Dropout", {"rate": 0.3, "seed": None, "noise_shape": None}, [None, 6], "dropout"),
        layer("Dense", {"units": 5, "activation": "softmax", "use_bias": True, "kernel_initializer": initializer("GlorotUniform"),
                        "bias_initializer": initializer("Zeros"), "kernel_regularizer": None, "bias_regularizer": None,
                        "kernel_constraint": None, "bias_constraint": None}, [None, 6], "dense"),
    ]
    config = {"module": "keras", "class_name": "Sequential",
              "config": {"name": "sequential", "trainable": True, "dtype": dtype_policy(), "layers": cfg_layers},
              "registered_name": None, "build_config": {"input_shape": [None, 12, 12, 3]}}
    # Weights keyed by snake-case class name, numbered in layer order (InputLayer is not among Sequential.layers).
    layer_vars = [("rescaling", []), ("conv2d", conv1), ("batch_normalization", bn), ("max_pooling2d", []),
                  ("depthwise_conv2d", dw), ("conv2d_1", conv2), ("global_average_pooling2d", []), ("dropout", []), ("dense", dense)]
    h = t(x) * 0.5 + 0.25
    h = torch.relu(conv(h, *conv1, "same"))
    h = batch_norm(h, bn, 1e-3)
    h = max_pool(h, 2)
    h = depthwise(h, *dw, "valid")
    h = conv(h, *conv2, "valid")
    h = h * torch.sigmoid(h)
    h = h.mean(dim=(1, 2))
    h = torch.softmax(h @ t(dense[0]) + t(dense[1]), dim=-1)
    write_model(os.path.join(OUT, "sequential_cnn"), config, layer_vars, x, [h.numpy()], True,
                "Sequential CNN: Rescaling, Conv2D same+relu, BatchNormalization, MaxPooling2D, DepthwiseConv2D x2, 1x1 Conv2D with silu, "
                "GlobalAveragePooling2D, Dropout, Dense softmax; a zipped .keras file")


def functional_residual():
    x = rng.standard_normal((2, 9, 9, 2)).astype(np.float32)
    ca = weights((3, 3, 2, 4), (4,))
    cb = weights((3, 3, 4, 4), (4,))
    cc = weights((2, 2, 4, 3), (3,))
    dense = weights((5 * 5 * 7, 3), (3,), scale=0.2)
    shape_in = [None, 9, 9, 2]
    layers = [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": shape_in, "dtype": "float32", "sparse": False, "name": "image"}, "registered_name": None,
         "name": "image", "inbound_nodes": []},
        layer("Conv2D", conv_config(4, 3, "same", "linear"), shape_in, "conv_a", [node(tensor("image", shape_in))]),
        layer("LeakyReLU", {"negative_slope": 0.1}, [None, 9, 9, 4], "leaky", [node(tensor("conv_a", [None, 9, 9, 4]))]),
        layer("Conv2D", conv_config(4, 3, "same", "tanh"), [None, 9, 9, 4], "conv_b", [node(tensor("leaky", [None, 9, 9, 4]))]),
        layer("Add", {}, [[None, 9, 9, 4], [None, 9, 9, 4]], "add",
              [node(tensor("leaky", [None, 9, 9, 4]), tensor("conv_b", [None, 9, 9, 4]))]),
        layer("Conv2D", conv_config(3, 2, "same", "relu", strides=2), [None, 9, 9, 4], "conv_c", [node(tensor("add", [None, 9, 9, 4]))]),
        layer("MaxPooling2D", {"pool_size": [2, 2], "padding": "same", "strides": [2, 2], "data_format": "channels_last"},
              [None, 9, 9, 4], "pool", [node(tensor("add", [None, 9, 9, 4]))]),
        layer("Concatenate", {"axis": -1}, [[None, 5, 5, 4], [None, 5, 5, 3]], "concat",
              [node(tensor("pool", [None, 5, 5, 4]), tensor("conv_c", [None, 5, 5, 3]))]),
        layer("Flatten", {"data_format": "channels_last"}, [None, 5, 5, 7], "flatten", [node(tensor("concat", [None, 5, 5, 7]))]),
        layer("Dense", {"units": 3, "activation": "linear", "use_bias": True, "kernel_initializer": initializer("GlorotUniform"),
                        "bias_initializer": initializer("Zeros"), "kernel_regularizer": None, "bias_regularizer": None,
                        "kernel_constraint": None, "bias_constraint": None}, [None, 175], "logits",
              [node(tensor("flatten", [None, 175]))]),
    ]
    config = {"module": "keras", "class_name": "Functional",
              "config": {"name": "residual", "trainable": True, "layers": layers,
                         "input_layers": ["image", 0, 0], "output_layers": ["logits", 0, 0]},
              "registered_name": "Functional", "build_config": {"input_shape": None}}
    # Functional.layers includes the InputLayer; keys are per class, so conv_a/conv_b/conv_c are conv2d, conv2d_1, conv2d_2.
    layer_vars = [("input_layer", []), ("conv2d", ca), ("leaky_re_lu", []), ("conv2d_1", cb), ("add", []), ("conv2d_2", cc),
                  ("max_pooling2d", []), ("concatenate", []), ("flatten", []), ("dense", dense)]
    a = conv(t(x), *ca, "same")
    a = torch.where(a > 0, a, 0.1 * a)
    b = torch.tanh(conv(a, *cb, "same"))
    s = a + b
    c = torch.relu(conv(s, *cc, "same", stride=2))
    sp = F.pad(s.permute(0, 3, 1, 2), (0, 1, 0, 1), value=-float("inf"))   # 'same' pooling pads with nothing that can win
    p = F.max_pool2d(sp, 2).permute(0, 2, 3, 1)
    h = torch.cat([p, c], dim=-1).reshape(2, -1)
    out = h @ t(dense[0]) + t(dense[1])
    write_model(os.path.join(OUT, "functional_residual"), config, layer_vars, x, [out.numpy()], False,
                "Functional: Conv2D, LeakyReLU(negative_slope), residual Add, strided same Conv2D, same MaxPooling2D, Concatenate, "
                "Flatten, Dense; the unzipped folder form (model/config.json, model/model.weights.h5)")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    sequential_cnn()
    functional_residual()
    print("wrote", os.path.abspath(OUT))
