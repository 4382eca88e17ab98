#!/usr/bin/python3
"""Checks a `fovea predict --output r.csv` table against today's `fovea predict --json` output for the
same files, and computes the accuracy the CSV implies, the true class being the folder's leading
number (fmnist/test/<d>-<name>/...).

    compare_predictions.py r.csv old.json [DIR_OF_SINGLE_FILE_JSONS]
"""
import csv
import glob
import json
import os
import sys

import numpy as np

def f32(x):
    """Both outputs hold float32 probabilities, printed differently (the CSV as the shortest decimal that reads back
    to the float, --json as the float widened to double): compare the floats."""
    return float(np.float32(x))


NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]


def main():
    rows = {}
    with open(sys.argv[1], newline="") as f:
        for r in csv.DictReader(f):
            rows[os.path.normpath(r["path"])] = r
    old = json.load(open(sys.argv[2]))["predictions"]
    same_labels, max_diff = 0, 0.0
    for p in old:
        r = rows[os.path.normpath(p["image"])]
        labels = [t["label"] for t in p["top_k"]]
        if labels == [r["label_%d" % (i + 1)] for i in range(len(labels))]:
            same_labels += 1
        for i, t in enumerate(p["top_k"]):
            max_diff = max(max_diff, abs(f32(t["probability"]) - f32(r["probability_%d" % (i + 1)])))
    print("today's --json on %d files vs the CSV's %d rows: top-3 labels identical for %d, largest float32 probability difference %.3g"
          % (len(old), len(rows), same_labels, max_diff))
    if len(sys.argv) > 3:
        n, same, diff = 0, 0, 0.0
        for f in sorted(glob.glob(os.path.join(sys.argv[3], "*.json"))):
            p = json.load(open(f))["predictions"][0]
            r = rows[os.path.normpath(p["image"])]
            n += 1
            labels = [t["label"] for t in p["top_k"]]
            same += labels == [r["label_%d" % (i + 1)] for i in range(len(labels))]
            for i, t in enumerate(p["top_k"]):
                diff = max(diff, abs(f32(t["probability"]) - f32(r["probability_%d" % (i + 1)])))
        print("one process per file on %d files vs the CSV: top-3 labels identical for %d, largest float32 probability difference %.3g" % (n, same, diff))
    correct = errors = 0
    for path, r in rows.items():
        if r["error"]:
            errors += 1
            continue
        truth = int(os.path.basename(os.path.dirname(path)).split("-")[0])
        correct += NAMES.index(r["label_1"]) == truth
    print("accuracy from the CSV: %d / %d = %.4f (%d error rows)" % (correct, len(rows), correct / len(rows), errors))


if __name__ == "__main__":
    main()
