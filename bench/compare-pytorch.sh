#!/usr/bin/env bash
# Fovea vs PyTorch on this machine's CPU: the same workloads, alternating repetitions, printed as a
# Markdown table of Fovea/PyTorch ratios (throughput: higher is better; latency and memory: lower).
#
#   bench/compare-pytorch.sh                 # W1, W2 and GEMM 1024, at 2 threads and at 1
#   BENCH_REPS=9 BENCH_THREADS=2 bench/compare-pytorch.sh
#
# Settings (environment):
#   BENCH_REPS=5             alternating repetitions per side (at least 5 for a fair median)
#   BENCH_THREADS="2 1"      thread counts, each run separately
#   BENCH_WORKLOADS="W1 W2 GEMM"   W1 = notes CNN 28x28x1, W2 = 32x32x3, GEMM = n x n x n matmul
#   BENCH_BATCH=64  BENCH_GEMM_N=1024
#   BENCH_REP_SECONDS=1      target length of one training window (inference, latency: half each)
#   BENCH_WARMUP_MIN=2 BENCH_WARMUP_MAX=20   warm-up bounds per worker, seconds
#   BENCH_OUT=bench/out/<date>               raw JSON lines, logs and the table
#   BENCH_SETUP=0            do not install or switch anything; check only
# Defaults take about 6 to 9 minutes on 2 cores.
#
# PyTorch "at its best" here means: Debian's python3-torch with OpenBLAS (OpenMP build) selected
# as the system BLAS/LAPACK (python3-torch alone pulls the reference BLAS, about 8x slower),
# channels_last tensors, torch.set_num_threads(n), OMP_WAIT_POLICY=PASSIVE (idle OpenMP threads
# sleep instead of spinning, which matters when the two sides alternate), OPENBLAS_CORETYPE=SKYLAKEX
# (AVX-512 kernels), and tcmalloc preloaded. Those settings apply to the Python workers only.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"

PY=/usr/bin/python3
TCMALLOC=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
OPENBLAS_DIR=/usr/lib/x86_64-linux-gnu/openblas-openmp
PACKAGES=(python3-torch python3-numpy libopenblas0-openmp libtcmalloc-minimal4 time)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "${BENCH_SETUP:-1}" = 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "compare: installing ${missing[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  else
    echo "compare: missing Debian packages: ${missing[*]}" >&2
    echo "compare: as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# Select OpenBLAS (OpenMP build) for libblas.so.3 and liblapack.so.3, which numpy and torch load.
# libtorch_cpu also links libopenblas.so.0 directly: where that alternative exists (libopenblas0
# with its pthread build), point it at the same OpenMP build, or two OpenBLAS copies with two
# thread pools load into the worker.
libs=(libblas.so.3 liblapack.so.3)
update-alternatives --query libopenblas.so.0-x86_64-linux-gnu >/dev/null 2>&1 && libs+=(libopenblas.so.0)
for lib in "${libs[@]}"; do
  name="$lib-x86_64-linux-gnu"
  want="$OPENBLAS_DIR/$lib"
  have="$(update-alternatives --query "$name" 2>/dev/null | sed -n 's/^Value: //p')"
  if [ "$have" != "$want" ]; then
    if [ "${BENCH_SETUP:-1}" = 1 ] && [ "$(id -u)" = 0 ]; then
      update-alternatives --set "$name" "$want" >&2
    else
      echo "compare: $name points to '${have:-nothing}', not $want" >&2
      echo "compare: as root: update-alternatives --set $name $want" >&2
      exit 1
    fi
  fi
done
[ -r "$TCMALLOC" ] || { echo "compare: $TCMALLOC not found (package libtcmalloc-minimal4)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "compare: /usr/bin/time not found (package time)" >&2; exit 1; }

# Build the jar now, so no build runs inside a measurement.
"$root/fovea" --version >/dev/null

cpu="$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
cores="$(nproc)"
flags="$(grep -o -w -m1 -E 'avx512f' /proc/cpuinfo | head -1 || true)"
out="${BENCH_OUT:-$root/bench/out/$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$out"

"$PY" "$root/bench/compare.py" \
  --fovea "$root/fovea" \
  --python "$PY" \
  --pytorch-bench "$root/bench/pytorch_bench.py" \
  --pytorch-env "LD_PRELOAD=$TCMALLOC" \
  --pytorch-env "OMP_WAIT_POLICY=PASSIVE" \
  --pytorch-env "OPENBLAS_CORETYPE=SKYLAKEX" \
  --workloads "${BENCH_WORKLOADS:-W1 W2 GEMM}" \
  --threads "${BENCH_THREADS:-2 1}" \
  --reps "${BENCH_REPS:-5}" \
  --batch "${BENCH_BATCH:-64}" \
  --gemm-n "${BENCH_GEMM_N:-1024}" \
  --rep-seconds "${BENCH_REP_SECONDS:-1}" \
  --warmup-min "${BENCH_WARMUP_MIN:-2}" \
  --warmup-max "${BENCH_WARMUP_MAX:-20}" \
  --out-dir "$out" \
  --machine "$cpu, $cores cores${flags:+ (AVX-512)}, $(uname -sr)" | tee "$out/table.md"
