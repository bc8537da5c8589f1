"""Graph-level fusions sigrun makes when it builds a runner (src/core/fuse.c), checked against LiteRT on the
unfused graph. SWISH: LOGISTIC(x) feeding only MUL(x, logistic(x)) runs as one pass; float32 within 1e-6 of
the output's scale (the fused vector kernel gives the unfused vector kernels' bits; LiteRT's LOGISTIC rounds
differently in the last bits), int8/uint8 bit-exact (the fused table is built by running the unfused kernels).
`sigrun bench --profile` shows whether a fusion happened."""
import os
import re
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


# LAYER_NORM: Keras's LayerNormalization over the last axis (MEAN, NEG, SQUARED_DIFFERENCE, MEAN, ADD, RSQRT,
# MUL, MUL, MUL, [ADD beta], ADD) runs as one node whose rows kernel performs the unfused kernels' operations
# in their order: bit-exact with sigrun's reference kernels (which run the literal graph), close to LiteRT.
# Depths below, at and above the vector widths; trained-looking gamma and beta (the ADD of beta) and Keras's
# initial ones (gamma 1, beta 0); rows from 1 to 70; a second LayerNormalization reading the first's output
# and a residual that keeps x alive after the pattern; the first's output is also a model output. With depth 1
# the converter folds the means away: nothing to fuse, and still the literal graph's bits.
LN_CASES = {
    "d128": ((2, 64, 128), True),
    "d128_init": ((1, 64, 128), False),
    "d1": ((3, 5, 1), True),
    "d7": ((1, 70, 7), True),
    "d16": ((1, 1, 16), True),
    "d33_init": ((2, 9, 33), False),
    "rank2_d40": ((9, 40), True),
}


def _layer_norm_model(shape, trained):
    tf = __import__("tensorflow")
    L = tf.keras.layers
    x = tf.keras.Input(shape[1:], batch_size=shape[0], name="x")
    first = L.LayerNormalization(epsilon=1e-3)
    h = first(x)
    second = L.LayerNormalization()
    y = second(h * 2.0 + x)
    model = tf.keras.Model(x, [y, h])
    if trained:
        rng = np.random.default_rng(len(shape) * 100 + shape[-1])
        for layer in (first, second):
            layer.set_weights([rng.uniform(0.5, 1.5, shape[-1]).astype(np.float32),
                               rng.uniform(-1, 1, shape[-1]).astype(np.float32)])
    return model


@pytest.mark.parametrize("case", sorted(LN_CASES))
def test_layer_norm_fusion(case, tmp_path):
    from oracle import convert_keras, litert
    import sigrun
    from sigrun.interpreter import OpResolverType

    shape, trained = LN_CASES[case]
    content = convert_keras(("fusion", "layer_norm", case), _layer_norm_model(shape, trained))
    rng = np.random.default_rng(9)
    x = (rng.standard_normal(shape) * 3 + 1).astype(np.float32)
    x.ravel()[::11] = 0.0  # rows with repeated values, zeros
    ref, got = run_both(content, {"x": x})
    for name in ref:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-5, atol=1e-5)
    literal = sigrun.Interpreter(model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    want = literal.get_signature_runner()(x=x)
    for name in want:
        assert got[name].tobytes() == want[name].tobytes(), name
    profile = _profile_ops(content, tmp_path)
    fused = shape[-1] > 1
    assert profile.count("LAYER_NORM (fused MEAN..ADD)") == (1 if fused else 0), profile
    assert ("SQUARED_DIFFERENCE" in profile) != fused, profile
    assert not fused or re.search(r"LAYER_NORM \(fused MEAN\.\.ADD\)\s+2\s", profile), profile


# SCALED SOFTMAX: a MUL by a constant scalar feeding only a SOFTMAX (attention's scores / sqrt(d)) runs as one
# node reading x * c on the fly; float within the softmax tolerance of LiteRT (the fused kernel gives the bits of
# MUL then sigrun's vector softmax: test_fast_elementwise). Not fused when the product is also used elsewhere.
SCALED_SHAPE = [2, 4, 16, 17]


def _scaled(x):
    return tf.nn.softmax(x * 0.17677669)


def _scaled_reused(x):
    s = x * 0.17677669
    return tf.nn.softmax(s) + s


@pytest.mark.parametrize("case", ["scaled", "reused"])
def test_scaled_softmax_fusion(case, tmp_path):
    body = _scaled if case == "scaled" else _scaled_reused
    fn = tf.function(body, input_signature=[tf.TensorSpec(SCALED_SHAPE, tf.float32)])
    content = convert_quantized(("fusion", "scaled_softmax", case), fn, None)
    x = np.random.default_rng(3).uniform(-20, 20, SCALED_SHAPE).astype(np.float32)
    ref, got = run_both(content, {"x": x})
    for name in ref:
        np.testing.assert_allclose(got[name], ref[name], rtol=3e-6, atol=1e-7)
    profile = _profile_ops(content, tmp_path)
    assert ("MUL+SOFTMAX (scaled)" in profile) == (case == "scaled"), profile
