#!/bin/sh
# The second phase of the shipped HairMatteNet (models/hairmattenet.md): resume the run of cpu_session.sh
# at 224x224 with a lower Adadelta rate (--lr on resume replaces the checkpoint's), first 0.3 until the
# summed wall time reaches 176 minutes, then 0.15 until 186.
# Usage: sh training/schedules/cpu_resume.sh OUTROOT   (the OUTROOT given to cpu_session.sh)
set -e
cd "$(dirname "$0")/../.."
OUT=${1:?usage: cpu_resume.sh OUTROOT}
DATA=../shared/data/hair
for phase in "176 0.3" "186 0.15"; do
  set -- $phase
  nice -n 10 /usr/bin/python3 training/train.py --data "$DATA" --arch hairmattenet --out "$OUT/hairmattenet" \
    --time-budget "$1" --lr "$2" --low-size 160 --low-until 0.3 --size 224 \
    --freeze-upto 3 --freeze-epochs 2 --steps-per-epoch 250 --val-per-source 40
done
