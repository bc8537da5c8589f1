"""Builds the Python package `sigrun`.

One CPython extension, `sigrun._native`, is compiled from every C source of the library (globbed at build
time, so new files are picked up) plus a stub that only defines PyInit__native. The public sigrun_* functions
keep default visibility (SIGRUN_API); everything else is hidden, as in the CMake build. The package then opens
the extension's file with ctypes, which releases the GIL during each foreign call.
"""
import glob
import os
import re

from setuptools import Extension, setup

ROOT = os.path.dirname(os.path.abspath(__file__))
os.chdir(ROOT)  # setuptools wants source paths relative to the project root

LIBRARY_DIRS = ("src/core", "src/format", "src/ops", "src/convert")


def library_sources():
    sources = []
    for directory in LIBRARY_DIRS:
        sources += sorted(glob.glob(os.path.join(directory, "*.c")))
    if not sources:
        raise RuntimeError("no C sources found under %s; run setup.py from the sigrun repository" % ", ".join(LIBRARY_DIRS))
    return sources


def header_version():
    with open(os.path.join("include", "sigrun.h"), encoding="utf-8") as f:
        text = f.read()
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        match = re.search(r"#define\s+SIGRUN_VERSION_%s\s+(\d+)" % part, text)
        if not match:
            raise RuntimeError("include/sigrun.h has no SIGRUN_VERSION_%s" % part)
        parts.append(match.group(1))
    return ".".join(parts)


native = Extension(
    "sigrun._native",
    sources=library_sources() + ["bindings/python/sigrun/_native.c"],
    include_dirs=["include", "src"],
    define_macros=[("_POSIX_C_SOURCE", "200809L")],
    # -Wno-format-truncation as in CMakeLists.txt: messages are cut to the fixed error buffer on purpose.
    extra_compile_args=["-std=c11", "-O2", "-fvisibility=hidden", "-Wno-format-truncation"],
    extra_link_args=["-pthread"],
    libraries=["m"],
    # Rebuild when any header changes, not only when a .c file does.
    depends=sorted(glob.glob("include/*.h") + glob.glob("src/*/*.h")),
)

setup(
    version=header_version(),
    package_dir={"": "bindings/python"},
    packages=["sigrun"],
    ext_modules=[native],
    zip_safe=False,
    # Keep setuptools' scratch files out of build/, which the CMake build may use.
    options={"build": {"build_base": "build-python"}},
)
