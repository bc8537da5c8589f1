"""Graph-level fusions sigrun makes when it builds a runner (src/core/fuse.c), checked against LiteRT on the
unfused graph. SWISH: LOGISTIC(x) feeding only MUL(x, logistic(x)) runs as one pass; float32 within 1e-6 of
the output's scale (the fused vector kernel gives the unfused vector kernels' bits; LiteRT's LOGISTIC rounds
differently in the last bits), int8/uint8 bit-exact (the fused table is built by running the unfused kernels).
`sigrun bench --profile` shows whether a fusion happened."""
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from oracle import assert_quantized_close, convert_quantized, run_both

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("SIGRUN_CLI", ROOT / "build" / "sigrun"))
SHAPE = [1, 9, 9, 21]


def _swish(x):
    return x * tf.math.sigmoid(x)


def _swish_relu6(x):
    # MUL with a fused RELU6 after the swish: the fused node clamps like the MUL would.
    return tf.nn.relu6(tf.math.sigmoid(x) * x * 1.0)


def _swish_reused(x):
    # The sigmoid also feeds a second op: not fusable, both ops must still run.
    s = tf.math.sigmoid(x)
    return x * s + s


CASES = {"swish": _swish, "swish_relu6": _swish_relu6, "reused": _swish_reused}


def _fn(body):
    return tf.function(body, input_signature=[tf.TensorSpec(SHAPE, tf.float32)])


def _profile_ops(content, tmp_path):
    path = tmp_path / "m.tflite"
    path.write_bytes(content)
    out = subprocess.run([str(CLI), "bench", str(path), "--runs", "1", "--warmup", "0", "--profile"],
                         capture_output=True, text=True, check=True).stdout
    return out


@pytest.mark.parametrize("mode", [None, "int8", "int8_io", "uint8_io"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_swish_matches_litert(case, mode, tmp_path):
    content = convert_quantized(("fusion", case, mode), _fn(CASES[case]), mode, low=-6.0, high=6.0)
    rng = np.random.default_rng(5)
    x = rng.uniform(-6, 6, SHAPE).astype(np.float32)
    if mode in ("int8_io", "uint8_io"):
        dtype = np.int8 if mode == "int8_io" else np.uint8
        info = np.iinfo(dtype)
        x = rng.integers(info.min, info.max + 1, SHAPE).astype(dtype)
    ref, got = run_both(content, {"x": x})
    if mode is None:
        for name in ref:
            scale = max(1.0, float(np.max(np.abs(ref[name]))))
            np.testing.assert_allclose(got[name], ref[name], rtol=0, atol=1e-6 * scale)
    else:
        assert_quantized_close(ref, got, max_quanta=0)
    profile = _profile_ops(content, tmp_path)
    fused = "LOGISTIC+MUL (swish)" in profile
    assert fused == (case != "reused"), profile
