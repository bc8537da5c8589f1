#!/usr/bin/env bash
# The test command: installs the pinned test dependencies into .venv, builds the C library, the CLI, the
# examples and the C tests with -Werror, installs the Python package, and runs every C test (all of them also
# under ASan + UBSan, the concurrency tests also under TSan) and every oracle test. With CI=true a skipped oracle test counts as a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/pip install --quiet --upgrade pip
.venv/bin/pip install --quiet -r requirements-test.txt
.venv/bin/pip install --quiet --no-build-isolation .

cmake -S . -B build -DSIGRUN_WERROR=ON -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build build -j2
(cd build && ctest --output-on-failure)

# Every C test again under AddressSanitizer + UndefinedBehaviorSanitizer (leaks included): any report fails.
cmake -S . -B build-asan -DSIGRUN_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build-asan -j2
(cd build-asan && ctest --output-on-failure)

# The concurrency tests again under ThreadSanitizer: a data race fails the run.
cmake -S . -B build-tsan -DSIGRUN_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo > /dev/null
cmake --build build-tsan -j2 --target test_threads test_state test_custom_ops test_threadpool
for t in test_threads test_state test_custom_ops test_threadpool; do
  TSAN_OPTIONS="halt_on_error=1 exitcode=66" "build-tsan/$t"
done

status=0
# The Java binding with its JNI code and libsigrun under ASan + UBSan (runtimes preloaded into the JVM only).
SIGRUN_JNI_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
  bindings/java/build.sh build-asan build-asan/java > /dev/null
SIGRUN_JAVA_DIR="$PWD/build-asan/java" \
SIGRUN_JAVA_LD_PRELOAD="$(cc -print-file-name=libasan.so):$(cc -print-file-name=libubsan.so)" \
  .venv/bin/python -m pytest tests/oracle/test_java.py -q -p no:cacheprovider || status=$?

SIGRUN_CLI="$PWD/build/sigrun" SIGRUN_OPS_COVERAGE="$PWD/build/ops_coverage.json" \
  .venv/bin/python -m pytest tests/oracle -q -p no:cacheprovider -n 2 "$@" || status=$?

# docs/ops.md is generated from this run's comparisons; say so when the committed copy is out of date.
.venv/bin/python tools/dev/gen_ops_doc.py build/ops_coverage.json > build/ops.md
if ! cmp -s build/ops.md docs/ops.md; then
  echo "note: docs/ops.md differs from this run's build/ops.md (cp build/ops.md docs/ops.md to update it)"
fi
exit $status
