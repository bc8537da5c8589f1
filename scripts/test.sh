#!/usr/bin/env bash
# The test command: installs the pinned test dependencies into .venv, builds the C library, the CLI, the
# examples and the C tests with -Werror, installs the Python package, and runs every C test (all of them also
# under ASan + UBSan, the concurrency tests also under TSan) and every oracle test (also against the ASan + UBSan
# build). With CI=true a skipped oracle test counts as a failure.
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

# Converted models are kept on disk for the sanitized pass below (tests/oracle/oracle.py, cached()); emptied
# first so no conversion from an older checkout survives.
export SIGRUN_ORACLE_CACHE="$PWD/build/oracle-cache"
rm -rf "$SIGRUN_ORACLE_CACHE"
SIGRUN_CLI="$PWD/build/sigrun" SIGRUN_OPS_COVERAGE="$PWD/build/ops_coverage.json" \
  .venv/bin/python -m pytest tests/oracle -q -p no:cacheprovider -n 2 "$@" || status=$?

# The oracle tests again against the ASan + UBSan build: a private copy of the Python package over
# build-asan's library, the sanitizer runtimes preloaded into Python (TensorFlow and LiteRT run under them too,
# unchecked), and the CLI, C++ and example programs from build-asan. Any report aborts its test process, which
# fails the test. Leak detection is off here only because CPython and TensorFlow keep memory at exit; the C
# tests above run with LSan. Java has its own sanitized run above.
tools/dev/pydev.sh build-asan build-asan/pydev
PYTHONPATH="$PWD/build-asan/pydev" \
LD_PRELOAD="$(cc -print-file-name=libasan.so):$(cc -print-file-name=libubsan.so)" \
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
SIGRUN_CLI="$PWD/build-asan/sigrun" SIGRUN_CPP_TEST="$PWD/build-asan/test_cpp" \
SIGRUN_TFLITE_C_EXAMPLE="$PWD/build-asan/example_tflite_c_compat" SIGRUN_EXAMPLES_DIR="$PWD/build-asan" \
  .venv/bin/python -m pytest tests/oracle -q -p no:cacheprovider -n 2 --ignore=tests/oracle/test_java.py "$@" \
  || status=$?

# docs/ops.md is generated from this run's comparisons; say so when the committed copy is out of date.
.venv/bin/python tools/dev/gen_ops_doc.py build/ops_coverage.json > build/ops.md
if ! cmp -s build/ops.md docs/ops.md; then
  echo "note: docs/ops.md differs from this run's build/ops.md (cp build/ops.md docs/ops.md to update it)"
fi
exit $status
