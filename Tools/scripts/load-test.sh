#!/usr/bin/env bash
# Load test of `train serve` with wrk on loopback: GRU4Rec and SASRec, Base and Ada-Ranker,
# MAX_SEQ_LEN = 50, 20 candidates per request, at concurrency 1, 8 and 64.
#
#   bash Tools/scripts/load-test.sh            (after `make demo`, which writes runs/demo/data)
#
# Trains each model for one epoch on the demo data (scores need not be good to be timed), starts
# `train serve` on 127.0.0.1, runs wrk for DURATION seconds per concurrency with requests built from
# demo test rows whose history has at least 50 items, reads the server's /metrics after each run,
# stops the server with SIGTERM (which must exit 0) and writes a Markdown table to $OUT/results.md.
# Environment: DURATION (default 10), PORT (default 18080), OUT (default runs/load-test),
# SCRATCH (SwiftPM build folder, default Tools/.build), MAX_WAIT_US (default 200), MAX_BATCH (32),
# MODELS (default "GRU4Rec SASRec"), MODES ("base ada"), CONCURRENCY ("1 8 64"), TRAIN (a built
# `train` executable to use instead of building one).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
DURATION=${DURATION:-10}
PORT=${PORT:-18080}
OUT=${OUT:-runs/load-test}
SCRATCH=${SCRATCH:-Tools/.build}
MAX_WAIT_US=${MAX_WAIT_US:-200}
MAX_BATCH=${MAX_BATCH:-32}
DATA=runs/demo/data
URL="http://127.0.0.1:$PORT"

[ -f "$DATA/stats.json" ] || { echo "load-test: $DATA is missing; run 'make demo' first" >&2; exit 1; }
command -v wrk >/dev/null || { echo "load-test: installing wrk"; apt-get install -y -qq wrk; }
if [ -z "${TRAIN:-}" ]; then
  swift build -c release --package-path Tools --scratch-path "$SCRATCH" --product train
  TRAIN=$(swift build -c release --package-path Tools --scratch-path "$SCRATCH" --show-bin-path)/train
fi
mkdir -p "$OUT"

# Request bodies: demo test rows with ≥ 50 history items, raw ids, the positive and its 19 negatives.
python3 - "$DATA" "$OUT/bodies.jsonl" <<'PY'
import ast, json, sys
data, out = sys.argv[1], sys.argv[2]
def table(name):
    with open(f"{data}/{name}") as f:
        next(f)
        return {int(i): int(r) for r, i in (line.split("\t") for line in f if line.strip())}
items, users = table("item2idx.tsv"), table("user2idx.tsv")
bodies = []
with open(f"{data}/test.tsv") as f:
    next(f)
    for line in f:
        user, item, _, seq, length, negs = line.rstrip("\n").split("\t")
        history = ast.literal_eval(seq)
        if len(history) < 50:
            continue
        candidates = [int(item)] + ast.literal_eval(negs)
        if len(set(candidates)) != len(candidates):
            continue  # sampled negatives may repeat; the server refuses repeated candidates
        bodies.append(json.dumps({"history": [items[i] for i in history], "candidates": [items[i] for i in candidates],
                                  "user_id": users[int(user)]}, separators=(",", ":")))
if not bodies:
    sys.exit("no test row with a history of 50 items")
with open(out, "w") as f:
    f.write("\n".join(bodies[:500]) + "\n")
print(f"load-test: {min(len(bodies), 500)} request bodies")
PY

# The value of a Prometheus sample line `name{labels} value` (0 when absent).
metric() { awk -v name="$1" '$1 == name { print $2; found = 1 } END { if (!found) print 0 }' "$2"; }

results="$OUT/results.tsv"
printf "model\tmode\tconcurrency\trps\tp50_us\tp99_us\tmean_us\tfailed\tforward_us_per_pass\trows_per_pass\thandler_us\tload\n" > "$results"
for model in ${MODELS:-GRU4Rec SASRec}; do
  for mode in ${MODES:-base ada}; do
    run="$OUT/$model-$mode"
    if [ ! -f "$run/best.safetensors" ]; then
      "$TRAIN" fit --model "$model" --mode "$mode" --data "$DATA" --dataset demo --output "$run" --quiet \
          --MAX_SEQ_LEN=50 --epochs=1 > "$run.fit.log" 2>&1
    fi
    for concurrency in ${CONCURRENCY:-1 8 64}; do
      threads=$(( concurrency < 2 ? 1 : 2 ))
      "$TRAIN" serve --checkpoint "$run/best.safetensors" --data "$DATA" --port "$PORT" \
          --max-wait-us "$MAX_WAIT_US" --max-batch "$MAX_BATCH" > "$run.serve.log" 2>&1 &
      server=$!
      for _ in $(seq 1 600); do curl -sf "$URL/health" >/dev/null 2>&1 && break; sleep 0.1; done
      curl -sf "$URL/health" >/dev/null || { echo "load-test: the server did not become ready" >&2; kill "$server"; exit 1; }
      load=$(cut -d' ' -f1 /proc/loadavg)
      line=$(BODIES="$OUT/bodies.jsonl" wrk -t "$threads" -c "$concurrency" -d "${DURATION}s" --latency \
                 -s Tools/scripts/rank.lua "$URL" | grep '^RESULT')
      curl -sf "$URL/metrics" > "$OUT/metrics.txt"
      kill -TERM "$server"
      status=0; wait "$server" || status=$?
      [ "$status" = 0 ] || { echo "load-test: train serve exited $status after SIGTERM" >&2; exit 1; }
      passes=$(metric ranker_forward_duration_seconds_count "$OUT/metrics.txt")
      forward=$(metric ranker_forward_duration_seconds_sum "$OUT/metrics.txt")
      rows=$(metric ranker_batch_rows_sum "$OUT/metrics.txt")
      handled=$(metric 'ranker_request_duration_seconds_count{endpoint="rank"}' "$OUT/metrics.txt")
      handler=$(metric 'ranker_request_duration_seconds_sum{endpoint="rank"}' "$OUT/metrics.txt")
      eval "$(echo "$line" | sed 's/^RESULT //' | tr ' ' '\n' | sed 's/^/r_/')"
      [ "$r_failed" = 0 ] || { echo "load-test: $r_failed failed requests ($model $mode, concurrency $concurrency)" >&2; exit 1; }
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$model" "$mode" "$concurrency" "$r_rps" "$r_p50_us" \
          "$r_p99_us" "$r_mean_us" "$r_failed" \
          "$(awk -v s="$forward" -v n="$passes" 'BEGIN { printf "%.1f", (n > 0 ? s / n * 1e6 : 0) }')" \
          "$(awk -v r="$rows" -v n="$passes" 'BEGIN { printf "%.1f", (n > 0 ? r / n : 0) }')" \
          "$(awk -v s="$handler" -v n="$handled" 'BEGIN { printf "%.1f", (n > 0 ? s / n * 1e6 : 0) }')" "$load" >> "$results"
      tail -1 "$results"
    done
  done
done

# Markdown: at concurrency 1 each request is its own forward pass, so the share of the client's
# median latency that is not the model is 1 − forward time / p50 (the median, since on a shared
# machine the mean follows the tail).
awk -F'\t' 'NR == 1 { next }
  { mode = $2 == "ada" ? "Ada-Ranker" : "Base"
    share = $3 == 1 && $5 > 0 ? sprintf("%.0f %%", 100 * (1 - $9 / $5)) : "–"
    printf "| %s | %s | %s | %.0f | %.0f | %.0f | %.0f | %.1f | %s | %s |\n", $1, mode, $3, $4, $5, $6, $9, $10, share, $12 }
  BEGIN { print "| model | mode | concurrency | requests/s | p50 µs | p99 µs | model µs per pass | rows per pass | HTTP+JSON share | load avg |"
          print "|---|---|---|---|---|---|---|---|---|---|" }' "$results" > "$OUT/results.md"
cat "$OUT/results.md"
