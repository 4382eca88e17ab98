#!/usr/bin/python3
"""Builds the class-balanced Fashion-MNIST subset embedded in fovea-data.

The subset is what `fovea` trains on when no full dataset is installed, so it must fit in the jar
(at most 5 MB for the four files together) and be reproducible byte for byte: the selection uses
numpy's legacy RandomState (whose stream numpy promises never to change), and the gzip members
carry no file name and mtime 0, so re-running this script rewrites identical files.

Training items come only from the official training split and test items only from the official
test split, so accuracy on the embedded test subset is an honest held-out estimate.

Usage: make_fashion_mnist_subset.py [--source DIR] [--out DIR] [--train-per-class N]
                                    [--test-per-class N] [--seed S]
"""
import argparse
import gzip
import hashlib
import io
import os
import sys

import numpy as np

NAMES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
CLASSES = 10
SIZE_LIMIT = 5_000_000  # bytes, all four files together


def read_idx(path, expected_rank):
    """Reads one gzipped unsigned-byte IDX file, checking the header against the data length."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08 or raw[3] != expected_rank:
        sys.exit(f"{path}: unexpected IDX header {raw[:4].hex()}")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(expected_rank)]
    offset = 4 + 4 * expected_rank
    data = np.frombuffer(raw, dtype=np.uint8, offset=offset)
    if data.size != int(np.prod(dims)):
        sys.exit(f"{path}: header declares {dims} but holds {data.size} values")
    return data.reshape(dims)


def idx_bytes(array):
    """Serialises an unsigned-byte array as IDX: 00 00 08 rank, big-endian dims, raw values."""
    header = bytes([0, 0, 0x08, array.ndim])
    header += b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    return header + array.astype(np.uint8).tobytes()


def write_gzip(path, payload):
    buf = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header free of anything that varies between runs.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as g:
        g.write(payload)
    with open(path, "wb") as f:
        f.write(buf.getvalue())
    return buf.getvalue()


def select(labels, per_class, rng):
    """Picks per_class random indices of each class, then restores file order.

    Keeping the original order (which Zalando already shuffled) interleaves the classes, so a
    reader taking the first k items still sees every class.
    """
    chosen = []
    for c in range(CLASSES):
        members = np.flatnonzero(labels == c)
        if members.size < per_class:
            sys.exit(f"class {c} has only {members.size} items, {per_class} requested")
        chosen.append(rng.permutation(members)[:per_class])
    return np.sort(np.concatenate(chosen))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out", default=os.path.join(
        here, "..", "src", "main", "resources", "dev", "fovea", "data", "fashion-mnist-subset"))
    p.add_argument("--train-per-class", type=int, default=900)
    p.add_argument("--test-per-class", type=int, default=200)
    p.add_argument("--seed", type=int, default=20240601)
    args = p.parse_args()

    rng = np.random.RandomState(args.seed)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for split, per_class in (("train", args.train_per_class), ("test", args.test_per_class)):
        image_name, label_name = NAMES[split]
        images = read_idx(os.path.join(args.source, image_name + ".gz"), 3)   # (N, 28, 28)
        labels = read_idx(os.path.join(args.source, label_name + ".gz"), 1)   # (N,)
        idx = select(labels, per_class, rng)
        for name, array in ((image_name, images[idx]), (label_name, labels[idx])):
            path = os.path.join(args.out, name + ".gz")
            data = write_gzip(path, idx_bytes(array))
            total += len(data)
            print(f"{name}.gz  shape={array.shape}  bytes={len(data)}  "
                  f"sha256={hashlib.sha256(data).hexdigest()}")
        print(f"{split}: {len(idx)} items, per class {np.bincount(labels[idx], minlength=CLASSES).tolist()}")
    print(f"total: {total} bytes")
    if total > SIZE_LIMIT:
        sys.exit(f"subset is {total} bytes, above the {SIZE_LIMIT}-byte limit: lower the per-class counts")


if __name__ == "__main__":
    main()
