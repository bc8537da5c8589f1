#!/usr/bin/env bash
# Builds the Java binding of sigrun with the JDK alone (no Maven, no downloads):
#   bindings/java/build.sh CMAKE_BUILD_DIR [OUT_DIR]
# CMAKE_BUILD_DIR must hold libsigrun.a (cmake --build DIR --target sigrun_static). OUT_DIR (default
# CMAKE_BUILD_DIR/java) receives sigrun.jar, libsigrun_jni.so (the JNI code with libsigrun linked in
# statically), and test-classes/ (the test mains and the EncodeDecode example). The JDK is the one whose
# javac is on PATH (its real path locates include/jni.h); CC picks the C compiler (default cc) and
# SIGRUN_JNI_CFLAGS adds flags (e.g. sanitizers matching a sanitized libsigrun.a).
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 CMAKE_BUILD_DIR [OUT_DIR]" >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "$1" && pwd)"
out="${2:-$build/java}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

javac_path="$(command -v javac || true)"
if [ -z "$javac_path" ]; then
  echo "error: javac not found on PATH; install a JDK (Debian: apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi
jdk="$(dirname "$(dirname "$(readlink -f "$javac_path")")")"
if [ ! -f "$jdk/include/jni.h" ]; then
  echo "error: $jdk/include/jni.h not found (javac at $javac_path is not from a full JDK)" >&2
  exit 1
fi
jdk_os_include="$(dirname "$(find "$jdk/include" -mindepth 2 -maxdepth 2 -name jni_md.h | head -n 1)")"
if [ ! -f "$build/libsigrun.a" ]; then
  echo "error: $build/libsigrun.a not found; build it first: cmake --build $build --target sigrun_static" >&2
  exit 1
fi

rm -rf "$out/classes" "$out/test-classes" "$out/jni-include"
"$jdk/bin/javac" -Xlint:all -Werror -encoding UTF-8 -d "$out/classes" -h "$out/jni-include" \
  "$here"/src/org/sigrun/*.java
"$jdk/bin/jar" --create --file "$out/sigrun.jar" -C "$out/classes" .

# shellcheck disable=SC2086  # SIGRUN_JNI_CFLAGS is a list of flags, e.g. "-fsanitize=address,undefined"
"${CC:-cc}" -std=c11 -O2 -fPIC -shared -fvisibility=hidden ${SIGRUN_JNI_CFLAGS:-} \
  -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter \
  -I "$root/include" -I "$out/jni-include" -I "$jdk/include" -I "$jdk_os_include" \
  "$here/jni/sigrun_jni.c" "$here/jni/sigrun_jni_data.c" "$build/libsigrun.a" -lm -lpthread -Wl,-z,defs \
  -o "$out/libsigrun_jni.so"

"$jdk/bin/javac" -Xlint:all -Werror -encoding UTF-8 -cp "$out/sigrun.jar" -d "$out/test-classes" \
  "$here"/test/org/sigrun/tests/*.java "$here"/../../examples/java/*.java
echo "built $out/sigrun.jar, $out/libsigrun_jni.so and $out/test-classes"
