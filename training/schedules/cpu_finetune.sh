#!/bin/sh
# The fourth phase of the shipped HairMatteNet (models/hairmattenet.md), run on 2026-12-03 when the third
# phase's checkpoint was no longer at hand: fine-tune the shipped weights (--init, a fresh Adadelta state
# filled on 50 batches at rate 0 first), with lighter augmentation (the model fitted its own training
# images little better than the validation ones: it underfits) and an exponential moving average of the
# weights (--ema 0.999: batch-4 steps move the validation IoU by a few hundredths from one step to the
# next; the average is what is validated and exported). 250-step "epochs"; rate 0.3 for 750 steps, then
# 0.2, then 0.1 from epoch 12 (Adadelta's step grows like sqrt(steps) from a fresh state, so lowering the
# rate keeps the step size about level); channels-last CPU training (about 2x the steps per second of
# NCHW on this machine). On 2026-12-03 the first 750 steps ran with the average's warm-up ramp (it then
# spanned only the last ~n/10 steps), the rest without it, as this script now runs throughout.
# Usage: sh training/schedules/cpu_finetune.sh OUTROOT [INIT_MODEL]
set -e
cd "$(dirname "$0")/../.."
OUT=${1:?usage: cpu_finetune.sh OUTROOT [INIT_MODEL]}
INIT=${2:-models/hairmattenet.hmm}
DATA=../shared/data/hair
for phase in "3 0.3" "11 0.2" "17 0.1"; do
  set -- $phase
  nice -n 10 /usr/bin/python3 training/train.py --data "$DATA" --arch hairmattenet --out "$OUT/hairmattenet" \
    --init "$INIT" --epochs "$1" --lr "$2" --augment light --ema 0.999 --size 224 \
    --steps-per-epoch 250 --val-per-source 40
done
