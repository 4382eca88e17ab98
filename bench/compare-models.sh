#!/usr/bin/env bash
# Fovea vs PyTorch vs ONNX Runtime (Java) on torchvision models: batch-1 latency and batch-N
# throughput, alternating repetitions, printed as a Markdown table of ratios with their spread.
#
#   bench/compare-models.sh                                  # resnet18 resnet50 mobilenet_v2 efficientnet_b0
#   BENCH_MODELS="mobilenet_v2" BENCH_REPS=3 bench/compare-models.sh
#
# Settings (environment):
#   BENCH_MODELS="resnet18 resnet50 mobilenet_v2 efficientnet_b0"   torchvision.models names
#   BENCH_REPS=5  BENCH_THREADS=2  BENCH_BATCH=16  BENCH_INPUT=224,224,3
#   BENCH_REP_SECONDS=2   BENCH_WARMUP_MIN=3  BENCH_WARMUP_MAX=30
#   BENCH_MODELS_DIR=bench/out/models   where the exported ONNX files are cached
#   BENCH_OUT=bench/out/<date>           raw JSON lines, logs and the table
#   BENCH_LABEL="..."                    a note for the table's heading (e.g. which Fovea build)
#   BENCH_BASELINE=/path/to/other/fovea  a second Fovea launcher (an earlier build) run alternating with
#                                        the others, for before/after figures; BENCH_BASELINE_LABEL names it
# PyTorch runs tuned as bench/compare-pytorch.sh tunes it (that script checks and selects OpenBLAS;
# here the same worker environment is set: tcmalloc, OMP_WAIT_POLICY=PASSIVE, OPENBLAS_CORETYPE).
# The models are exported once with /usr/bin/python3 (torch, torchvision): random weights, opset 13.
# Defaults take about 15 minutes on 2 quiet cores.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
JAVA_HOME="$("$root/scripts/find-jdk.sh")"
export JAVA_HOME
PY=/usr/bin/python3
TCMALLOC=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
models="${BENCH_MODELS:-resnet18 resnet50 mobilenet_v2 efficientnet_b0}"
models_dir="${BENCH_MODELS_DIR:-$root/bench/out/models}"
out="${BENCH_OUT:-$root/bench/out/$(date -u +%Y%m%d-%H%M%S)-models}"
mkdir -p "$out" "$models_dir"

"$PY" -c "import torch, torchvision" 2>/dev/null || { echo "compare: /usr/bin/python3 needs torch and torchvision (Debian python3-torch, python3-torchvision)" >&2; exit 1; }
"$PY" "$root/bench/export_torchvision.py" "$models_dir" $models

# Build the launcher's jar and the bench module (which holds the ONNX Runtime worker) now, so no
# build runs inside a measurement. The bench module is never shipped.
"$root/fovea" --version >/dev/null
MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ./mvnw -q -B -ntp -DskipTests package -pl fovea-bench -am >&2

torch_env=()
[ -r "$TCMALLOC" ] && torch_env+=(--torch-env "LD_PRELOAD=$TCMALLOC")
cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
flags="$(grep -o -w -m1 -E 'avx512f' /proc/cpuinfo | head -1 || true)"
"$PY" "$root/bench/compare_models.py" \
  --fovea "$root/fovea" \
  --python "$PY" \
  --torch-bench "$root/bench/torchvision_bench.py" \
  "${torch_env[@]}" \
  --torch-env "OMP_WAIT_POLICY=PASSIVE" \
  --torch-env "OPENBLAS_CORETYPE=SKYLAKEX" \
  --ort "$JAVA_HOME/bin/java --enable-native-access=ALL-UNNAMED -Xmx4g -cp $root/fovea-bench/target/benchmarks.jar dev.fovea.bench.OrtInferenceWorker" \
  --models-dir "$models_dir" \
  --models "$models" \
  --threads "${BENCH_THREADS:-2}" \
  --reps "${BENCH_REPS:-5}" \
  --batch "${BENCH_BATCH:-16}" \
  --input-shape "${BENCH_INPUT:-224,224,3}" \
  --rep-seconds "${BENCH_REP_SECONDS:-2}" \
  --warmup-min "${BENCH_WARMUP_MIN:-3}" \
  --warmup-max "${BENCH_WARMUP_MAX:-30}" \
  --out-dir "$out" \
  --label "${BENCH_LABEL:-}" \
  ${BENCH_BASELINE:+--fovea-baseline "$BENCH_BASELINE" --baseline-label "${BENCH_BASELINE_LABEL:-baseline}"} \
  --machine "$cpu, $(nproc) cores${flags:+ (AVX-512)}, $(uname -sr)" | tee "$out/table.md"
