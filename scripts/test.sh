#!/usr/bin/env bash
# The test command: installs the pinned test dependencies into .venv, builds the C library, the CLI, the
# examples and the C tests with -Werror, installs the Python package, and runs every C test and every
# oracle test. With CI=true a skipped oracle test counts as a failure.
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

SIGRUN_CLI="$PWD/build/sigrun" .venv/bin/python -m pytest tests/oracle -q -p no:cacheprovider "$@"
