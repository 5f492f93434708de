#!/bin/sh
# The schedule that trained the shipped models on a shared 2-core CPU in one working session:
# HairMatteNet first (most of the time), then HairSegNet, one after the other (2 cores only).
# Usage: sh training/schedules/cpu_session.sh OUTROOT [HMN_MINUTES] [HSN_MINUTES]
set -e
cd "$(dirname "$0")/../.."
OUT=${1:?usage: cpu_session.sh OUTROOT [HMN_MINUTES] [HSN_MINUTES]}
HMN_MIN=${2:-66}
HSN_MIN=${3:-20}
DATA=../shared/data/hair
nice -n 10 /usr/bin/python3 training/train.py --data "$DATA" --arch hairmattenet --out "$OUT/hairmattenet" \
  --time-budget "$HMN_MIN" --low-size 160 --low-until 0.7 --size 224 \
  --freeze-upto 3 --freeze-epochs 2 --steps-per-epoch 250 --val-per-source 40
nice -n 10 /usr/bin/python3 training/train.py --data "$DATA" --arch hairsegnet --out "$OUT/hairsegnet" \
  --time-budget "$HSN_MIN" --low-size 160 --low-until 0.6 --size 224 \
  --freeze-upto 3 --freeze-epochs 1 --steps-per-epoch 250 --val-per-source 40
