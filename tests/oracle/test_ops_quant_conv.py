"""Oracle tests for the quantized and hybrid types of CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL
and TRANSPOSE_CONV: full-integer int8 (float and int8 I/O), int16x8, dynamic range (hybrid kernels) and float16
weights, each checked op by op against ai_edge_litert's builtin kernels.

Bounds, per op and type (see also the module constants):
- int8 / int16x8 CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, BATCH_MATMUL, TRANSPOSE_CONV: bit-exact.
- hybrid (dynamic): the integer sums are exact and the float steps follow LiteRT's order, so outputs match to
  float rounding (rtol 1e-6).
- float16: DEQUANTIZE + the float kernel, the float tests' tolerance.
The converter quantizes a weight only when it has at least 1024 elements in dynamic mode, so hybrid cases use
bigger filters.
"""
import numpy as np
import pytest
import tensorflow as tf

import one_op
from oracle import assert_matches_litert, assert_quantized_close, convert_quantized, litert, run_both

RNG_SEED = 7


def _weights(seed, shape, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


ACTIVATIONS = {
    "none": lambda y: y,
    "relu": tf.nn.relu,
    "relu6": tf.nn.relu6,
}


def _op_types(content, op_name):
    """Input/output dtypes of every `op_name` op in the model (LiteRT's view)."""
    it = litert(content)
    tensors = {t["index"]: t for t in it.get_tensor_details()}
    found = []
    for op in it._get_ops_details():
        if op["op_name"] == op_name:
            ins = [tensors[i]["dtype"] if i >= 0 else None for i in op["inputs"]]
            found.append((ins, [tensors[i]["dtype"] for i in op["outputs"]]))
    return found


# The dtype of input 0 and of the weights input that each mode must produce.
EXPECTED = {
    "int8": (np.int8, np.int8),
    "int8_io": (np.int8, np.int8),
    "int16x8": (np.int16, np.int8),
    "dynamic": (np.float32, np.int8),
    "float16": (np.float32, np.float32),
}


def _check(key, fn, mode, op_name, weights_index=1, max_quanta=0, low=-1.0, high=1.0, seed=0, expected=None,
           act_index=0):
    content = convert_quantized(key, fn, mode, low=low, high=high)
    ops = _op_types(content, op_name)
    assert ops, f"no {op_name} in the {mode} model"
    act, wt = expected or EXPECTED[mode]
    for ins, _ in ops:
        assert ins[act_index] == act and ins[weights_index] == wt, f"{op_name} in {mode} model has types {ins}"
    rng = np.random.default_rng(seed)
    inputs = {}
    for name, d in litert(content).get_signature_runner().get_input_details().items():
        shape = tuple(int(x) for x in d["shape"])
        if d["dtype"] == np.float32:
            inputs[name] = rng.uniform(low, high, shape).astype(np.float32)
        else:
            info = np.iinfo(d["dtype"])
            inputs[name] = rng.integers(info.min, info.max, shape, endpoint=True).astype(d["dtype"])
    ref, got = run_both(content, inputs)
    # Float outputs of full-integer models are DEQUANTIZE'd integers: equal integers give equal floats.
    assert_quantized_close(ref, got, max_quanta=max_quanta, rtol=1e-6, atol=1e-6, context=f"{op_name} {mode}")


QUANT_MODES = ["int8", "int8_io", "int16x8"]

# (input shape, filter h, filter w, out channels, groups, strides, padding, dilation, activation)
CONV_CASES = [
    ((1, 8, 8, 3), 3, 3, 4, 1, (1, 1), "SAME", 1, "none"),
    ((2, 7, 9, 4), 3, 2, 5, 1, (2, 2), "SAME", 1, "relu"),
    ((1, 9, 7, 2), 5, 3, 3, 1, (2, 1), "VALID", 1, "relu6"),
    ((1, 10, 10, 3), 3, 3, 2, 1, (1, 1), "SAME", 2, "none"),
    ((1, 6, 6, 8), 3, 3, 6, 2, (1, 1), "SAME", 1, "relu"),
    ((1, 1, 1, 16), 1, 1, 8, 1, (1, 1), "VALID", 1, "relu6"),
]


def _conv_fn(case, w_scale=1.0):
    shape, kh, kw, out_c, groups, strides, padding, dilation, act = case
    w = _weights(1, (kh, kw, shape[3] // groups, out_c), w_scale)
    b = _weights(2, (out_c,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.nn.conv2d(x, w, strides=list(strides), padding=padding, dilations=dilation)
        return ACTIVATIONS[act](y + b)

    return fn


@pytest.mark.parametrize("mode", QUANT_MODES)
@pytest.mark.parametrize("case", CONV_CASES, ids=[f"conv{i}" for i in range(len(CONV_CASES))])
def test_conv2d_quantized(case, mode):
    _check(("qconv", case, mode), _conv_fn(case), mode, "CONV_2D")


# Hybrid convs need >= 1024 filter elements; grouped convs are not made hybrid.
HYBRID_CONV_CASES = [
    ((1, 6, 6, 16), 3, 3, 16, 1, (1, 1), "SAME", 1, "none"),
    ((2, 7, 5, 16), 3, 3, 12, 1, (2, 2), "VALID", 1, "relu"),
    ((1, 9, 9, 16), 3, 3, 8, 1, (1, 1), "SAME", 2, "relu6"),
]


@pytest.mark.parametrize("case", HYBRID_CONV_CASES, ids=[f"hconv{i}" for i in range(len(HYBRID_CONV_CASES))])
def test_conv2d_hybrid(case):
    _check(("hconv", case), _conv_fn(case), "dynamic", "CONV_2D")


# (input shape, filter h, filter w, multiplier, stride, padding, dilation, activation)
DW_CASES = [
    ((1, 8, 8, 3), 3, 3, 1, 1, "SAME", 1, "none"),
    ((2, 7, 7, 4), 3, 3, 2, 2, "SAME", 1, "relu6"),
    ((1, 9, 8, 2), 5, 3, 3, 1, "VALID", 1, "relu"),
    ((1, 10, 10, 3), 3, 3, 1, 1, "VALID", 2, "none"),
    ((1, 12, 12, 1), 3, 3, 32, 2, "SAME", 1, "none"),  # one input channel: LiteRT rounds differently
]


def _dw_fn(case):
    shape, kh, kw, mult, stride, padding, dilation, act = case
    w = _weights(3, (kh, kw, shape[3], mult))
    b = _weights(4, (shape[3] * mult,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.nn.depthwise_conv2d(
            x, w, strides=[1, stride, stride, 1], padding=padding, dilations=[dilation, dilation]
        )
        return ACTIVATIONS[act](y + b)

    return fn


@pytest.mark.parametrize("mode", QUANT_MODES)
@pytest.mark.parametrize("case", DW_CASES, ids=[f"dw{i}" for i in range(len(DW_CASES))])
def test_depthwise_quantized(case, mode):
    _check(("qdw", case, mode), _dw_fn(case), mode, "DEPTHWISE_CONV_2D")


HYBRID_DW_CASES = [
    ((2, 6, 6, 64), 3, 3, 2, 1, "SAME", 1, "none"),
    ((1, 7, 7, 128), 3, 3, 1, 2, "VALID", 1, "relu6"),
    ((1, 7, 7, 64), 3, 3, 2, 1, "SAME", 2, "relu"),
]


@pytest.mark.parametrize("case", HYBRID_DW_CASES, ids=[f"hdw{i}" for i in range(len(HYBRID_DW_CASES))])
def test_depthwise_hybrid(case):
    _check(("hdw", case), _dw_fn(case), "dynamic", "DEPTHWISE_CONV_2D")


FLOAT16_OPS = {
    "conv": (lambda: _conv_fn(CONV_CASES[1]), "CONV_2D", 0),
    "dw": (lambda: _dw_fn(DW_CASES[1]), "DEPTHWISE_CONV_2D", 0),
    "fc": (lambda: _fc_fn(FC_CASES[0]), "FULLY_CONNECTED", 0),
    "tconv": (lambda: _tconv_fn(TCONV_CASES[1]), "TRANSPOSE_CONV", 2),
}


@pytest.mark.parametrize("op", sorted(FLOAT16_OPS))
def test_float16_weights(op):
    """float16 weights arrive as DEQUANTIZE + the float kernel (float tolerance: LiteRT's GEMM order)."""
    make, name, act_index = FLOAT16_OPS[op]
    fn = make()
    content = convert_quantized(("f16", op), fn, "float16")
    assert "DEQUANTIZE" in [o["op_name"] for o in litert(content)._get_ops_details()]
    (ins, _), = _op_types(content, name)
    assert ins[act_index] == np.float32 and ins[1] == np.float32, f"{name} float16 model has types {ins}"
    x = np.random.default_rng(3).uniform(-1, 1, fn.input_signature[0].shape).astype(np.float32)
    ref, got = run_both(content, {"x": x})
    assert_quantized_close(ref, got, rtol=1e-5, atol=1e-5, context=f"{name} float16")


# (input shape, units, activation, bias)
FC_CASES = [
    ((3, 64), 32, "none", True),
    ((1, 40), 48, "relu", True),
    ((2, 3, 48), 24, "none", False),  # keep_num_dims
    ((4, 96), 16, "relu6", True),
]


def _fc_fn(case):
    shape, units, act, bias = case
    w = _weights(5, (shape[-1], units))
    b = _weights(6, (units,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.matmul(x, w)
        if bias:
            y = y + b
        return ACTIVATIONS[act](y)

    return fn


@pytest.mark.parametrize("mode", QUANT_MODES + ["dynamic"])
@pytest.mark.parametrize("case", FC_CASES, ids=[f"fc{i}" for i in range(len(FC_CASES))])
def test_fully_connected_quantized(case, mode):
    _check(("qfc", case, mode), _fc_fn(case), mode, "FULLY_CONNECTED")


# (lhs shape, rhs shape, adjoint_a, adjoint_b); both operands are activations
BMM_CASES = [
    ((2, 3, 5), (2, 5, 4), False, False),
    ((2, 5, 3), (2, 4, 5), True, True),
    ((2, 1, 3, 5), (4, 5, 2), False, False),
]


@pytest.mark.parametrize("mode", QUANT_MODES)
@pytest.mark.parametrize("case", BMM_CASES, ids=[f"bmm{i}" for i in range(len(BMM_CASES))])
def test_batch_matmul_quantized(case, mode):
    lhs, rhs, adj_a, adj_b = case

    # The converter's calibrator feeds multi-input samples in an order that only these names make positional.
    @tf.function(input_signature=[tf.TensorSpec(lhs, tf.float32), tf.TensorSpec(rhs, tf.float32)])
    def fn(b_lhs, a_rhs):
        return tf.matmul(b_lhs, a_rhs, adjoint_a=adj_a, adjoint_b=adj_b)

    # Both operands are activations: int16 x int16 in the 16x8 recipe.
    expected = (np.int16, np.int16) if mode == "int16x8" else None
    _check(("qbmm", case, mode), fn, mode, "BATCH_MATMUL", weights_index=0, expected=expected)


# A constant rhs with >= 1024 elements is made hybrid (per-tensor int8) in dynamic mode.
HYBRID_BMM_CASES = [
    ((2, 3, 64), (2, 64, 48), False),
    ((3, 64, 4), (3, 64, 32), True),
]


@pytest.mark.parametrize("case", HYBRID_BMM_CASES, ids=[f"hbmm{i}" for i in range(len(HYBRID_BMM_CASES))])
def test_batch_matmul_hybrid(case):
    lhs, rhs, adj_a = case
    w = _weights(9, rhs)

    @tf.function(input_signature=[tf.TensorSpec(lhs, tf.float32)])
    def fn(x):
        return tf.matmul(x, w, adjoint_a=adj_a)

    _check(("hbmm", case), fn, "dynamic", "BATCH_MATMUL")


# (input shape, filter h, filter w, out channels, stride, padding, bias, activation); output shape from
# conv2d_transpose's rule (SAME: in * stride, VALID: (in - 1) * stride + k)
TCONV_CASES = [
    ((1, 4, 4, 8), 3, 3, 16, 2, "SAME", False, "none"),
    ((2, 3, 5, 4), 3, 2, 6, 1, "VALID", True, "relu"),
    ((1, 5, 4, 3), 4, 4, 5, 3, "SAME", True, "relu6"),
    ((1, 3, 3, 16), 2, 3, 32, 2, "VALID", True, "none"),
]


def _tconv_fn(case):
    shape, kh, kw, out_c, stride, padding, bias, act = case
    n, h, w, c = shape
    oh, ow = (h * stride, w * stride) if padding == "SAME" else ((h - 1) * stride + kh, (w - 1) * stride + kw)
    wt = _weights(10, (kh, kw, out_c, c))
    b = _weights(11, (out_c,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.nn.conv2d_transpose(x, wt, [n, oh, ow, out_c], stride, padding)
        if bias:
            y = y + b
        return ACTIVATIONS[act](y)

    return fn


def _small_weights(case):
    return np.prod(case[1:3]) * case[0][3] * case[3] < 1024


TCONV_PAIRS = [(c, m) for m in QUANT_MODES + ["dynamic"] for c in TCONV_CASES if not (m == "dynamic" and _small_weights(c))]


@pytest.mark.parametrize("case", [c for c in TCONV_CASES if _small_weights(c)])
def test_transpose_conv_small_weights_stay_float_in_dynamic_mode(case):
    """The pairs test_transpose_conv_quantized leaves out: dynamic-range quantization keeps weights under
    1024 elements in float, so the model is a float one and must match as such."""
    content = convert_quantized(("qtconv", case, "dynamic"), _tconv_fn(case), "dynamic")
    (ins, _), = _op_types(content, "TRANSPOSE_CONV")
    assert ins[1] == np.float32
    assert_matches_litert(content, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case,mode", TCONV_PAIRS)
def test_transpose_conv_quantized(case, mode):
    _check(("qtconv", case, mode), _tconv_fn(case), mode, "TRANSPOSE_CONV", weights_index=1, act_index=2)


def test_transpose_conv_input_order():
    """TRANSPOSE_CONV's inputs are (output_shape, weights, input[, bias]): weights_index 1, activation index 2."""
    content = convert_quantized(("qtconv", TCONV_CASES[0], "int8"), _tconv_fn(TCONV_CASES[0]), "int8")
    (ins, _), = _op_types(content, "TRANSPOSE_CONV")
    assert ins[0] == np.int32 and ins[1] == np.int8 and ins[2] == np.int8


def test_hybrid_asymmetric_input_quantization_ties():
    """A per-channel hybrid CONV_2D quantizes its float input asymmetrically at run time. Inputs that land
    exactly on .5 after scaling (scale 1 here: the input's range is [0, 255]) show LiteRT's order: round the
    scaled value half away from zero, then add the zero point (2.5 -> 3 - 128), not round after adding it
    (-125.5 -> -126). An identity-like 1x1 filter reads each quantized input back; outputs must match to
    float rounding."""
    channels = 64  # 4096 weights: enough for the converter to quantize them
    gains = (1 + np.arange(channels, dtype=np.float32) / 64)
    w = (np.eye(channels, dtype=np.float32) * gains[None, :]).reshape(1, 1, channels, channels)

    @tf.function(input_signature=[tf.TensorSpec([1, 1, 1, channels], tf.float32)])
    def conv(x):
        return tf.nn.conv2d(x, w, 1, "VALID")

    content = convert_quantized("hybrid-ties", conv, "dynamic")
    ops = _op_types(content, "CONV_2D")
    assert ops and ops[0][0][:2] == [np.float32, np.int8], ops
    x = np.zeros((1, 1, 1, channels), np.float32)
    x[0, 0, 0, :10] = [255.0, 2.5, 3.5, 4.5, 5.5, 127.5, 0.5, 1.5, 100.5, 254.5]
    ref, got = run_both(content, {"x": x})
    for name in ref:
        np.testing.assert_allclose(got[name], ref[name], rtol=1e-6, atol=1e-6)
        # The premise: LiteRT's results are the half-away-rounded inputs (3, 4, ... at gains 1 + c/64).
        np.testing.assert_allclose(ref[name].reshape(-1)[1:5] / gains[1:5], [3, 4, 5, 6], rtol=1e-2)


@pytest.mark.parametrize("channels,multiplier", [(1, 1), (2, 1), (8, 1), (9, 1), (11, 1), (1, 8), (1, 3), (3, 4),
                                                 (1, 12)])
def test_depthwise_int8_rounding_ties(channels, multiplier):
    """-62 * 5 * 0.25 = -77.5 in every output channel: LiteRT's default int8 depthwise kernel quantizes its
    accumulators 8 channels at a time with vector code that rounds the tie up (-77) and the out_c % 8 leftover
    channels with scalar code that rounds away from zero (-78); its reference kernel gives -78 everywhere.
    sigrun follows the default kernel (the oracle of every other test)."""
    out_c = channels * multiplier
    x = np.full((1, 1, 1, channels), -62, np.int8)
    opts = one_op.options("DepthwiseConv2DOptions", padding=1, strideW=1, strideH=1, depthMultiplier=multiplier,
                          dilationWFactor=1, dilationHFactor=1)
    content = one_op.model("DEPTHWISE_CONV_2D",
                           [("x", x), ("", np.full((1, 1, 1, out_c), 5, np.int8)), ("", np.zeros(out_c, np.int32))],
                           [(np.int8, (1, 1, 1, out_c))], options=opts,
                           quant={0: (1.0, 0), 1: ([0.25] * out_c, [0] * out_c, 3),
                                  2: ([0.25] * out_c, [0] * out_c, 0), 3: (1.0, 0)})
    ref, got = run_both(content, {"x": x})
    expected = [-77 if c < out_c // 8 * 8 else -78 for c in range(out_c)]
    assert ref["output_0"].reshape(-1).tolist() == expected  # the premise
    assert got["output_0"].reshape(-1).tolist() == expected
