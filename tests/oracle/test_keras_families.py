"""The Keras model families of issue 3 (keras_models.py), converted by the official converter in float32 and
with each post-training quantization recipe it accepts for them, run in sigrun and in LiteRT on the same
seeded input.

Bounds, per recipe:
- float32, float16 (weights dequantized at load), dynamic (hybrid kernels): relative to each output's
  scale, FLOAT_RTOL; LiteRT's optimized float kernels sum in blocked order, so a deep net differs from a
  sequential sum in the last bits, which grow over 50+ layers.
- int8 / int16x8 with float inputs and outputs: the integer arithmetic matches LiteRT's, so the output
  must agree within one quantum of the tensor that feeds the final DEQUANTIZE (QUANT_QUANTA).
Recipes the converter rejects for a family are listed in UNCONVERTIBLE with the converter's reason; the
test asserts the converter still rejects them, so the list cannot go stale silently.
"""
import re

import numpy as np
import pytest

import keras_models
import oracle

FLOAT_RTOL = 1e-4
QUANT_QUANTA = 1

MODES = [None, "int8", "int16x8", "dynamic", "float16"]

# (family, mode) -> fragment of the converter's error
UNCONVERTIBLE = {
    ("MobileNetV3Small", "int16x8"): "16x8-bit not yet supported for op: 'HARD_SWISH'",
    ("MobileNetV3Large", "int16x8"): "16x8-bit not yet supported for op: 'HARD_SWISH'",
    ("TransformerEncoder", "int16x8"): "Max and min for dynamic tensors should be recorded",
}

# Models both runtimes refuse: (family, mode) -> (fragment of LiteRT's error, fragment of sigrun's). The
# converter gives a layer whose ReLU6 output never moves a tiny int16 scale, so 6 / scale does not fit int32
# and LiteRT's CalculateActivationRangeQuantized fails (kernel_util.cc, no_integer_overflow_from_quantization).
REFUSED = {
    ("MobileNet", "int16x8"): ("no_integer_overflow_from_quantization", "outside int32 (LiteRT refuses this node too)"),
    ("MobileNetV2", "int16x8"): ("no_integer_overflow_from_quantization",
                                 "outside int32 (LiteRT refuses this node too)"),
}

# Open defects, recorded strictly (each must still fail; a fix turns it into an unexpected pass):
KNOWN_FAILURES = {
}

_models = {}


def _model(family):
    if family not in _models:
        _models[family] = keras_models.FAMILIES[family]()
    return _models[family]


def _convert(family, mode):
    return oracle.convert_keras_quantized(f"keras-{family}-{mode}", _model(family), mode, samples=2)


def _final_quantum(content):
    """Scale of the quantized tensor that the last DEQUANTIZE turns into the model's output (None if the
    output is not produced by a DEQUANTIZE)."""
    ref = oracle.litert(content)
    outputs = {d["index"] for d in ref.get_output_details()}
    scales = []
    for op in ref._get_ops_details():
        if op["op_name"] == "DEQUANTIZE" and set(op["outputs"]) & outputs:
            scale = ref._get_tensor_details(op["inputs"][0], 0)["quantization"][0]
            scales.append(scale)
    return max(scales) if scales else None


def _compare(content, inputs, mode, context):
    ref, got = oracle.litert(content), oracle.ours(content)
    oracle.assert_same_signatures(content)
    feed = {}
    runner = ref.get_signature_runner()
    for (name, _), value in zip(sorted(runner.get_input_details().items(), key=lambda kv: kv[1]["index"]), inputs):
        feed[name] = value
    r_out, g_out = oracle.run_both(content, feed)
    quantum = _final_quantum(content) if mode in ("int8", "int16x8") else None
    for name in r_out:
        r, g = r_out[name], g_out[name]
        assert g.shape == r.shape and g.dtype == r.dtype, context
        scale = max(1.0, float(np.max(np.abs(r))))
        if quantum:
            worst = float(np.max(np.abs(g - r))) / quantum
            assert worst <= QUANT_QUANTA + 1e-3, f"{context} {name}: {worst:.2f} quanta apart"
        else:
            np.testing.assert_allclose(g, r, rtol=FLOAT_RTOL, atol=FLOAT_RTOL * scale, err_msg=f"{context} {name}")


def _cases():
    for family in sorted(keras_models.FAMILIES):
        for mode in MODES:
            reason = KNOWN_FAILURES.get((family, mode))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(family, mode, marks=marks, id=f"{family}-{mode or 'float32'}")


@pytest.mark.parametrize("family,mode", list(_cases()))
def test_keras_family_matches_litert(family, mode):
    context = f"{family} {mode or 'float32'}"
    if (family, mode) in UNCONVERTIBLE:
        with pytest.raises(Exception, match=re.escape(UNCONVERTIBLE[(family, mode)])):
            _convert(family, mode)
        return
    content = _convert(family, mode)
    if (family, mode) in REFUSED:
        litert_says, sigrun_says = REFUSED[(family, mode)]
        with pytest.raises(RuntimeError, match=re.escape(litert_says)):
            oracle.litert(content).allocate_tensors()
        with pytest.raises(RuntimeError, match=re.escape(sigrun_says)):
            oracle.ours(content).allocate_tensors()
        return
    _compare(content, keras_models.sample_input(_model(family)), mode, context)


# Keras 3 recurrent layers convert to WHILE loops (not the fused sequence ops). int8 and int16x8 are left out:
# the converter itself crashes (segfault) calibrating them in tensorflow 2.21.
RECURRENT_MODES = [None, "dynamic", "float16"]


@pytest.mark.parametrize("family,mode", [(f, m) for f in sorted(keras_models.RECURRENT) for m in RECURRENT_MODES],
                         ids=lambda v: v or "float32")
def test_recurrent_families_match_litert(family, mode):
    model = keras_models.RECURRENT[family]()
    content = oracle.convert_keras_quantized(f"keras-{family}-{mode}", model, mode, samples=2)
    ops = {op["op_name"] for op in oracle.litert(content)._get_ops_details()}
    assert "WHILE" in ops
    _compare(content, keras_models.sample_input(model), mode, f"{family} {mode or 'float32'}")
