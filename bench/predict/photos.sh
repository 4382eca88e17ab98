#!/usr/bin/env bash
# The photo figures of `fovea predict` over a folder (docs/predict.md): 2,000 synthetic 1080x1080 JPEGs
# through torchvision's mobilenet_v2 imported from ONNX, at 224x224.
#   bench/predict/photos.sh WORK_DIR [N=2000] [extra predict options...]
#   PHOTOS="photos/roll-00 photos/roll-01" bench/predict/photos.sh WORK_DIR   # a subset (100 photos a folder)
# Makes (once) WORK_DIR/photos (make_photos.py), WORK_DIR/mobilenet_v2.onnx (export_mobilenet.py) and
# WORK_DIR/mobilenet_v2.fovea (fovea onnx import), then runs
#   fovea predict --model mobilenet_v2.fovea photos --output m.csv --json
# under /usr/bin/time -v: img/s, time decoding (background thread) vs inferring, time the model
# waited for decoding, peak RSS; the load average is printed before and after.
set -euo pipefail
work="$(cd "$1" && pwd)"; shift
n="${1:-2000}"; shift || true
here="$(cd "$(dirname "$0")" && pwd)"
fovea="$here/../../fovea"
cd "$work"
[ -d photos ] || /usr/bin/python3 "$here/make_photos.py" photos "$n"
[ -f mobilenet_v2.onnx ] || /usr/bin/python3 "$here/export_mobilenet.py" mobilenet_v2.onnx
[ -f mobilenet_v2.fovea ] || "$fovea" onnx import mobilenet_v2.onnx mobilenet_v2.fovea
read -r -a operands <<< "${PHOTOS:-photos}"
echo "photos: $(find "${operands[@]}" -name '*.jpg' | wc -l) files, $(du -shc "${operands[@]}" | tail -1 | cut -f1)"
echo "load before: $(uptime | sed 's/.*load average: //')"
/usr/bin/time -v "$fovea" predict --model mobilenet_v2.fovea "${operands[@]}" --output m.csv --overwrite --json "$@" > photos.json 2> photos.err
cat photos.json
grep -E "Maximum resident|Elapsed \(wall" photos.err
echo "load after: $(uptime | sed 's/.*load average: //')"
/usr/bin/python3 - <<'PY'
import json
j = json.load(open("photos.json"))
d, i, w = j["decode_seconds"], j["inference_seconds"], j["waiting_for_decode_seconds"]
print("decoding %.1f s (%.0f%% of decode + inference), inference %.1f s (%.0f%%); the model waited %.1f s for decoding (%.0f%% of the run)"
      % (d, 100 * d / (d + i), i, 100 * i / (d + i), w, 100 * w / j["seconds"]))
PY
