#!/usr/bin/env python3
"""Writes the colour-map tables fovea-viz reads, from matplotlib's own (Debian: python3-matplotlib).

viridis and inferno are by Stefan van der Walt and Nathaniel Smith (matplotlib 1.5, CC0): perceptually
uniform and readable in grayscale and by colour-blind viewers. Each table is 256 lines "R G B" in 0..255.
Run from the repository root:  /usr/bin/python3 fovea-viz/scripts/make_colormaps.py
"""
import os
from matplotlib import colormaps

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "main", "resources", "dev", "fovea", "viz")

for name in ("viridis", "inferno"):
    cmap = colormaps[name]
    with open(os.path.join(OUT, name + ".txt"), "w") as f:
        f.write("# matplotlib %s, 256 entries, R G B in 0..255 (made by fovea-viz/scripts/make_colormaps.py)\n" % name)
        for i in range(256):
            r, g, b, _ = cmap(i / 255.0)
            f.write("%d %d %d\n" % (round(r * 255), round(g * 255), round(b * 255)))
