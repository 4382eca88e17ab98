#!/usr/bin/python3
"""PyTorch (and numpy GEMM) counterpart of `fovea bench`, measured the same way.

Workloads: W1 = the course-notes CNN on 28x28x1, W2 = the same on 32x32x3 (Conv2d 32/3 relu,
MaxPool 2, Conv2d 64/3 relu, MaxPool 2, Flatten, Linear 1024 relu, Linear 10; CrossEntropyLoss;
Adam), or --gemm N: numpy float32 matmul N x N x N.

Mirrors Fovea's TrainingBenchmark (fovea-core dev.fovea.train) step for step:
  training  one "epoch" of steps+1 shuffled batches gathered from a synthetic data set; each step
            is gather, forward, loss (log-softmax + NLL), loss.item() and accuracy, backward,
            Adam step; timed from the end of the first step to the end of the last
  inference one untimed call, then a window of forward passes at the batch size under
            torch.inference_mode(), softmax included (Fovea's forward ends in softmax)
  latency   the same with one image; the window's mean
Warm-up: rounds of the three until two consecutive rounds agree within the tolerance on every
metric, after >= 3 rounds and >= --warmup-min seconds; at most --warmup-max seconds, but never
fewer than 3 rounds. Window lengths are calibrated during warm-up (training about --rep-seconds,
the others half) and then held fixed. Medians and numpy-"linear" quartiles over the repetitions.

For PyTorch at its best on CPU, run it as bench/compare-pytorch.sh does: OpenBLAS as the system
BLAS, OMP_WAIT_POLICY=PASSIVE, OPENBLAS_CORETYPE=SKYLAKEX, tcmalloc preloaded. Tensors are
channels_last. --threads sets torch.set_num_threads and, before numpy or torch load, the OpenMP
and OpenBLAS thread counts.

Output: a text table, or with --json one JSON object per workload per line. --driven speaks the
same line protocol as `fovea bench --driven`: after warm-up a {"event": "ready"} line, then one
repetition per "rep" read from standard input, and a {"event": "summary"} line on "done".
"""
import argparse
import json
import math
import os
import platform
import resource
import sys
import time
from datetime import datetime, timezone

MAX_TRAIN_STEPS = 64
MAX_CALLS = 1_000_000
WORKLOADS = {"W1": (28, 28, 1), "W2": (32, 32, 3)}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--input-shape", help="H,W,C (default: W1 and W2)")
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--repetitions", type=int, default=5)
    p.add_argument("--rep-seconds", type=float, default=1.0)
    p.add_argument("--warmup-min", type=float, default=2.0)
    p.add_argument("--warmup-max", type=float, default=20.0)
    p.add_argument("--warmup-tolerance", type=float, default=0.05)
    p.add_argument("--gemm", type=int, help="measure numpy float32 matmul N x N x N instead")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--json", action="store_true")
    p.add_argument("--driven", action="store_true")
    return p.parse_args(argv)


ARGS = parse_args(sys.argv[1:])
# Thread counts of OpenMP and OpenBLAS are read when the libraries load: set them first.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[var] = str(ARGS.threads)

import numpy as np  # noqa: E402


def percentile_stats(values):
    a = np.asarray(values, dtype=np.float64)
    q = np.percentile(a, [0, 25, 50, 75, 100])  # numpy's default "linear", as Fovea's SampleStats
    return {"min": q[0], "q1": q[1], "median": q[2], "q3": q[3], "max": q[4]}


def stats(reps):
    out = {}
    for key in reps[0]:
        s = percentile_stats([r[key] for r in reps])
        out[key] = s["median"]
        for k in ("min", "q1", "q3", "max"):
            out[f"{key}_{k}"] = s[k]
    return out


def clamp(wanted, lo, hi):
    if not wanted > lo:
        return lo
    return int(min(hi, math.ceil(wanted)))


def warm_up(round_fn):
    """WarmupPolicy.run of Fovea: returns (rounds, seconds, stable)."""
    start = time.perf_counter()
    previous, rounds = None, 0
    while True:
        current = round_fn()
        rounds += 1
        seconds = time.perf_counter() - start
        stable = previous is not None and all(
            abs(a - b) <= ARGS.warmup_tolerance * max(abs(a), abs(b)) for a, b in zip(previous, current))
        if stable and rounds >= 3 and seconds >= ARGS.warmup_min:
            return rounds, seconds, True
        if seconds >= ARGS.warmup_max and rounds >= 3:
            return rounds, seconds, False
        previous = current


def mapped_libraries(*needles):
    """Shared libraries of this process whose path contains a needle (proof of which BLAS runs)."""
    found = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1]
                if path.startswith("/") and any(n in path for n in needles):
                    found.add(path)
    except OSError:
        pass
    return sorted(found)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def environment():
    return {
        "threads": ARGS.threads,
        "repetitions": None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "env": {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "OPENBLAS_CORETYPE", "LD_PRELOAD")},
        "date": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
    }


class GemmWorkload:
    def __init__(self, n):
        rng = np.random.default_rng(ARGS.seed)
        self.n = n
        self.a = (rng.random((n, n), dtype=np.float32) * 2 - 1)
        self.b = (rng.random((n, n), dtype=np.float32) * 2 - 1)
        self.c = np.empty((n, n), dtype=np.float32)
        self.calls = 1
        self.label = f"GEMM {n}"

    def config(self):
        return {"workload": "gemm", "framework": "numpy", "gemm_n": self.n,
                "blas": mapped_libraries("blas", "lapack")}

    def flops(self):
        return 2.0 * self.n ** 3

    def repetition(self):
        np.matmul(self.a, self.b, out=self.c)
        t0 = time.perf_counter()
        for _ in range(self.calls):
            np.matmul(self.a, self.b, out=self.c)
        seconds = time.perf_counter() - t0
        return {"gemm_gflops": self.flops() * self.calls / seconds / 1e9}

    def warm_up(self):
        def one_round():
            r = self.repetition()
            self.calls = clamp(ARGS.rep_seconds / (self.flops() / (r["gemm_gflops"] * 1e9)), 1, 100_000)
            return [r["gemm_gflops"]]
        return warm_up(one_round)

    def windows(self):
        return {"gemm_calls": self.calls}


class ModelWorkload:
    def __init__(self, label, shape):
        import torch
        from torch import nn
        torch.set_num_threads(ARGS.threads)
        torch.manual_seed(ARGS.seed)
        self.torch = torch
        self.label = label
        self.shape = shape
        h, w, c = shape
        pooled = lambda n: ((n - 2) // 2 - 2) // 2  # noqa: E731  conv 3 valid, pool 2, twice
        self.model = nn.Sequential(
            nn.Conv2d(c, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(64 * pooled(h) * pooled(w), 1024), nn.ReLU(), nn.Linear(1024, 10),
        ).to(memory_format=torch.channels_last)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3, eps=1e-7)  # Keras's epsilon, as Fovea
        self.loss = nn.CrossEntropyLoss()
        self.batch = ARGS.batch
        self.gen = torch.Generator().manual_seed(ARGS.seed)
        self.batch_x = self.images(self.batch)
        self.one_x = self.images(1)
        self.train_steps, self.infer_calls, self.latency_calls = 2, 2, 5
        self.data = self.training_data(self.train_steps)
        self.train_flops = 3 * self.forward_flops()

    def images(self, n):
        """(n, C, H, W) in channels_last memory, uniform in [0, 1)."""
        h, w, c = self.shape
        return self.torch.rand(n, h, w, c, generator=self.gen).permute(0, 3, 1, 2)

    def training_data(self, timed_steps):
        n = (timed_steps + 1) * self.batch
        h, w, c = self.shape
        x = self.torch.rand(n, h, w, c, generator=self.gen)  # NHWC rows: a gathered batch is channels_last
        y = self.torch.randint(0, 10, (n,), generator=self.gen)
        return x, y

    def forward_flops(self):
        """The count of fovea's ModelFlops: Conv 2*OH*OW*KH*KW*C*F, Linear 2*I*U, per image."""
        from torch import nn
        total, x = 0, self.one_x
        with self.torch.inference_mode():
            for layer in self.model:
                y = layer(x)
                if isinstance(layer, nn.Conv2d):
                    kh, kw = layer.kernel_size
                    total += 2 * y.shape[2] * y.shape[3] * kh * kw * layer.in_channels * layer.out_channels
                elif isinstance(layer, nn.Linear):
                    total += 2 * layer.in_features * layer.out_features
                x = y
        return total

    def config(self):
        torch = self.torch
        return {
            "workload": self.label, "framework": "pytorch", "torch": torch.__version__,
            "model": "course-notes CNN (torch.nn.Sequential)", "input_shape": list(self.shape),
            "batch": self.batch, "parameters": sum(p.numel() for p in self.model.parameters()),
            "mflop_forward_per_image": self.forward_flops() / 1e6, "mflop_train_per_image": self.train_flops / 1e6,
            "memory_format": "channels_last", "mkldnn": torch.backends.mkldnn.is_available(),
            "blas": mapped_libraries("blas", "lapack"), "malloc": mapped_libraries("tcmalloc") or "glibc",
        }

    def train_window(self):
        x, y = self.data
        n = y.shape[0]
        order = self.torch.randperm(n, generator=self.gen)
        first = last = None
        for step in range(self.train_steps + 1):
            idx = order[step * self.batch:(step + 1) * self.batch]
            xb = x[idx].permute(0, 3, 1, 2)  # gather (a copy), viewed as channels_last NCHW
            yb = y[idx]
            out = self.model(xb)
            loss = self.loss(out, yb)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
            loss.item()
            (out.argmax(1) == yb).sum().item()
            last = time.perf_counter()
            if first is None:
                first = last
        return self.train_steps * self.batch / (last - first)

    def forward_window(self, x, calls):
        with self.torch.inference_mode():
            self.model(x).softmax(1)
            t0 = time.perf_counter()
            for _ in range(calls):
                self.model(x).softmax(1)
            return time.perf_counter() - t0

    def repetition(self):
        train = self.train_window()
        infer = self.infer_calls * self.batch / self.forward_window(self.batch_x, self.infer_calls)
        latency = self.forward_window(self.one_x, self.latency_calls) / self.latency_calls * 1e3
        return {"train_img_s": train, "infer_img_s": infer, "latency_b1_ms": latency,
                "gflops_train": train * self.train_flops / 1e9}

    def warm_up(self):
        def one_round():
            r = self.repetition()
            target = ARGS.rep_seconds
            steps = clamp(target * r["train_img_s"] / self.batch, 2, MAX_TRAIN_STEPS)
            self.infer_calls = clamp(target / 2 * r["infer_img_s"] / self.batch, 2, MAX_CALLS)
            self.latency_calls = clamp(target / 2 / (r["latency_b1_ms"] / 1e3), 5, MAX_CALLS)
            if steps != self.train_steps:
                self.data = self.training_data(steps)
                self.train_steps = steps
            return [r["train_img_s"], r["infer_img_s"], r["latency_b1_ms"]]
        return warm_up(one_round)

    def windows(self):
        return {"train_steps": self.train_steps, "infer_calls": self.infer_calls, "latency_calls": self.latency_calls}


def emit(obj):
    print(json.dumps(obj), flush=True)


def run(workload):
    load_before = os.getloadavg()[0]
    print(f"pytorch_bench: {workload.label}: warming up ({ARGS.threads} threads)", file=sys.stderr, flush=True)
    rounds, seconds, stable = workload.warm_up()
    warmup = {"rounds": rounds, "seconds": seconds, "stable": stable,
              "rule": f"until two consecutive rounds agree within {ARGS.warmup_tolerance * 100:.0f}% on every metric, "
                      f"after >= 3 rounds and >= {ARGS.warmup_min} s; at most {ARGS.warmup_max} s but at least 3 rounds"}
    report = dict(workload.config())
    if ARGS.driven:
        emit({"event": "ready", **report, "warmup": warmup, "windows": workload.windows()})
        reps = []
        for line in sys.stdin:
            line = line.strip()
            if line == "done":
                break
            if line != "rep":
                sys.exit(f"pytorch_bench: --driven: expected \"rep\" or \"done\", got {line!r}")
            reps.append(workload.repetition())
            emit({"event": "rep", "index": len(reps) - 1, **reps[-1]})
        if not reps:
            sys.exit("pytorch_bench: --driven: no repetition was asked for")
    else:
        reps = [workload.repetition() for _ in range(ARGS.repetitions)]
    env = environment()
    env["repetitions"] = len(reps)
    report.update(env)
    report["warmup"] = warmup
    report["windows"] = workload.windows()
    report.update(stats(reps))
    report["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    report["load_avg_before"] = load_before
    report["load_avg_after"] = os.getloadavg()[0]
    if ARGS.driven:
        emit({"event": "summary", **report})
    elif ARGS.json:
        emit(report)
    else:
        print(text(workload.label, report))


def text(label, r):
    lines = [f"{label}: {r.get('framework')} {r.get('torch', r.get('numpy', ''))}, {r['threads']} threads, "
             f"{r['repetitions']} repetitions after warm-up ({r['warmup']['rounds']} rounds, {r['warmup']['seconds']:.1f} s, "
             f"{'stable' if r['warmup']['stable'] else 'NOT stable'})",
             f"  {'':18} {'median':>12} {'':8} {'min':>12} {'q1':>12} {'q3':>12} {'max':>12}"]
    for key, name, unit in (("train_img_s", "training", "img/s"), ("infer_img_s", "inference", "img/s"),
                            ("latency_b1_ms", "latency (batch 1)", "ms"), ("gflops_train", "training", "GFLOP/s"),
                            ("gemm_gflops", "GEMM", "GFLOP/s")):
        if key in r:
            vals = [r[key], r[key + "_min"], r[key + "_q1"], r[key + "_q3"], r[key + "_max"]]
            lines.append(f"  {name:18} {vals[0]:12.3f} {unit:8} " + " ".join(f"{v:12.3f}" for v in vals[1:]))
    lines.append(f"  peak RSS {r['peak_rss_mb']:.1f} MB")
    return "\n".join(lines)


def main():
    if ARGS.repetitions < 1 or ARGS.batch < 1 or not ARGS.rep_seconds > 0:
        sys.exit("pytorch_bench: --repetitions and --batch must be >= 1 and --rep-seconds > 0")
    if ARGS.gemm is not None:
        workloads = [GemmWorkload(ARGS.gemm)]
    elif ARGS.input_shape:
        shape = tuple(int(v) for v in ARGS.input_shape.split(","))
        label = next((k for k, v in WORKLOADS.items() if v == shape), f"notes {shape}")
        workloads = [ModelWorkload(label, shape)]
    else:
        workloads = [ModelWorkload(k, v) for k, v in WORKLOADS.items()]
    if ARGS.driven and len(workloads) != 1:
        sys.exit("pytorch_bench: --driven runs one workload: give --input-shape or --gemm")
    for w in workloads:
        run(w)


if __name__ == "__main__":
    main()
