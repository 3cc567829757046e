#!/usr/bin/env bash
# `make fuzz`: builds the libFuzzer targets of this folder and runs each for FUZZ_SECONDS (default 60).
#
#   FUZZ_SECONDS=300 FUZZ_TARGETS="FuzzZip FuzzSplitFormat" bash Fuzz/run-fuzz.sh
#
# Each target starts from its committed seeds (Corpus/<target>) and regression inputs
# (Regressions/<target>); new interesting inputs go to a scratch corpus under .build-fuzz, crashes,
# timeouts and out-of-memory inputs to .build-fuzz/artifacts/<target>/. A found input is fixed in
# the reader and then copied into Regressions/<target>/, which the package tests replay
# (FuzzRegressionReplayTests). Prints one line per target: executions, coverage, crashes; exits 1
# when any target left an artifact.
set -euo pipefail
cd "$(dirname "$0")"
SECONDS_PER_TARGET="${FUZZ_SECONDS:-60}"
TARGETS="${FUZZ_TARGETS:-FuzzZip FuzzSafeTensors FuzzTSV FuzzRecBole FuzzReferenceSplit FuzzSplitFormat FuzzConfigYAML}"
SCRATCH=.build-fuzz
# Let libFuzzer, not Swift's backtracer, handle a trap, so that it saves the input.
export SWIFT_BACKTRACE=enable=no

echo "==> building the fuzz targets (release, -sanitize=fuzzer)"
swift build -c release --sanitize=fuzzer -Xswiftc -enable-testing --scratch-path "$SCRATCH" >&2
BIN="$(swift build -c release --sanitize=fuzzer -Xswiftc -enable-testing --scratch-path "$SCRATCH" --show-bin-path)"

failed=0
printf '%-20s %12s %8s %8s %8s %s\n' target executions cov ft corpus artifacts
for target in $TARGETS; do
  corpus="$SCRATCH/corpus/$target"
  artifacts="$SCRATCH/artifacts/$target"
  mkdir -p "$corpus" "$artifacts" "Regressions/$target"
  log="$SCRATCH/$target.log"
  # -rss_limit_mb: an input that makes a reader allocate gigabytes is reported as a bug too.
  "$BIN/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$artifacts/" "$corpus" "Corpus/$target" "Regressions/$target" >"$log" 2>&1 || true
  executions=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  coverage=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -1 || true)
  found=$(find "$artifacts" -type f | wc -l)
  printf '%-20s %12s %8s %8s %8s %s\n' "$target" "${executions:-?}" \
      "$(echo "$coverage" | awk '{print $2}')" "$(echo "$coverage" | awk '{print $4}')" \
      "$(echo "$coverage" | awk '{print $6}')" "$found"
  if [ "$found" -gt 0 ]; then
    failed=1
    echo "    $target: see $log and $artifacts/" >&2
  fi
done
exit $failed
