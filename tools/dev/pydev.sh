#!/bin/sh
# pydev.sh BUILD_DIR OUT_DIR — a private, uninstalled copy of the Python package that uses BUILD_DIR's
# libsigrun.so as sigrun._native, so several developers can run the oracle tests against their own builds
# without reinstalling the shared virtualenv. Use: PYTHONPATH=OUT_DIR .venv/bin/python -m pytest ...
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd)
out=$2
suffix=$("$root/.venv/bin/python" -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
rm -rf "$out/sigrun"
mkdir -p "$out/sigrun"
for f in "$root"/bindings/python/sigrun/*.py; do ln -s "$f" "$out/sigrun/"; done
# libsigrun_py.so also holds the converter (sigrun.Converter); older builds only have libsigrun.so.
lib="$build/libsigrun_py.so"
[ -e "$lib" ] || lib="$build/libsigrun.so"
ln -s "$lib" "$out/sigrun/_native$suffix"
