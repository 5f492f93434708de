#!/bin/sh
# Table II of docs/RESULTS.md: HairMatteNet with decoder depth 16/32/64/128 trained WITHOUT the
# gradient-consistency loss (w = 0), plus depth 64 with w = 0.5 for the effect of the loss. A shortened
# schedule (the same for all five, so they compare with each other, not with the shipped model):
# MINUTES of training each at 160x160 from the ImageNet encoder, 100-step epochs, best of the epochs on 20
# validation images per source. One run after the other (the machine's 2 cores are shared).
#   sh evaluation/table2/train.sh [OUTROOT=runs/table2] [MINUTES=4]
set -e
cd "$(dirname "$0")/../.."
OUT=${1:-runs/table2}
MINUTES=${2:-4}
mkdir -p "$OUT"
if pgrep -f training/train.py >/dev/null; then
  echo "a training/train.py run is in progress; Table II waits for it (the cores are shared)" >&2
  exit 1
fi
for spec in "16 0" "32 0" "64 0" "128 0" "64 0.5"; do
  set -- $spec
  dir="$OUT/d$1-w$2"
  if [ -f "$dir/hairmattenet.hmm" ]; then echo "$dir done"; continue; fi
  echo "$(date -u +%H:%M:%S) training $dir" >&2
  nice -n 10 /usr/bin/python3 training/train.py --data ../shared/data/hair --arch hairmattenet --out "$dir" \
    --depth "$1" --grad-weight "$2" --size 160 --time-budget "$MINUTES" --steps-per-epoch 100 \
    --val-per-source 20 --freeze-upto 3 --freeze-epochs 1 --seed 1 --threads 2 > "$dir.log" 2>&1 || {
      echo "training $dir failed, see $dir.log" >&2; exit 1; }
done
echo "$(date -u +%H:%M:%S) Table II models in $OUT" >&2
