#!/usr/bin/env bash
# The Fashion-MNIST figures of `fovea predict` over a folder (docs: fovea-cli/README.md, "Predicting folders").
#   bench/predict/fashion.sh WORK_DIR [MODEL.fovea]
# WORK_DIR/fmnist is made by make_fashion_pngs.py (10,000 test PNGs under test/, one image a class under train/).
# MODEL defaults to WORK_DIR/notes.fovea (e.g. ./fovea train --epochs 2 --output WORK_DIR/notes.fovea).
# Measures, each with the load average beside it:
#   1. the streaming way: fovea predict MODEL fmnist/test --output r.csv   (img/s, peak RSS)
#   2. today's way for many files: fovea predict MODEL --json FILE... with all 10,000 files (img/s, peak RSS),
#      and its predictions against the CSV's (top-3 labels and probabilities)
#   3. one process per file on a sample of 20 files (img/s)
#   4. accuracy from the CSV against fovea evaluate --data fmnist on the same 10,000 images
set -euo pipefail
work="$(cd "$1" && pwd)"
model="${2:-$work/notes.fovea}"
fovea="$(cd "$(dirname "$0")/../.." && pwd)/fovea"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$work"
rss() { grep "Maximum resident" "$1" | awk '{printf "%.0f MB", $6/1024}'; }
wall() { grep "Elapsed (wall" "$1" | awk '{print $NF}'; }
load() { uptime | sed 's/.*load average: //'; }

echo "== streaming: fovea predict --model $(basename "$model") fmnist/test --output r.csv   (load before: $(load))"
/usr/bin/time -v "$fovea" predict --model "$model" fmnist/test --output r.csv --overwrite 2> stream.err > stream.out
cat stream.out; echo "peak RSS $(rss stream.err), wall $(wall stream.err), load after: $(load)"

echo "== today's way: fovea predict --model $(basename "$model") --json <10,000 files>   (load before: $(load))"
find fmnist/test -name '*.png' | sort > files.txt
mapfile -t files < files.txt
/usr/bin/time -v "$fovea" predict --model "$model" --json "${files[@]}" > old.json 2> old.err
echo "peak RSS $(rss old.err), wall $(wall old.err) (JVM start and model load included), load after: $(load)"

echo "== one process per file, 20 files   (load before: $(load))"
start=$(date +%s.%N)
mkdir -p single
awk 'NR % 500 == 1' files.txt | while IFS= read -r f; do
  "$fovea" predict --model "$model" --json "$f" > "single/$(basename "$f").json" 2>/dev/null
done
end=$(date +%s.%N)
python3 -c "print('20 files in %.1f s: %.2f img/s' % ($end - $start, 20 / ($end - $start)))"
echo "load after: $(load)"

echo "== compare and accuracy"
/usr/bin/python3 "$here/compare_predictions.py" r.csv old.json single
echo "fovea evaluate --data fmnist (load before: $(load)):"
"$fovea" evaluate --model "$model" --data fmnist --json 2>/dev/null | grep -E '"(examples|test_accuracy)"'
