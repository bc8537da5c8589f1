"""LiteRT's stable C API over sigrun (bindings/tflite_c): examples/tflite_c_compat/main.c is written only against
tensorflow/lite/c/c_api.h, compiled against sigrun's compatibility headers and linked with sigrun's
libtensorflowlite_c. It runs the signatures guide's flow and the classic index-based flow (and checks names,
strict resize, error reporting on its own); here its printed outputs are compared with ai_edge_litert on the same
inputs. The binary is env SIGRUN_TFLITE_C_EXAMPLE, default build/example_tflite_c_compat; CI builds it."""
import os
import subprocess

import numpy as np
import pytest

import oracle

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.environ.get("SIGRUN_TFLITE_C_EXAMPLE", os.path.join(ROOT, "build", "example_tflite_c_compat"))
MODEL = os.path.join(ROOT, "examples", "encode_decode", "encode_decode.tflite")


@pytest.fixture(scope="module")
def printed():
    if not os.path.exists(BINARY):
        pytest.fail(f"the TFLite C API example is not built at {BINARY}: build the project (cmake --build build) or "
                    "set SIGRUN_TFLITE_C_EXAMPLE")
    run = subprocess.run([BINARY, MODEL], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert "TfLite C API flows passed" in run.stderr
    # Errors reach the application's reporter with sigrun's message.
    assert "reported: signature 'nope' not found; the model's signatures are: 'decode', 'encode'" in run.stderr
    assert "strict resize may only change dimensions that are -1" in run.stderr
    rows = [line.split() for line in run.stdout.splitlines()]
    return [(flow, np.array([float(v) for v in values], np.float32)) for flow, _, *values in rows]


def test_signature_flow_matches_litert(printed):
    ref = oracle.litert(open(MODEL, "rb").read())
    x = ((np.arange(8) % 7) * 0.25 - 0.75).astype(np.float32).reshape(2, 4)
    encoded = ref.get_signature_runner("encode")(x=x)["encoded"]
    decoded = ref.get_signature_runner("decode")(y=encoded)["decoded"]
    (f1, got_encoded), (f2, got_decoded) = printed[0], printed[1]
    assert (f1, f2) == ("signature", "signature")
    np.testing.assert_allclose(got_encoded, encoded.reshape(-1), rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got_decoded, decoded.reshape(-1), rtol=1e-6, atol=1e-7)


def test_classic_flow_matches_litert(printed):
    ref = oracle.litert(open(MODEL, "rb").read())
    index = ref.get_input_details()[0]["index"]
    ref.resize_tensor_input(index, [3, 2])
    ref.allocate_tensors()
    ref.set_tensor(index, np.array([[0.5, -0.25], [1.0, 0.0], [-1.0, 0.75]], np.float32))
    ref.invoke()
    expected = ref.get_tensor(ref.get_output_details()[0]["index"])
    flow, got = printed[2]
    assert flow == "classic"
    np.testing.assert_allclose(got, expected.reshape(-1), rtol=1e-6, atol=1e-7)
