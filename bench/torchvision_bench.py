#!/usr/bin/python3
"""PyTorch counterpart of `fovea bench --inference-only` for torchvision models, measured the same way.

A repetition is one window of forward calls at --batch and one of batch-1 calls, each after one
untimed call, under torch.inference_mode(); windows are calibrated during warm-up to half of
--rep-seconds each and then held fixed (Fovea's InferenceBenchmark). Warm-up: rounds until two
consecutive rounds agree within 5% after >= 3 rounds and >= --warmup-min seconds, at most
--warmup-max seconds. The model is torchvision's (random weights, eval mode), in channels_last
memory format with channels_last inputs, as bench/compare-pytorch.sh tunes PyTorch; run it with
that script's environment (OpenBLAS, OMP_WAIT_POLICY=PASSIVE, tcmalloc).

--driven speaks `fovea bench --driven`'s line protocol: a {"event": "ready"} line after warm-up,
one {"event": "rep"} line per "rep" read from standard input, a {"event": "summary"} line on "done".
"""
import argparse
import json
import math
import os
import statistics
import sys
import time

p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
p.add_argument("--model", required=True, help="a torchvision.models name, e.g. resnet18")
p.add_argument("--input-shape", default="224,224,3", help="H,W,C")
p.add_argument("--batch", type=int, default=16)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--repetitions", type=int, default=5)
p.add_argument("--rep-seconds", type=float, default=1.0)
p.add_argument("--warmup-min", type=float, default=2.0)
p.add_argument("--warmup-max", type=float, default=20.0)
p.add_argument("--driven", action="store_true")
ARGS = p.parse_args()
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):   # read when the libraries load: set first
    os.environ[var] = str(ARGS.threads)

import torch  # noqa: E402
import torchvision  # noqa: E402

torch.set_num_threads(ARGS.threads)
torch.manual_seed(0)
h, w, c = (int(v) for v in ARGS.input_shape.split(","))
model = getattr(torchvision.models, ARGS.model)(weights=None).eval().to(memory_format=torch.channels_last)
gen = torch.Generator().manual_seed(42)
batch_x = torch.rand(ARGS.batch, c, h, w, generator=gen).contiguous(memory_format=torch.channels_last)
one_x = torch.rand(1, c, h, w, generator=gen).contiguous(memory_format=torch.channels_last)
sizes = {"infer_calls": 2, "latency_calls": 3}


def window(x, calls):
    with torch.inference_mode():
        model(x)
        t = time.perf_counter()
        for _ in range(calls):
            model(x)
        return time.perf_counter() - t


def repetition():
    seconds = window(batch_x, sizes["infer_calls"])
    latency = window(one_x, sizes["latency_calls"])
    return {"infer_img_s": sizes["infer_calls"] * ARGS.batch / seconds,
            "latency_b1_ms": latency * 1e3 / sizes["latency_calls"]}


def calibrate(r):
    half = ARGS.rep_seconds / 2
    sizes["infer_calls"] = max(2, min(1_000_000, math.ceil(half * r["infer_img_s"] / ARGS.batch)))
    sizes["latency_calls"] = max(3, min(1_000_000, math.ceil(half / (r["latency_b1_ms"] / 1e3))))


def warm_up():
    start, previous, rounds = time.perf_counter(), None, 0
    while True:
        r = repetition()
        calibrate(r)
        current = [r["infer_img_s"], r["latency_b1_ms"]]
        rounds += 1
        seconds = time.perf_counter() - start
        stable = previous is not None and all(abs(a - b) <= 0.05 * max(abs(a), abs(b)) for a, b in zip(previous, current))
        if (stable and rounds >= 3 and seconds >= ARGS.warmup_min) or (seconds >= ARGS.warmup_max and rounds >= 3):
            return {"rounds": rounds, "seconds": seconds, "stable": stable}
        previous = current


def emit(obj):
    print(json.dumps(obj), flush=True)


def main():
    load_before = os.getloadavg()[0]
    config = {"framework": "pytorch", "torch": torch.__version__, "model": ARGS.model, "input_shape": [h, w, c],
              "batch": ARGS.batch, "threads": ARGS.threads, "memory_format": "channels_last",
              "env": {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "LD_PRELOAD")}}
    warmup = warm_up()
    reps = []
    if ARGS.driven:
        emit({"event": "ready", **config, "warmup": warmup, "windows": dict(sizes)})
        for line in sys.stdin:
            line = line.strip()
            if line == "done":
                break
            if line != "rep":
                sys.exit(f"torchvision_bench: --driven: expected \"rep\" or \"done\", got {line!r}")
            reps.append(repetition())
            emit({"event": "rep", "index": len(reps) - 1, **reps[-1]})
        if not reps:
            sys.exit("torchvision_bench: --driven: no repetition was asked for")
    else:
        reps = [repetition() for _ in range(ARGS.repetitions)]
    summary = {"event": "summary"} if ARGS.driven else {}
    summary.update(config)
    summary.update({"repetitions": len(reps), "warmup": warmup, "windows": dict(sizes)})
    for key in ("infer_img_s", "latency_b1_ms"):
        v = [r[key] for r in reps]
        summary.update({key: statistics.median(v), key + "_min": min(v), key + "_max": max(v)})
    summary.update({"load_avg_before": load_before, "load_avg_after": os.getloadavg()[0]})
    emit(summary)


if __name__ == "__main__":
    main()
