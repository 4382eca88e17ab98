#!/usr/bin/python3
"""Writes the 10,000 Fashion-MNIST test images as PNG files for the predict benchmark.

    /usr/bin/python3 bench/predict/make_fashion_pngs.py OUT [IDX_DIR]

OUT/test/<d>-<name>/<nnnnn>.png holds test image nnnnn (its index in t10k) under its class d;
OUT/train/<d>-<name>/ holds the first training image of each class, so that `fovea evaluate
--data OUT` (which reads a train/test tree and evaluates on its test part) sees the same 10,000
images `fovea predict OUT/test` does. Folder names sort in class-index order.
IDX_DIR defaults to /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist).
"""
import gzip
import os
import sys

import numpy as np
from PIL import Image

NAMES = ["T-shirt_top", "Trouser", "Pullover", "Dress", "Coat",
         "Sandal", "Shirt", "Sneaker", "Bag", "Ankle_boot"]


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    out = sys.argv[1]
    src = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    for part, prefix, only_first in (("test", "t10k", False), ("train", "train", True)):
        images = idx(os.path.join(src, prefix + "-images-idx3-ubyte.gz"))
        labels = idx(os.path.join(src, prefix + "-labels-idx1-ubyte.gz"))
        seen = set()
        for i, (img, y) in enumerate(zip(images, labels)):
            if only_first and y in seen:
                continue
            seen.add(y)
            d = os.path.join(out, part, "%d-%s" % (y, NAMES[y]))
            os.makedirs(d, exist_ok=True)
            Image.fromarray(img, mode="L").save(os.path.join(d, "%05d.png" % i))
        print(part, len(images) if not only_first else len(seen), "images written")


if __name__ == "__main__":
    main()
