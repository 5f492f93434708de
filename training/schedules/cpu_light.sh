#!/bin/sh
# NOT part of the shipped weights: a fourth phase tried on 2026-11-25 whose run was lost with its machine
# before it was evaluated (the shipped fourth phase is cpu_finetune.sh). It resumes the run of cpu_anneal.sh
# with lighter augmentation (--augment light: half the geometric and colour ranges), because at epoch 50
# the model fitted its own training images little better than the validation ones (IoU on 100 training
# images per source: CelebAMask 0.877, LFW 0.708; validation 0.836, 0.691), i.e. it underfits rather
# than overfits. Rate 0.075 up to epoch 66, then 0.035 up to epoch 72; 250-step "epochs" as before.
# --time-budget is only a cap here (it counts the earlier phases' wall time too).
# Usage: sh training/schedules/cpu_light.sh OUTROOT   (the OUTROOT given to cpu_session.sh)
set -e
cd "$(dirname "$0")/../.."
OUT=${1:?usage: cpu_light.sh OUTROOT}
DATA=../shared/data/hair
for phase in "66 0.075" "72 0.035"; do
  set -- $phase
  nice -n 10 /usr/bin/python3 training/train.py --data "$DATA" --arch hairmattenet --out "$OUT/hairmattenet" \
    --epochs "$1" --time-budget 600 --lr "$2" --augment light --low-size 160 --low-until 0.3 --size 224 \
    --freeze-upto 3 --freeze-epochs 2 --steps-per-epoch 250 --val-per-source 40
done
