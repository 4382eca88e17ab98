#!/usr/bin/python3
"""Runs Fovea, PyTorch and ONNX Runtime (Java) on torchvision models side by side, alternating
repetitions, and prints a Markdown table of ratios with their spread. Started by
bench/compare-models.sh, which prepares the environment and the ONNX files; standard library only.

For each model, three driven workers start and warm up one after another (never two at once):
`fovea bench --inference-only --driven` on the exported ONNX file, torchvision_bench.py on the
same torchvision model in PyTorch, and dev.fovea.bench.OrtInferenceWorker on the ONNX file. Then
repetitions go Fovea, PyTorch, ONNX Runtime, Fovea, ... so slow drifts in machine load hit all
alike. Each repetition measures throughput at --batch and batch-1 latency.
"""
import argparse
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from statistics import median

from compare import Worker, fmt  # the driven-worker protocol of bench/compare.py

# metric key, name, unit, whether higher is better
METRICS = [("latency_b1_ms", "latency, batch 1", "ms", False), ("infer_img_s", "throughput", "img/s", True)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--fovea", required=True, help="the fovea launcher")
    p.add_argument("--python", default="/usr/bin/python3")
    p.add_argument("--torch-bench", required=True, help="bench/torchvision_bench.py")
    p.add_argument("--torch-env", action="append", default=[], metavar="K=V", help="environment of the PyTorch workers only")
    p.add_argument("--ort", required=True, help="command prefix running dev.fovea.bench.OrtInferenceWorker")
    p.add_argument("--models-dir", required=True, help="where NAME.onnx files are")
    p.add_argument("--models", default="resnet18 resnet50 mobilenet_v2 efficientnet_b0")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--input-shape", default="224,224,3")
    p.add_argument("--rep-seconds", type=float, default=2.0)
    p.add_argument("--warmup-min", type=float, default=3.0)
    p.add_argument("--warmup-max", type=float, default=30.0)
    p.add_argument("--out-dir", required=True)
    p.add_argument("--machine", default="")
    p.add_argument("--label", default="", help="a note on what Fovea build ran (printed in the heading)")
    p.add_argument("--fovea-baseline", help="a second fovea launcher (an earlier build), run alternating with the others")
    p.add_argument("--baseline-label", default="baseline", help="its name in the table")
    return p.parse_args()


def cell(reps, key):
    v = [r[key] for r in reps]
    return f"{fmt(median(v))} [{fmt(min(v))}–{fmt(max(v))}]"


def ratio_cell(f_reps, p_reps, key):
    """Ratio of medians, and the range of the per-repetition ratios (Fovea rep i over peer rep i)."""
    f, p = [r[key] for r in f_reps], [r[key] for r in p_reps]
    pairs = [a / b for a, b in zip(f, p)]
    return f"{median(f) / median(p):.3g}× [{min(pairs):.3g}–{max(pairs):.3g}]"


def run_model(args, name, out_dir, torch_env):
    onnx = str(Path(args.models_dir) / f"{name}.onnx")
    common = ["--input-shape", args.input_shape, "--batch", str(args.batch), "--threads", str(args.threads), "--driven",
              "--rep-seconds", str(args.rep_seconds), "--warmup-min", str(args.warmup_min), "--warmup-max", str(args.warmup_max)]
    tag = f"{name}-b{args.batch}-t{args.threads}"
    workers = []
    plan = [("fovea", [args.fovea, "bench", "--model", onnx, "--inference-only"] + common, dict(os.environ))]
    if args.fovea_baseline:
        plan.append(("fovea-baseline", [args.fovea_baseline, "bench", "--model", onnx, "--inference-only"] + common, dict(os.environ)))
    plan += [("pytorch", [args.python, args.torch_bench, "--model", name] + common, torch_env),
             ("onnxruntime", args.ort.split() + ["--model", onnx] + common, dict(os.environ))]
    for label, cmd, env in plan:
        print(f"compare: {tag}: {label} warming up", file=sys.stderr, flush=True)
        workers.append(Worker(f"{label}-{tag}", cmd, env, out_dir))
    for i in range(args.reps):
        for w in workers:
            w.rep()
        print(f"compare: {tag}: repetition round {i + 1}/{args.reps} done", file=sys.stderr, flush=True)
    return [w.finish() for w in workers], [w.reps for w in workers]


def main():
    args = parse_args()
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    torch_env = dict(os.environ)
    for kv in args.torch_env:
        k, _, v = kv.partition("=")
        torch_env[k] = v
    started, load_before = time.time(), os.getloadavg()
    loads = [load_before[0]]
    rows, notes, versions = [], [], {}
    for name in args.models.split():
        summaries, reps = run_model(args, name, out_dir, torch_env)
        loads.append(os.getloadavg()[0])
        base = args.fovea_baseline is not None
        f, t, o = reps[0], reps[-2], reps[-1]
        for key, metric, unit, higher in METRICS:
            label = f"{metric} {unit}" if key == "latency_b1_ms" else f"{metric} {unit}, batch {args.batch}"
            row = [name, label, cell(f, key)] + ([cell(reps[1], key)] if base else []) + [cell(t, key), cell(o, key)]
            row += [ratio_cell(f, t, key), ratio_cell(f, o, key)]
            if base:
                row += [ratio_cell(reps[1], t, key), ratio_cell(reps[1], o, key), ratio_cell(f, reps[1], key)]
            rows.append(tuple(row + ["higher" if higher else "lower"]))
        versions["torch"] = summaries[-2].get("torch")
        versions["onnxruntime"] = summaries[-1].get("onnxruntime")
        versions["jdk"] = summaries[0].get("jdk")
        names = ["Fovea"] + ([f"Fovea {args.baseline_label}"] if base else []) + ["PyTorch", "ONNX Runtime"]
        for who, s in zip(names, summaries):
            if not s["warmup"]["stable"]:
                notes.append(f"{name}: {who} warm-up did not settle within {s['warmup']['seconds']:.0f} s "
                             f"({s['warmup']['rounds']} rounds); the machine was noisy")
        notes.append(f"{name}: Fovea allocates {fmt(summaries[0].get('alloc_bytes_per_inference'))} B per batch-{args.batch} call; "
                     f"peak RSS (whole worker) " + ", ".join(f"{who} {fmt(s.get('rss_time_mb'))} MB" for who, s in zip(names, summaries)))
    date = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    print(f"### Fovea vs PyTorch vs ONNX Runtime on torchvision models ({date}){' — ' + args.label if args.label else ''}\n")
    print(f"Machine: {args.machine}; JDK {versions.get('jdk')}; PyTorch {versions.get('torch')} (eager, channels_last, "
          f"inference_mode); ONNX Runtime {versions.get('onnxruntime')} for Java (CPU, all graph optimisations); "
          f"{args.threads} threads each; input {args.input_shape.replace(',', '×')}; load average "
          f"{', '.join(f'{l:.1f}' for l in loads)} (before, then after each model).\n")
    print(f"{args.reps} alternating repetitions each (Fovea, PyTorch, ONNX Runtime, Fovea, ...) after warm-up; cells are "
          f"median [min–max]; ratio = Fovea/peer of the medians [range of the per-repetition ratios]; 'better' says "
          f"which direction of the ratio favours Fovea. Models: torchvision, random weights, exported to ONNX "
          f"(opset 13, free batch axis); Fovea and ONNX Runtime run the ONNX file, PyTorch the torchvision module.\n")
    if args.fovea_baseline:
        b = args.baseline_label
        print(f"| model | metric | Fovea | Fovea {b} | PyTorch | ONNX Runtime | Fovea/PyTorch | Fovea/ORT | {b}/PyTorch | {b}/ORT | Fovea/{b} | better |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    else:
        print("| model | metric | Fovea | PyTorch | ONNX Runtime | Fovea/PyTorch | Fovea/ORT | better |")
        print("|---|---|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    print()
    busiest = max(loads)
    if busiest > os.cpu_count():
        notes.insert(0, f"The machine was busy with other work (load average up to {busiest:.1f} on {os.cpu_count()} cores): "
                        f"every side was slowed unevenly from one repetition to the next; trust the per-repetition ratio "
                        f"ranges, not two digits.")
    for n in notes:
        print(f"- {n}")
    print(f"\nRaw results: {out_dir}; run took {time.time() - started:.0f} s.")


if __name__ == "__main__":
    main()
