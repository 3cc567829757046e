#!/usr/bin/env bash
# Training throughput of one process with 2 BLAS threads against 2 MPI processes with 1 thread
# each, on this machine (README § Training on several machines). Trains one epoch of each model
# and mode on the built-in demo data and prints the training rows/s that train.log reports.
#   bash Tools/scripts/mpi-scaling.sh [TRAIN_EXECUTABLE] [MODELS] [LENGTHS]
# TRAIN_EXECUTABLE defaults to the Makefile's release build (built with the MPI trait).
set -euo pipefail
cd "$(dirname "$0")/../.."
train="${1:-$(swift build -c release --traits MPI --package-path Tools --show-bin-path)/train}"
models="${2:-GRU4Rec SASRec}"
lengths="${3:-50 200}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
"$train" prepare --synthetic demo --out "$work/data" --configs Configs >/dev/null
rate() { grep -o '[0-9]* rows/s' "$1/train.log" | head -1 | cut -d' ' -f1; }
printf '| model | mode | L | 1 process × 2 threads | 2 processes × 1 thread | ratio |\n|---|---|---|---|---|---|\n'
for model in $models; do for mode in base ada; do for length in $lengths; do
    settings=(--model "$model" --mode "$mode" --data "$work/data" --quiet --configs Configs --epochs=1
              --batch_size=1024 --MAX_SEQ_LEN="$length" --show_progress=false)
    OPENBLAS_NUM_THREADS=2 "$train" fit "${settings[@]}" --output "$work/one-$model-$mode-$length" >/dev/null
    OPENBLAS_NUM_THREADS=1 mpirun -np 2 --bind-to none --mca btl tcp,self "$train" fit "${settings[@]}" \
        --output "$work/two-$model-$mode-$length" >/dev/null
    one=$(rate "$work/one-$model-$mode-$length"); two=$(rate "$work/two-$model-$mode-$length")
    printf '| %s | %s | %s | %s rows/s | %s rows/s | %.2f |\n' "$model" "$mode" "$length" "$one" "$two" \
        "$(echo "$two / $one" | bc -l)"
done; done; done
