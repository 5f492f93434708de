#!/bin/bash
# A width-0.75, depth-48 HairMatteNet from the shipped width-1.0, depth-64 one on this 2-core CPU (issue
# #14's speed budget needs fewer multiply-adds): cut every encoder layer to 0.75 of its channels and the
# decoder to 48 (training/prune.py), then fine-tune with distillation from the 1.0 model (--teacher),
# light augmentation and a weight average, the learning rate lowered in three phases (250-step epochs; a
# phase resumes the previous checkpoint).
#   bash training/schedules/cpu_prune_distill.sh OUTROOT [TEACHER] [MINUTES]
# OUTROOT/pruned.hmm is the cut; OUTROOT/hairmattenet/hairmattenet.hmm the result (best epoch on
# the per-epoch validation subset); MINUTES (default 100) caps the training wall time over all phases.
# WIDTH / DEPTH choose the cut (default 750 / 48); FREEZE=13 keeps encoder blocks 0..13 frozen throughout
# (a full-width cut that only narrows the decoder trains the decoder alone); THREADS sets torch's threads;
# KD=0 trains on the masks alone (no teacher: about 2.5x the steps per second, and on 2026-12-05 it
# fitted LFW Parts better than distillation did: training/README.md).
set -e
cd "$(dirname "$0")/../.."
OUT=${1:?usage: cpu_prune_distill.sh OUTROOT [TEACHER] [MINUTES]}
TEACHER=${2:-models/hairmattenet.hmm}
MINUTES=${3:-100}
DATA=${DATA:-../shared/data/hair}
WIDTH=${WIDTH:-750}
DEPTH=${DEPTH:-48}
PY=${PY:-/usr/bin/python3}
EXTRA=()
[ -n "${FREEZE:-}" ] && EXTRA+=(--freeze-upto "$FREEZE" --freeze-epochs 1000)
[ -n "${THREADS:-}" ] && EXTRA+=(--threads "$THREADS")
[ "${KD:-1}" = 0 ] || EXTRA+=(--teacher "$TEACHER")
mkdir -p "$OUT"
[ -f "$OUT/pruned.hmm" ] || "$PY" training/prune.py --model "$TEACHER" --data "$DATA" --width "$WIDTH" \
  --depth "$DEPTH" --out "$OUT/pruned.hmm"
for phase in "10 0.3" "18 0.15" "24 0.075"; do
  set -- $phase
  "$PY" training/train.py --data "$DATA" --arch hairmattenet --width "$WIDTH" --depth "$DEPTH" \
    --out "$OUT/hairmattenet" --init "$OUT/pruned.hmm" --epochs "$1" --lr "$2" --augment light --ema 0.999 \
    --size 224 --steps-per-epoch 250 --val-per-source 40 --time-budget "$MINUTES" "${EXTRA[@]}"
done
