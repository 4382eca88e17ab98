#!/usr/bin/python3
"""Runs Fovea and PyTorch/numpy workers side by side, alternating repetitions, and prints a
Markdown table of Fovea/PyTorch ratios. Started by bench/compare-pytorch.sh, which prepares the
environment; only the standard library is used here.

For each thread count and workload, a Fovea worker (`fovea bench --driven`) is started and warms
up, then a PyTorch worker (`pytorch_bench.py --driven`) does the same (never both at once); then
repetitions alternate A B A B ... (Fovea first), so slow drifts in machine load hit both alike.
Each worker runs under /usr/bin/time -v for its peak resident set size.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

SHAPES = {"W1": "28,28,1", "W2": "32,32,3"}
# metric key, name, unit, whether higher is better
METRICS = [
    ("train_img_s", "training", "img/s", True),
    ("infer_img_s", "inference", "img/s", True),
    ("latency_b1_ms", "latency, batch 1", "ms", False),
    ("gflops_train", "training", "GFLOP/s", True),
]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fovea", required=True, help="the fovea launcher")
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--pytorch-bench", required=True)
    p.add_argument("--pytorch-env", action="append", default=[], metavar="K=V",
                   help="environment of the PyTorch/numpy workers only (e.g. LD_PRELOAD=...)")
    p.add_argument("--workloads", default="W1 W2 GEMM")
    p.add_argument("--threads", default="2 1")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--gemm-n", type=int, default=1024)
    p.add_argument("--rep-seconds", type=float, default=1.0)
    p.add_argument("--warmup-min", type=float, default=2.0)
    p.add_argument("--warmup-max", type=float, default=20.0)
    p.add_argument("--out-dir", required=True, help="raw JSON lines and logs go here")
    p.add_argument("--machine", default="", help="one line describing the machine")
    return p.parse_args()


class Worker:
    """One driven benchmark process: warm-up, then one repetition per request."""

    def __init__(self, name, cmd, env, out_dir):
        self.name = name
        self.time_file = out_dir / f"{name}.time"
        self.log = open(out_dir / f"{name}.stderr", "w")
        self.raw = open(out_dir / f"{name}.jsonl", "w")
        full = ["/usr/bin/time", "-v", "-o", str(self.time_file)] + cmd
        (out_dir / f"{name}.cmd").write_text(" ".join(full) + "\n")
        self.proc = subprocess.Popen(full, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     env=env, text=True, bufsize=1)
        self.ready = self.read("ready")
        self.reps = []

    def read(self, expected):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                self.proc.wait()
                sys.exit(f"compare: {self.name} ended (exit {self.proc.returncode}) before '{expected}'; "
                         f"see {self.log.name}")
            self.raw.write(line)
            self.raw.flush()
            line = line.strip()
            if not line.startswith("{"):
                continue  # e.g. a launcher's note
            event = json.loads(line)
            if event.get("event") == expected:
                return event

    def rep(self):
        self.proc.stdin.write("rep\n")
        self.proc.stdin.flush()
        self.reps.append(self.read("rep"))

    def finish(self):
        self.proc.stdin.write("done\n")
        self.proc.stdin.flush()
        summary = self.read("summary")
        self.proc.stdin.close()
        self.proc.wait()
        summary["rss_time_mb"] = peak_rss_mb(self.time_file)
        self.log.close()
        self.raw.close()
        return summary


def peak_rss_mb(path):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", path.read_text()) if path.exists() else None
    return int(m.group(1)) / 1024.0 if m else None


def run_pair(args, workload, threads, out_dir, py_env):
    common = ["--threads", str(threads), "--driven", "--rep-seconds", str(args.rep_seconds),
              "--warmup-min", str(args.warmup_min), "--warmup-max", str(args.warmup_max)]
    if workload == "GEMM":
        what = ["--gemm", str(args.gemm_n)]
    else:
        what = ["--input-shape", SHAPES[workload], "--batch", str(args.batch)]
    tag = f"{workload}-t{threads}"
    print(f"compare: {tag}: Fovea warming up", file=sys.stderr, flush=True)
    fovea = Worker(f"fovea-{tag}", [args.fovea, "bench"] + what + common, dict(os.environ), out_dir)
    print(f"compare: {tag}: PyTorch warming up", file=sys.stderr, flush=True)
    torch = Worker(f"pytorch-{tag}", [args.python, args.pytorch_bench] + what + common, py_env, out_dir)
    for i in range(args.reps):
        fovea.rep()
        torch.rep()
        print(f"compare: {tag}: repetition pair {i + 1}/{args.reps} done", file=sys.stderr, flush=True)
    return fovea.finish(), torch.finish(), fovea.reps, torch.reps


def fmt(v):
    if v is None:
        return "n/a"
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def cell(reps, key):
    values = [r[key] for r in reps]
    return f"{fmt(median(values))} [{fmt(min(values))}–{fmt(max(values))}]"


def ratio_cell(f_reps, t_reps, key):
    """Ratio of medians, and the range of the per-pair ratios (pair i = Fovea rep i, PyTorch rep i)."""
    f = [r[key] for r in f_reps]
    t = [r[key] for r in t_reps]
    pairs = [a / b for a, b in zip(f, t)]
    return f"{median(f) / median(t):.3g}× [{min(pairs):.3g}–{max(pairs):.3g}]"


def table_rows(workload, threads, fs, ts, f_reps, t_reps):
    rows = []
    label = f"GEMM {fs.get('gemm_n')}³" if workload == "GEMM" else f"{workload} {SHAPES[workload].replace(',', '×')}"
    if workload == "GEMM":
        rows.append((label, threads, "GEMM GFLOP/s (numpy)", cell(f_reps, "gemm_gflops"), cell(t_reps, "gemm_gflops"),
                     ratio_cell(f_reps, t_reps, "gemm_gflops"), "higher"))
        return rows
    for key, name, unit, higher in METRICS:
        rows.append((label, threads, f"{name} {unit}", cell(f_reps, key), cell(t_reps, key),
                     ratio_cell(f_reps, t_reps, key), "higher" if higher else "lower"))
    f_rss, t_rss = fs.get("rss_time_mb"), ts.get("rss_time_mb")
    rss_ratio = f"{f_rss / t_rss:.3g}×" if f_rss and t_rss else "n/a"
    rows.append((label, threads, "peak RSS MB (whole worker)", fmt(f_rss), fmt(t_rss), rss_ratio, "lower"))
    return rows


def main():
    args = parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    py_env = dict(os.environ)
    for kv in args.pytorch_env:
        k, _, v = kv.partition("=")
        py_env[k] = v
    started = time.time()
    load_before = os.getloadavg()
    rows, notes, summaries = [], [], []
    for threads in [int(t) for t in args.threads.split()]:
        for workload in args.workloads.split():
            fs, ts, f_reps, t_reps = run_pair(args, workload, threads, out_dir, py_env)
            summaries += [fs, ts]
            rows += table_rows(workload, threads, fs, ts, f_reps, t_reps)
            if workload != "GEMM":
                notes.append(f"{workload} t={threads}: Fovea allocates {fmt(fs.get('alloc_bytes_per_step'))} B per training step "
                             f"(max {fmt(fs.get('alloc_bytes_per_step_max'))}), {fs.get('gc_during_reps')} GCs during the repetitions; "
                             f"peak heap {fmt(fs.get('peak_heap_mb'))} MB (sum of pool peaks), live heap {fmt(fs.get('live_heap_mb'))} MB")
            for name, s in (("Fovea", fs), ("PyTorch" if workload != "GEMM" else "numpy", ts)):
                w = s["warmup"]
                if not w["stable"]:
                    notes.append(f"{workload} t={threads}: {name} warm-up did not settle within {w['seconds']:.0f} s "
                                 f"({w['rounds']} rounds); the machine was noisy")
    (out_dir / "summaries.json").write_text(json.dumps(summaries, indent=1))
    elapsed = time.time() - started
    torch_v = next((s.get("torch") for s in summaries if s.get("torch")), "?")
    numpy_v = next((s.get("numpy") for s in summaries if s.get("numpy")), "?")
    jdk = next((s.get("jdk") for s in summaries if s.get("jdk") and s.get("framework") is None), "?")
    blas = next((s.get("blas") for s in summaries if s.get("blas")), [])
    malloc = next((s.get("malloc") for s in summaries if s.get("malloc")), "?")
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"### Fovea vs PyTorch on CPU ({date})\n")
    print(f"Machine: {args.machine}; JDK {jdk}; PyTorch {torch_v} (Debian python3-torch), numpy {numpy_v}; "
          f"BLAS {', '.join(Path(b).parent.name + '/' + Path(b).name for b in blas) or '?'}; "
          f"malloc {malloc if isinstance(malloc, str) else ', '.join(Path(m).name for m in malloc)}; "
          f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after.\n")
    print(f"Batch {args.batch}; {args.reps} alternating repetitions each (Fovea, PyTorch, Fovea, ...) after warm-up; "
          f"cells are median [min–max]; ratio = Fovea/PyTorch of the medians [range of the per-pair ratios]; "
          f"'better' says which direction of the ratio favours Fovea.\n")
    print("| workload | threads | metric | Fovea | PyTorch | Fovea/PyTorch | better |")
    print("|---|---:|---|---:|---:|---:|---|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    print()
    flops = next((s for s in summaries if s.get("mflop_train_per_image") and s.get("framework") is None), None)
    print("FLOPs per image of a training step = 3 × forward, forward = Σ Conv2D 2·OH·OW·KH·KW·C·F + Σ Dense 2·I·U "
          "(W1 24.44 MFLOP, W2 37.57 MFLOP); GEMM 2n³. Peak RSS from /usr/bin/time -v of each worker process "
          "(its training, inference and latency phases; training dominates).\n" if flops else "")
    busiest = max(load_before[0], os.getloadavg()[0])
    if busiest > os.cpu_count():
        notes.insert(0, f"The machine was busy with other work (load average up to {busiest:.1f} on {os.cpu_count()} cores): "
                        f"both sides were slowed unevenly from one repetition to the next; trust the per-pair ratio ranges, not two digits.")
    for n in notes:
        print(f"- {n}")
    print(f"\nRaw results: {out_dir}; run took {elapsed:.0f} s.")


if __name__ == "__main__":
    main()
