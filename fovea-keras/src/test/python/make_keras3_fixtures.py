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
                # A fixed date keeps regenerated archives byte-identical.
                z.writestr(zipfile.ZipInfo(name, date_time=(2026, 12, 4, 21, 30, 0)), files[name], zipfile.ZIP_DEFLATED)
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


# ---- NCHW reference helpers for the channels_first model ----

def conv_nchw(x, kernel, bias, padding, stride=1):
    return conv(x.permute(0, 2, 3, 1), kernel, bias, padding, stride).permute(0, 3, 1, 2)


def conv_transpose_nchw(x, kernel, bias, padding, stride):
    # Keras kernel (kh, kw, out, in) -> torch conv_transpose2d weight (in, out, kh, kw)
    kh = kernel.shape[0]
    y = F.conv_transpose2d(x, t(kernel).permute(3, 2, 0, 1), t(bias), stride=stride)
    if padding == "same":
        total = max(kh - stride, 0)
        before = total // 2
        out = x.shape[2] * stride
        y = y[:, :, before:before + out, before:before + out]
        if y.shape[2] < out:   # kernel smaller than the stride: the output grows to in * stride
            y = F.pad(y, (0, out - y.shape[3], 0, out - y.shape[2]))
    return y


def functional_channels_first():
    x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32)
    ca = weights((3, 3, 3, 4), (4,))
    bn = bn_weights(4)
    tc1 = weights((3, 3, 2, 4), (2,))      # Conv2DTranspose kernels are (kh, kw, filters, in)
    tc2 = weights((2, 2, 3, 6), (3,))
    c1 = weights((1, 1, 3, 3), (3,))
    dense = weights((3 * 7 * 8, 4), (4,), scale=0.2)
    cf = {"data_format": "channels_first"}

    def conv_t_config(filters, k, s, padding, activation):
        return {"filters": filters, "kernel_size": [k, k], "strides": [s, s], "padding": padding, "data_format": "channels_first",
                "dilation_rate": [1, 1], "output_padding": None, "activation": activation, "use_bias": True, "groups": 1,
                "kernel_initializer": initializer("GlorotUniform"), "bias_initializer": initializer("Zeros"),
                "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
                "kernel_constraint": None, "bias_constraint": None}

    def T(name, shape):
        return tensor(name, [None] + shape)

    layers = [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": [None, 3, 8, 8], "dtype": "float32", "sparse": False, "name": "input"}, "registered_name": None,
         "name": "input", "inbound_nodes": []},
        layer("Conv2D", conv_config(4, 3, "same", "relu", data_format="channels_first"), [None, 3, 8, 8], "conv_a", [node(T("input", [3, 8, 8]))]),
        layer("BatchNormalization", {"axis": 1, "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True}, [None, 4, 8, 8], "bn",
              [node(T("conv_a", [4, 8, 8]))]),
        layer("Conv2DTranspose", conv_t_config(2, 3, 2, "same", "linear"), [None, 4, 8, 8], "up_conv", [node(T("bn", [4, 8, 8]))]),
        layer("UpSampling2D", {"size": [2, 2], "interpolation": "nearest", **cf}, [None, 4, 8, 8], "up", [node(T("bn", [4, 8, 8]))]),
        layer("Concatenate", {"axis": 1}, [[None, 2, 16, 16], [None, 4, 16, 16]], "concat",
              [node(T("up_conv", [2, 16, 16]), T("up", [4, 16, 16]))]),
        layer("Cropping2D", {"cropping": [[1, 2], [0, 1]], **cf}, [None, 6, 16, 16], "crop", [node(T("concat", [6, 16, 16]))]),
        layer("MaxPooling2D", {"pool_size": [2, 2], "padding": "valid", "strides": [2, 2], **cf}, [None, 6, 13, 15], "pool",
              [node(T("crop", [6, 13, 15]))]),
        layer("Conv2DTranspose", conv_t_config(3, 2, 1, "valid", "hard_sigmoid"), [None, 6, 6, 7], "widen", [node(T("pool", [6, 6, 7]))]),
        layer("Conv2D", conv_config(3, 1, "valid", "softplus", data_format="channels_first"), [None, 3, 7, 8], "point",
              [node(T("widen", [3, 7, 8]))]),
        layer("Average", {}, [[None, 3, 7, 8]] * 2, "average", [node(T("widen", [3, 7, 8]), T("point", [3, 7, 8]))]),
        layer("Maximum", {}, [[None, 3, 7, 8]] * 2, "maximum", [node(T("widen", [3, 7, 8]), T("point", [3, 7, 8]))]),
        layer("Subtract", {}, [[None, 3, 7, 8]] * 2, "subtract", [node(T("average", [3, 7, 8]), T("maximum", [3, 7, 8]))]),
        layer("Multiply", {}, [[None, 3, 7, 8]] * 2, "multiply", [node(T("subtract", [3, 7, 8]), T("widen", [3, 7, 8]))]),
        layer("GlobalAveragePooling2D", {"keepdims": False, **cf}, [None, 3, 7, 8], "gap", [node(T("multiply", [3, 7, 8]))]),
        layer("Flatten", cf, [None, 3, 7, 8], "flatten", [node(T("multiply", [3, 7, 8]))]),
        layer("Dense", {"units": 4, "activation": "softsign", "use_bias": True}, [None, 168], "head", [node(T("flatten", [168]))]),
    ]
    config = {"module": "keras", "class_name": "Functional",
              "config": {"name": "channels_first", "trainable": True, "layers": layers,
                         "input_layers": [["input", 0, 0]], "output_layers": [["head", 0, 0], ["gap", 0, 0]]},
              "registered_name": "Functional", "build_config": {"input_shape": [None, 3, 8, 8]}}
    layer_vars = [("input_layer", []), ("conv2d", ca), ("batch_normalization", bn), ("conv2d_transpose", tc1), ("up_sampling2d", []),
                  ("concatenate", []), ("cropping2d", []), ("max_pooling2d", []), ("conv2d_transpose_1", tc2), ("conv2d_1", c1),
                  ("average", []), ("maximum", []), ("subtract", []), ("multiply", []), ("global_average_pooling2d", []),
                  ("flatten", []), ("dense", dense)]
    h = t(x)
    a = torch.relu(conv_nchw(h, *ca, "same"))
    g, b_, m, v = (t(q)[None, :, None, None] for q in bn)
    b = (a - m) / torch.sqrt(v + 1e-3) * g + b_
    uc = conv_transpose_nchw(b, *tc1, "same", 2)
    up = b.repeat_interleave(2, dim=2).repeat_interleave(2, dim=3)
    cat = torch.cat([uc, up], dim=1)
    crop = cat[:, :, 1:16 - 2, 0:16 - 1]
    pool = F.max_pool2d(crop, 2)
    wid = torch.clamp(conv_transpose_nchw(pool, *tc2, "valid", 1) / 6 + 0.5, 0, 1)   # Keras 3 hard_sigmoid
    pt = F.softplus(conv_nchw(wid, *c1, "valid"))
    avg = (wid + pt) / 2
    mx = torch.maximum(wid, pt)
    mul = (avg - mx) * wid
    gap = mul.mean(dim=(2, 3))
    flat = mul.permute(0, 2, 3, 1).reshape(2, -1)   # Keras's channels_first Flatten moves the channels last first
    z = flat @ t(dense[0]) + t(dense[1])
    head = z / (1 + z.abs())
    write_model(os.path.join(OUT, "functional_channels_first"), config, layer_vars, x, [head.numpy(), gap.numpy()], True,
                "Functional, channels_first throughout: Conv2D, BatchNormalization(axis=1), Conv2DTranspose (strided same, and valid "
                "with hard_sigmoid), UpSampling2D, Concatenate(axis=1), Cropping2D, MaxPooling2D, 1x1 Conv2D with softplus, Average, "
                "Maximum, Subtract, Multiply, GlobalAveragePooling2D and Flatten (two outputs), Dense with softsign")


def sequence_conv1d():
    x = rng.standard_normal((2, 12, 3)).astype(np.float32)
    c1 = weights((3, 3, 4), (4,))
    c2 = weights((2, 4, 5), (5,))
    dense = weights((5, 2), (2,))

    def c1d(filters, k, padding, activation, strides=1, dilation=1):
        return {"filters": filters, "kernel_size": [k], "strides": [strides], "padding": padding, "data_format": "channels_last",
                "dilation_rate": [dilation], "groups": 1, "activation": activation, "use_bias": True}

    layers = [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": [None, 12, 3], "dtype": "float32", "sparse": False, "name": "input_layer"}, "registered_name": None},
        layer("Conv1D", c1d(4, 3, "causal", "relu", dilation=2), [None, 12, 3], "conv1d"),
        layer("MaxPooling1D", {"pool_size": [2], "strides": [2], "padding": "valid", "data_format": "channels_last"}, [None, 12, 4], "max_pooling1d"),
        layer("Conv1D", c1d(5, 2, "same", "tanh", strides=2), [None, 6, 4], "conv1d_1"),
        layer("GlobalMaxPooling1D", {"data_format": "channels_last", "keepdims": False}, [None, 3, 5], "global_max_pooling1d"),
        layer("Dense", {"units": 2, "activation": "selu", "use_bias": True}, [None, 5], "dense"),
    ]
    config = {"module": "keras", "class_name": "Sequential",
              "config": {"name": "sequence", "trainable": True, "dtype": dtype_policy(), "layers": layers},
              "registered_name": None, "build_config": {"input_shape": [None, 12, 3]}}
    layer_vars = [("conv1d", c1), ("max_pooling1d", []), ("conv1d_1", c2), ("global_max_pooling1d", []), ("dense", dense)]
    h = t(x).permute(0, 2, 1)                                    # (N, C, L)
    h = F.pad(h, (4, 0))                                         # causal: (k - 1) * dilation before
    h = torch.relu(F.conv1d(h, t(c1[0]).permute(2, 1, 0), t(c1[1]), dilation=2))
    h = F.max_pool1d(h, 2)
    left, right = same_pad(h.shape[2], 2, 2)
    h = torch.tanh(F.conv1d(F.pad(h, (left, right)), t(c2[0]).permute(2, 1, 0), t(c2[1]), stride=2))
    h = h.amax(dim=2)
    h = F.selu(h @ t(dense[0]) + t(dense[1]))
    write_model(os.path.join(OUT, "sequence_conv1d"), config, layer_vars, x, [h.numpy()], True,
                "Sequential over sequences: Conv1D causal with dilation 2, MaxPooling1D, Conv1D same with stride 2 and tanh, "
                "GlobalMaxPooling1D, Dense with selu")


def nested_block():
    """A MobileNet-like block as a Functional model nested in a Sequential: Keras 3 (.keras) and Keras 2 (HDF5)."""
    x = rng.standard_normal((2, 10, 10, 3)).astype(np.float32) * 60 + 120
    stem = weights((3, 3, 3, 8))
    bn1, bn2, bn3 = bn_weights(8), bn_weights(8), bn_weights(8)
    dw = weights((3, 3, 8, 1))
    point = weights((1, 1, 8, 8))
    dense = weights((8, 3), (3,))
    s10, s5 = [None, 10, 10, 3], [None, 5, 5, 8]

    def bn_layer(name, src, keras2):
        return block_layer("BatchNormalization", {"axis": -1, "momentum": 0.99, "epsilon": 0.001, "center": True, "scale": True},
                           name, src, s5, keras2)

    def block_layer(cls, config, name, src, shape, keras2):
        if keras2:
            ins = [[s, 0, 0, {}] for s in src]
            c = dict(config)
            c["name"] = name
            return {"class_name": cls, "config": c, "name": name, "inbound_nodes": [ins]}
        return layer(cls, config, shape, name, [node(*[tensor(s, shape) for s in src])])

    def inner(keras2):
        nobias = {"use_bias": False}
        conv_stem = dict(conv_config(8, 3, "same", "linear", strides=2), **nobias)
        conv_point = dict(conv_config(8, 1, "valid", "linear"), **nobias)
        dwc = {"kernel_size": [3, 3], "strides": [1, 1], "padding": "same", "depth_multiplier": 1, "data_format": "channels_last",
               "dilation_rate": [1, 1], "activation": "linear", "use_bias": False}
        relu6 = {"max_value": 6.0, "negative_slope": 0.0, "threshold": 0.0}
        if keras2:
            inp = {"class_name": "InputLayer", "config": {"batch_input_shape": s10, "dtype": "float32", "sparse": False, "name": "image"},
                   "name": "image", "inbound_nodes": []}
        else:
            inp = {"module": "keras.layers", "class_name": "InputLayer",
                   "config": {"batch_shape": s10, "dtype": "float32", "sparse": False, "name": "image"}, "registered_name": None,
                   "name": "image", "inbound_nodes": []}
        layers = [inp,
                  block_layer("Conv2D", conv_stem, "stem", ["image"], s10, keras2),
                  bn_layer("stem_bn", ["stem"], keras2),
                  block_layer("ReLU", relu6, "stem_relu", ["stem_bn"], s5, keras2),
                  block_layer("DepthwiseConv2D", dwc, "dw", ["stem_relu"], s5, keras2),
                  bn_layer("dw_bn", ["dw"], keras2),
                  block_layer("ReLU", relu6, "dw_relu", ["dw_bn"], s5, keras2),
                  block_layer("Conv2D", conv_point, "project", ["dw_relu"], s5, keras2),
                  bn_layer("project_bn", ["project"], keras2),
                  block_layer("Add", {}, "residual", ["stem_relu", "project_bn"], s5, keras2)]
        return {"name": "block", "trainable": True, "layers": layers, "input_layers": [["image", 0, 0]], "output_layers": [["residual", 0, 0]]}

    # The reference.
    h = t(x) / 127.5 - 1
    a = conv(h, stem[0], None, "same", stride=2)
    a = torch.clamp(batch_norm(a, bn1, 1e-3), 0, 6)
    b = torch.clamp(batch_norm(depthwise(a, dw[0], None, "same"), bn2, 1e-3), 0, 6)
    c = batch_norm(conv(b, point[0], None, "valid"), bn3, 1e-3)
    pooled = (a + c).mean(dim=(1, 2))
    out = torch.softmax(pooled @ t(dense[0]) + t(dense[1]), dim=-1).numpy()
    note = ("Sequential holding a Functional block (Conv2D stride 2 without bias, BatchNormalization, ReLU(max_value=6), "
            "DepthwiseConv2D, 1x1 Conv2D, residual Add) as one layer, then Rescaling before it and GlobalAveragePooling2D, "
            "Dropout, Dense softmax after: the shape of a transfer-learning model")

    # Keras 3: the nested model's variables under layers/functional/layers/<key>/vars.
    outer3 = [
        {"module": "keras.layers", "class_name": "InputLayer",
         "config": {"batch_shape": s10, "dtype": "float32", "sparse": False, "name": "input_layer"}, "registered_name": None},
        layer("Rescaling", {"scale": 1 / 127.5, "offset": -1.0}, s10, "rescaling"),
        {"module": "keras", "class_name": "Functional", "config": inner(False), "registered_name": "Functional",
         "build_config": {"input_shape": s10}},
        layer("GlobalAveragePooling2D", {"data_format": "channels_last", "keepdims": False}, s5, "global_average_pooling2d"),
        layer("Dropout", {"rate": 0.2, "seed": None, "noise_shape": None}, [None, 8], "dropout"),
        layer("Dense", {"units": 3, "activation": "softmax", "use_bias": True}, [None, 8], "dense"),
    ]
    config3 = {"module": "keras", "class_name": "Sequential",
               "config": {"name": "transfer", "trainable": True, "dtype": dtype_policy(), "layers": outer3},
               "registered_name": None, "build_config": {"input_shape": s10}}
    block_vars = [("input_layer", []), ("conv2d", stem), ("batch_normalization", bn1), ("re_lu", []), ("depthwise_conv2d", dw),
                  ("batch_normalization_1", bn2), ("re_lu_1", []), ("conv2d_1", point), ("batch_normalization_2", bn3), ("add", [])]
    layer_vars = [("rescaling", []), ("functional", [])] + [("functional/layers/" + k, v) for k, v in block_vars] + [
        ("global_average_pooling2d", []), ("dropout", []), ("dense", dense)]
    write_model(os.path.join(OUT, "nested_block"), config3, layer_vars, x, [out], True, note)

    # Keras 2 HDF5: the nested model's weights all in its own group, trainable ones first (Keras 2's model.weights order).
    folder = os.path.join(OUT, "..", "keras2-generated", "nested_block")
    os.makedirs(folder, exist_ok=True)
    outer2 = [
        {"class_name": "InputLayer", "config": {"batch_input_shape": s10, "dtype": "float32", "sparse": False, "name": "input_1"}},
        {"class_name": "Rescaling", "config": {"name": "rescaling", "trainable": True, "dtype": "float32", "scale": 1 / 127.5, "offset": -1.0}},
        {"class_name": "Functional", "config": inner(True)},
        {"class_name": "GlobalAveragePooling2D", "config": {"name": "gap", "trainable": True, "dtype": "float32", "data_format": "channels_last",
                                                            "keepdims": False}},
        {"class_name": "Dropout", "config": {"name": "dropout", "trainable": True, "dtype": "float32", "rate": 0.2, "noise_shape": None, "seed": None}},
        {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 3, "activation": "softmax",
                                           "use_bias": True}},
    ]
    config2 = {"class_name": "Sequential", "config": {"name": "transfer", "layers": outer2}}
    trainable = [("stem/kernel:0", stem[0]), ("stem_bn/gamma:0", bn1[0]), ("stem_bn/beta:0", bn1[1]), ("dw/depthwise_kernel:0", dw[0]),
                 ("dw_bn/gamma:0", bn2[0]), ("dw_bn/beta:0", bn2[1]), ("project/kernel:0", point[0]),
                 ("project_bn/gamma:0", bn3[0]), ("project_bn/beta:0", bn3[1])]
    fixed = [("stem_bn/moving_mean:0", bn1[2]), ("stem_bn/moving_variance:0", bn1[3]), ("dw_bn/moving_mean:0", bn2[2]),
             ("dw_bn/moving_variance:0", bn2[3]), ("project_bn/moving_mean:0", bn3[2]), ("project_bn/moving_variance:0", bn3[3])]
    path = os.path.join(folder, "model.h5")
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config2)
        mw = f.create_group("model_weights")
        groups = [("rescaling", []), ("block", trainable + fixed), ("gap", []), ("dropout", []),
                  ("dense", [("dense/kernel:0", dense[0]), ("dense/bias:0", dense[1])])]
        mw.attrs["layer_names"] = np.array([n.encode() for n, _ in groups])
        for name, ws in groups:
            g = mw.create_group(name)
            g.attrs["weight_names"] = np.array([w.encode() for w, _ in ws])
            for wname, value in ws:
                g.create_dataset(wname, data=value)
    np.save(os.path.join(folder, "input.npy"), x)
    np.save(os.path.join(folder, "output.npy"), out.astype(np.float32))
    with open(os.path.join(folder, "case.json"), "w") as fh:
        json.dump({"expected_from": "pytorch-reference", "generator": "fovea-keras/src/test/python/make_keras3_fixtures.py",
                   "made_without_keras": True, "rtol": 1e-4, "atol": 1e-5, "note": note + " (Keras 2 HDF5 layout)"}, fh, indent=1)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    sequential_cnn()
    functional_residual()
    functional_channels_first()
    sequence_conv1d()
    nested_block()
    print("wrote", os.path.abspath(OUT))
