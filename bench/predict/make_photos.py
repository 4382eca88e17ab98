#!/usr/bin/python3
"""Writes N synthetic 1080x1080 RGB JPEG "photos" for the predict benchmark.

    /usr/bin/python3 bench/predict/make_photos.py OUT [N=2000] [SEED=0]

Each image is a smooth random colour field (a few low-frequency waves per channel) plus a few
filled ellipses and mild pixel noise, saved at JPEG quality 90 with 4:2:0 chroma subsampling
(what phone cameras write), so files are photo-sized (about 150-400 KB) and decode like photos.
They are spread over 20 sub-folders to exercise the recursive walk.
"""
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

SIZE = 1080


def photo(rng):
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) / SIZE
    img = np.zeros((SIZE, SIZE, 3), np.float32)
    for c in range(3):
        for _ in range(4):
            fx, fy, ph = rng.uniform(0.5, 6, 2).tolist() + [rng.uniform(0, 6.3)]
            img[:, :, c] += rng.uniform(20, 60) * np.sin(2 * np.pi * (fx * x + fy * y) + ph)
    img += 128
    img += rng.normal(0, 6, img.shape)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(pil)
    for _ in range(rng.integers(3, 8)):
        x0, y0 = rng.integers(0, SIZE - 100, 2)
        w, h = rng.integers(60, 500, 2)
        draw.ellipse([int(x0), int(y0), int(x0 + w), int(y0 + h)], fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    return pil


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = np.random.default_rng(int(sys.argv[3]) if len(sys.argv) > 3 else 0)
    for i in range(n):
        d = os.path.join(out, "roll-%02d" % (i % 20))
        os.makedirs(d, exist_ok=True)
        photo(rng).save(os.path.join(d, "IMG_%05d.jpg" % i), quality=90, subsampling=2)
    print(n, "photos written to", out)


if __name__ == "__main__":
    main()
