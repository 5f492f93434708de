#!/bin/sh
# The third phase of the shipped HairMatteNet (models/hairmattenet.md): resume the run of cpu_resume.sh at
# 224x224 and lower the Adadelta rate in steps, 250-step "epochs" as before: 0.15 up to epoch 37, 0.075 up
# to epoch 46, 0.035 up to epoch 50 (--lr on resume replaces the checkpoint's rate). On 2026-11-25 the
# switches were made by wall clock at epoch ends (schedule kept in this script's epochs), so a few dozen
# steps of a started epoch were dropped at each switch; --time-budget is only a cap here.
# Usage: sh training/schedules/cpu_anneal.sh OUTROOT   (the OUTROOT given to cpu_session.sh)
set -e
cd "$(dirname "$0")/../.."
OUT=${1:?usage: cpu_anneal.sh OUTROOT}
DATA=../shared/data/hair
for phase in "37 0.15" "46 0.075" "50 0.035"; do
  set -- $phase
  nice -n 10 /usr/bin/python3 training/train.py --data "$DATA" --arch hairmattenet --out "$OUT/hairmattenet" \
    --epochs "$1" --time-budget 400 --lr "$2" --low-size 160 --low-until 0.3 --size 224 \
    --freeze-upto 3 --freeze-epochs 2 --steps-per-epoch 250 --val-per-source 40
done
