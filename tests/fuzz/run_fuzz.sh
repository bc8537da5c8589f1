#!/usr/bin/env bash
# run_fuzz.sh — builds the libFuzzer targets with clang (-fsanitize=fuzzer,address,undefined) and fuzzes each
# for a given time, one after the other (the machine's cores are shared: one job at a time).
#
#   tests/fuzz/run_fuzz.sh [SECONDS] [TARGET...]     SECONDS per target (default 60); TARGET model, npy (default both)
#   env: BUILD_DIR (default build-fuzz), CC (default clang), FUZZ_ARGS (extra libFuzzer flags)
#
# Inputs found to add coverage go to $BUILD_DIR/corpus/<target> (seeded from tests/fuzz/corpus/<target>; not
# committed). A crash, leak, sanitizer report, timeout (>10 s) or OOM (>4 GB) stops that target and leaves the
# input in tests/fuzz/crashers/<target>/ as crash-*/leak-*/timeout-*/oom-*: minimize it, rename it after the
# bug, fix the bug, and commit it (CI replays that directory). Exit status 1 when anything was found.
set -euo pipefail
cd "$(dirname "$0")/../.."

SECONDS_PER_TARGET=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(model npy)
BUILD_DIR=${BUILD_DIR:-build-fuzz}
CC=${CC:-clang}

cmake -S tests/fuzz -B "$BUILD_DIR" -DCMAKE_C_COMPILER="$CC" -DSIGRUN_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  > /dev/null
cmake --build "$BUILD_DIR" -j2 --target $(printf 'fuzz_%s ' "${TARGETS[@]}")

found=0
for t in "${TARGETS[@]}"; do
  work="$BUILD_DIR/corpus/$t"
  crashers="tests/fuzz/crashers/$t"
  mkdir -p "$work" "$crashers"
  extra=()
  [ -f "tests/fuzz/$t.dict" ] && extra+=("-dict=tests/fuzz/$t.dict")
  log="$BUILD_DIR/fuzz_$t.log"
  echo "fuzz_$t: ${SECONDS_PER_TARGET}s, log $log"
  before=$(find "$crashers" -type f ! -name '.*' ! -name 'README*' | wc -l)
  # Leaks are detected at exit of each run and reported like crashes (detect_leaks is on under ASan).
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$BUILD_DIR/fuzz_$t" "$work" "tests/fuzz/corpus/$t" "$crashers" \
      -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="$crashers/" "${extra[@]}" ${FUZZ_ARGS:-} > "$log" 2>&1 || true
  after=$(find "$crashers" -type f ! -name '.*' ! -name 'README*' | wc -l)
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+ +DONE' "$log" || true
  grep -E 'cov: [0-9]+' "$log" | tail -1 || true
  if [ "$after" -gt "$before" ]; then
    echo "fuzz_$t: $((after - before)) new input(s) in $crashers; see $log"
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$log" | head -5 || true
    found=1
  fi
done
exit $found
