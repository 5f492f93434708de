#!/usr/bin/env bash
# Every model on one GPU in one go (issue 19), the runs side by side on the one device (batches of 4 leave
# it mostly idle):
#   - HairMatteNet: the paper's full recipe (50 epochs, batch 4, Adadelta 1.0, L_C weight 0.5), then the
#     fine-tuning the CPU runs found useful (cpu_finetune.sh: --init from it, light augmentation, a weight
#     average, the rate lowered 0.3 -> 0.2 -> 0.1 over 250-step epochs);
#   - HairSegNet: the full recipe;
#   - Table II (evaluation/table2/): HairMatteNet at decoder depth 16/32/64/128 without L_C and depth 64
#     with it, each the same number of steps (T2_STEPS), not the same minutes.
# After every phase its .hmm and log are copied to OUT/models/ (NAME.hmm, NAME.log), so a run cut short
# still returns the models of the phases it finished; each phase is also capped in minutes (*_MIN) and
# then exports its best epoch. The preload cache is written once first (the runs share it).
#
#   bash training/schedules/gpu_all.sh OUT            # on the GPU machine
#   bash training/schedules/gpu_all.sh --smoke OUT    # end to end on the CPU in seconds (tiny everything)
# Environment (defaults in brackets): DATA [../shared/data/hair, or a pack from training/pack_data.py],
# WEIGHTS [../shared/weights/mobilenet_v1_1.0_224_imagenet], DEVICE [cuda; cpu with --smoke], PY [python3
# with torch], CACHE [OUT/cache: the preload cache; a smoke run on the same DATA can share it],
# EPOCHS [50], T2_STEPS [10000], JOBS [hairmattenet hairsegnet table2; or compact: width-0.75 HairMatteNets
# for the int8 model, with WEIGHTS the 0.75 folder; or distill: TEACHER [models/hairmattenet.hmm] cut to width
# 0.75 and depth 48 by training/prune.py, then fine-tuned with it as the teacher at batches 16 and 32 and
# with --distill 1], and caps in minutes of training per run (the trainer's --time-budget, summed over a
# run's phases): HMN_MIN [5.5], TUNE_MIN [1.5] (all fine-tuning phases), HSN_MIN [7], T2_MIN [7], KD_MIN [7].
# Table II's rows here train at 224 like the full recipe (evaluation/table2/train.sh trained them at 160 for
# a few minutes each on the CPU), no encoder freezing, 500-step epochs, the best epoch exported.
set -u
cd "$(dirname "$0")/../.."
SMOKE=0
if [ "${1:-}" = "--smoke" ]; then SMOKE=1; shift; fi
OUT=${1:?usage: gpu_all.sh [--smoke] OUT}
if [ -z "${PY:-}" ]; then
  for candidate in python3 /usr/bin/python3; do
    if "$candidate" -c "import torch" 2>/dev/null; then PY=$candidate; break; fi
  done
fi
: "${PY:?no python3 with torch found: set PY}"
DATA=${DATA:-../shared/data/hair}
WEIGHTS=${WEIGHTS:-../shared/weights/mobilenet_v1_1.0_224_imagenet}
mkdir -p "$OUT/models"
CACHE=${CACHE:-$OUT/cache}
COMMON=(--data "$DATA" --cache-dir "$CACHE" --val-per-source 100 --seed 1)
if [ "$SMOKE" = 1 ]; then
  # Tiny networks and step counts, the CPU, a random encoder: checks the schedule's plumbing only.
  DEVICE=${DEVICE:-cpu}
  COMMON+=(--device "$DEVICE" --weights none --width 250 --size 64 --threads 1 --val-per-source 4)
  EPOCHS=${EPOCHS:-2} T2_STEPS=${T2_STEPS:-2}
  FULL=(--steps-per-epoch 2) TUNE_EPOCH=2 TUNE_PHASES=("1 0.3" "2 0.2") WARMUP=2
  HMN_DEPTH=16 T2_DEPTHS=(16 32) KD_WIDTH=250 KD_DEPTH=8 KD_CALIB=1 KD_EPOCH=2 KD_SMOKE=(--batch 2 --epochs 2)
else
  DEVICE=${DEVICE:-cuda}
  COMMON+=(--device "$DEVICE" --weights "$WEIGHTS" --size 224 --threads 2)
  EPOCHS=${EPOCHS:-50} T2_STEPS=${T2_STEPS:-10000}
  FULL=() TUNE_EPOCH=250 TUNE_PHASES=("3 0.3" "11 0.2" "17 0.1") WARMUP=50
  HMN_DEPTH=64 T2_DEPTHS=(16 32 64 128) KD_WIDTH=750 KD_DEPTH=48 KD_CALIB=32 KD_EPOCH=250 KD_SMOKE=()
fi
# Caps that end the whole schedule in about 8.5 minutes (one 10-minute device command): the preload, then
# 5.5 + 1.5 minutes of HairMatteNet training plus process starts, validation and exports.
HMN_MIN=${HMN_MIN:-5.5} TUNE_MIN=${TUNE_MIN:-1.5} HSN_MIN=${HSN_MIN:-7} T2_MIN=${T2_MIN:-7} KD_MIN=${KD_MIN:-7}
JOBS=${JOBS:-hairmattenet hairsegnet table2}

say() { echo "$(date -u +%H:%M:%S) $*" | tee -a "$OUT/schedule.log" >&2; }

# run NAME ARCH [train.py options...]: trains into OUT/NAME, then copies NAME.hmm and NAME.log to OUT/models
run() {
  local name=$1 arch=$2
  shift 2
  say "start $name"
  if "$PY" training/train.py "${COMMON[@]}" --arch "$arch" --out "$OUT/$name" "$@" > "$OUT/$name.stdout" 2>&1; then
    cp "$OUT/$name/$arch.hmm" "$OUT/models/$name.hmm"
    cp "$OUT/$name/train.log" "$OUT/models/$name.log"
    say "done $name -> $OUT/models/$name.hmm"
  else
    cp "$OUT/$name.stdout" "$OUT/models/$name.failed.log" 2>/dev/null
    say "FAILED $name (see $OUT/models/$name.failed.log)"
    return 1
  fi
}

# hairmattenet NAME [train.py options...]: the full recipe into NAME, then the fine-tuning into NAME-tuned
# from its best epoch; the options (e.g. --width 750 --depth 32 --batch 16) apply to both.
hairmattenet() {
  local name=$1
  shift
  local opts=("$@") phase epochs lr
  run "$name" hairmattenet --epochs "$EPOCHS" --depth "$HMN_DEPTH" --time-budget "$HMN_MIN" "${FULL[@]}" \
    "${opts[@]}" || return 1
  # the best epoch in fp32 (the .hmm above is fp16) as the starting point of the fine-tuning
  "$PY" training/export.py "$OUT/$name/best.pt" "$OUT/$name/best-fp32.hmm" --dtype fp32 > /dev/null || return 1
  for phase in "${TUNE_PHASES[@]}"; do
    read -r epochs lr <<< "$phase"
    run "$name-tuned" hairmattenet --init "$OUT/$name/best-fp32.hmm" --depth "$HMN_DEPTH" "${opts[@]}" \
      --epochs "$epochs" --lr "$lr" --augment light --ema 0.999 --steps-per-epoch "$TUNE_EPOCH" \
      --optimiser-warmup "$WARMUP" --time-budget "$TUNE_MIN" || return 1
  done
}

table2_row() {  # DEPTH GRAD_WEIGHT
  run "table2-d$1-w$2" hairmattenet --depth "$1" --grad-weight "$2" --max-steps "$T2_STEPS" --epochs 1000 \
    --steps-per-epoch "$([ "$SMOKE" = 1 ] && echo 2 || echo 500)" --time-budget "$T2_MIN"
}

# distill NAME [train.py options...]: OUT/pruned.hmm (the teacher cut down, made once before the jobs start)
# fine-tuned with the teacher's softmax as the target (trainer --teacher), lowering the rate once.
distill() {
  local name=$1
  shift
  run "$name" hairmattenet --init "$OUT/pruned.hmm" --teacher "$TEACHER" --width "$KD_WIDTH" --depth "$KD_DEPTH" \
    --augment light --ema 0.999 --steps-per-epoch "$KD_EPOCH" --optimiser-warmup "$WARMUP" --epochs 1000 \
    --time-budget "$KD_MIN" "$@" "${KD_SMOKE[@]}"
}

say "gpu_all: DATA=$DATA DEVICE=$DEVICE PY=$PY CACHE=$CACHE smoke=$SMOKE"
"$PY" training/train.py "${COMMON[@]}" --arch hairmattenet --out "$OUT/preload" --preload-only \
  > "$OUT/preload.stdout" 2>&1 || { say "FAILED preload (see $OUT/preload.stdout)"; exit 1; }
if [[ " $JOBS " == *" distill "* ]]; then
  if [ -z "${TEACHER:-}" ] && [ "$SMOKE" = 1 ]; then  # a tiny random teacher of the smoke run's shape
    TEACHER=$OUT/smoke-teacher.hmm
    PYTHONPATH=training "$PY" -c "import sys; from hairmatte_train.models import HairNet; from hairmatte_train.model_file import write_model; write_model(sys.argv[1], HairNet('hairmattenet', 250, 16).eval(), 64, {}, 'fp32')" "$TEACHER"
  fi
  TEACHER=${TEACHER:-models/hairmattenet.hmm}
  split=()  # a folder without manifest.csv: the split the preload run wrote (the runs make the same one)
  [ -f "$DATA/manifest.csv" ] || split=(--split "$OUT/preload/split.json")
  "$PY" training/prune.py --model "$TEACHER" --data "$DATA" --width "$KD_WIDTH" --depth "$KD_DEPTH" \
    --calib "$KD_CALIB" "${split[@]}" --out "$OUT/pruned.hmm" > "$OUT/prune.stdout" 2>&1 \
    || { say "FAILED prune (see $OUT/prune.stdout)"; exit 1; }
  say "$(tail -n 1 "$OUT/prune.stdout")"
fi
pids=()
for job in $JOBS; do
  case $job in
    hairmattenet) hairmattenet hairmattenet & pids+=($!) ;;
    hairsegnet) run hairsegnet hairsegnet --epochs "$EPOCHS" --time-budget "$HSN_MIN" "${FULL[@]}" & pids+=($!) ;;
    table2)
      for depth in "${T2_DEPTHS[@]}"; do table2_row "$depth" 0 & pids+=($!); done
      table2_row "$HMN_DEPTH" 0.5 & pids+=($!) ;;
    # compact HairMatteNets for the int8 model (issue 14): width 0.75 (WEIGHTS = the 0.75 ImageNet folder),
    # decoder depth 64 or 32, batches of 4 (the paper's), 8 and 16
    compact)
      hairmattenet w750-d64 --width 750 & pids+=($!)
      hairmattenet w750-d32 --width 750 --depth 32 & pids+=($!)
      hairmattenet w750-d64-b8 --width 750 --batch 8 & pids+=($!)
      hairmattenet w750-d64-b16 --width 750 --batch 16 & pids+=($!)
      hairmattenet w750-d32-b16 --width 750 --depth 32 --batch 16 & pids+=($!) ;;
    # a width-0.75 depth-48 HairMatteNet cut from the trained 1.0 one and distilled from it (issue 14's speed)
    distill)
      distill kd-b16 --batch 16 --lr 0.5 & pids+=($!)
      distill kd-b32 --batch 32 --lr 0.5 & pids+=($!)
      distill kd-b32-a1 --batch 32 --lr 0.5 --distill 1 & pids+=($!) ;;
    *) say "unknown job $job (JOBS: hairmattenet hairsegnet table2 compact distill)"; exit 2 ;;
  esac
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
say "gpu_all finished: $failed job(s) failed; models in $OUT/models"
[ "$failed" = 0 ]
