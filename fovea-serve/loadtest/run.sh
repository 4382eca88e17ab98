#!/usr/bin/env bash
# Bounded load test of `fovea serve` on loopback (wrk from Debian; nothing leaves this machine):
#   fovea-serve/loadtest/run.sh MODEL.fovea [SECONDS] [CONNECTIONS]
# 1. CONNECTIONS clients posting a valid PNG for SECONDS, micro-batching on (the default);
# 2. the same with --max-batch 1 (one request per forward pass), for the throughput ratio;
# 3. valid and invalid requests mixed, each answer checked; then /healthz.
# Each server is warmed up for 10 s (FOVEA_WARMUP) before it is measured: the first seconds after
# start are the JIT's. Prints wrk's own report of each run and a summary. Defaults: 30 s, 16 connections.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
here="$root/fovea-serve/loadtest"
model="${1:?usage: run.sh MODEL.fovea [SECONDS] [CONNECTIONS]}"
secs="${2:-30}"
conns="${3:-16}"
port="${FOVEA_LOADTEST_PORT:-18181}"
name="$(basename "$model" .fovea)"
url="http://127.0.0.1:$port"
command -v wrk >/dev/null || { echo "run.sh: wrk is missing (apt-get install -y wrk)" >&2; exit 1; }
export FOVEA_IMAGE="${FOVEA_IMAGE:-$root/fovea-data/src/test/resources/dev/fovea/data/fashion-mnist-t10k-1-pullover.png}"
work="$(mktemp -d)"
export FOVEA_BOMB="$work/bomb.png"
python3 - "$FOVEA_BOMB" <<'PY'
import struct, sys, zlib
ihdr = b"IHDR" + struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)
open(sys.argv[1], "wb").write(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr + struct.pack(">I", zlib.crc32(ihdr)))
PY
pid=""
stop() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=""; fi; }
trap 'stop; rm -rf "$work"' EXIT

start() {   # extra serve options...
  "$root/fovea" serve "$model" --port "$port" "$@" >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fs "$url/readyz" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "run.sh: the server did not become ready:" >&2; cat "$work/serve.log" >&2; exit 1
}

warm() {  # the JIT compiles the hot paths in the first seconds: measure after them, not them
  wrk -t2 -c"$conns" -d"${FOVEA_WARMUP:-10}s" -s "$here/predict.lua" "$url/v1/models/$name:predict" >/dev/null
}

run_wrk() {  # label, wrk args...
  local label="$1"; shift
  echo "=== $label ==="
  curl -fs "$url/metrics" | grep -E '^fovea_batch_size_(sum|count)' | sed 's/^/before_/' >"$work/$label.before"
  wrk "$@" | tee "$work/$label.txt"
  curl -fs "$url/metrics" | grep -E '^fovea_batch_size_(sum|count)' >>"$work/$label.txt"
}

"$root/fovea" --version >/dev/null 2>&1 || true   # build the jar first, outside the timed runs
start
warm
run_wrk batched -t2 -c"$conns" -d"${secs}s" --latency -s "$here/predict.lua" "$url/v1/models/$name:predict"
run_wrk mixed -t"$conns" -c"$conns" -d"${secs}s" --timeout 15s --latency -s "$here/mixed.lua" "$url/v1/models/$name:predict"
alive="$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz")"
echo "after the mixed run: /healthz answered $alive"
stop
start --max-batch 1
warm
run_wrk unbatched -t2 -c"$conns" -d"${secs}s" --latency -s "$here/predict.lua" "$url/v1/models/$name:predict"
stop

rps() { sed -n 's/^Requests\/sec: *//p' "$work/$1.txt"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$work/$1.txt"; }
non2xx() { local v; v="$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$work/$1.txt")"; echo "${v:-0}"; }
timeouts() { local v; v="$(sed -n 's/.*timeout \([0-9]*\).*/\1/p' "$work/$1.txt")"; echo "${v:-0}"; }
batch() {  # examples per forward pass during the run itself (metrics after minus before)
  cat "$work/$1.before" "$work/$1.txt" | awk '/^before_.*_sum/ {s0=$2} /^before_.*_count/ {c0=$2}
    /^fovea_batch_size_sum/ {s=$2} /^fovea_batch_size_count/ {c=$2} END {if (c > c0) printf "%.1f", (s - s0) / (c - c0)}'
}
echo
echo "=== summary: $name, $conns connections, $secs s each, $(nproc) cores (server and wrk share them) ==="
printf '%-10s %10s %9s %9s %9s %9s %11s\n' run req/s p50 p99 non-2xx timeouts mean-batch
for r in batched unbatched; do
  printf '%-10s %10s %9s %9s %9s %9s %11s\n' "$r" "$(rps $r)" "$(pct $r 50%)" "$(pct $r 99%)" "$(non2xx $r)" "$(timeouts $r)" "$(batch $r)"
done
awk -v a="$(rps batched)" -v b="$(rps unbatched)" 'BEGIN {printf "throughput ratio, micro-batching on / off: %.2f\n", a / b}'
grep MIXED "$work/mixed.txt"
echo "server alive after the mixed run: /healthz $alive"
