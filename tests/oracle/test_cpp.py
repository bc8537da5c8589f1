"""The C++ wrapper (include/sigrun.hpp) against the official interpreter: tests/cpp/test_cpp.cpp (built by CMake as
test_cpp, which ctest also runs for its own checks) prints every output it computes; the same calls are made here in
ai_edge_litert with the same inputs and every number compared (floats within 1e-6 relative, integers exactly).

The binary is env SIGRUN_CPP_TEST, default build/test_cpp under the repository root; CI builds it."""
import os
import subprocess

import numpy as np
import pytest

import oracle

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("SIGRUN_CPP_TEST", os.path.join(ROOT, "build", "test_cpp"))


def pattern(n):
    return ((np.arange(n) % 7) * 0.25 - 0.75).astype(np.float32)


@pytest.fixture(scope="module")
def printed():
    if not os.path.exists(BINARY):
        pytest.fail(f"the C++ test program is not built at {BINARY}: build the project (cmake --build build) or set "
                    "SIGRUN_CPP_TEST")
    run = subprocess.run([BINARY, ROOT], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "all C++ checks passed" in run.stderr
    lines = {}
    for line in run.stdout.splitlines():
        case, output, *values = line.split()
        lines[(case, output)] = np.array([float(v) for v in values])
    return lines


def read(path):
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


def test_encode_decode_matches_litert(printed):
    ref = oracle.litert(read("examples/encode_decode/encode_decode.tflite"))
    encoded = ref.get_signature_runner("encode")(x=pattern(12).reshape(3, 4))["encoded"]
    np.testing.assert_allclose(printed[("encode_decode", "encoded")], encoded.reshape(-1), rtol=1e-6, atol=1e-7)
    decoded = ref.get_signature_runner("decode")(y=encoded)["decoded"]
    np.testing.assert_allclose(printed[("encode_decode", "decoded")], decoded.reshape(-1), rtol=1e-6, atol=1e-7)


def test_counter_state_matches_litert(printed):
    ref = oracle.litert(read("tests/data/state/counter.tflite"))
    for _ in range(3):
        ref.get_signature_runner("add")(x=np.array([0.5, 1.0, 2.0], np.float32))
    v = ref.get_signature_runner("get")()["v"]
    np.testing.assert_array_equal(printed[("counter", "after_adds")], v)


def test_vocabulary_lookup_matches_litert(printed):
    ref = oracle.litert(read("tests/data/state/vocabulary.tflite"))
    ids = ref.get_signature_runner("lookup")(words=np.array([b"gamma", b"zeta", b"alpha", b"", b"delta"]))["ids"]
    np.testing.assert_array_equal(printed[("vocabulary", "ids")], ids)
