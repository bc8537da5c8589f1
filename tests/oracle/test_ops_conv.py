"""Oracle tests for CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D, FULLY_CONNECTED and BATCH_MATMUL.

Each case builds a one-op model with the official converter (which fuses bias and RELU/RELU6/clip activations
into the op, turns tf.nn.conv2d with a shallower filter into a grouped CONV_2D, and maps a runtime matmul to
BATCH_MATMUL or FULLY_CONNECTED with runtime weights) and compares sigrun with ai_edge_litert's builtin kernels.
LiteRT's float conv and FC kernels run im2col + GEMM, so sums are reordered: a slightly looser atol than the
default covers outputs that cancel to near zero.
"""
import numpy as np
import pytest
import tensorflow as tf

from oracle import assert_matches_litert, convert_module, random_inputs

RTOL, ATOL = 1e-5, 1e-5


def _weights(seed, shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


ACTIVATIONS = {
    "none": lambda y: y,
    "relu": tf.nn.relu,
    "relu6": tf.nn.relu6,
    "relu_n1_to_1": lambda y: tf.clip_by_value(y, -1.0, 1.0),
}


def _check(key, fn, seed=0):
    content = convert_module(key, {"serving_default": fn})
    inputs = random_inputs(content, seed=seed)
    # Scale so that activations clip a good share of the outputs.
    inputs = {k: v * 2 for k, v in inputs.items()}
    assert_matches_litert(content, inputs, rtol=RTOL, atol=ATOL)


# (input shape, filter h, filter w, out channels, groups, strides, padding, dilation, activation, bias)
CONV_CASES = [
    ((1, 8, 8, 3), 3, 3, 4, 1, (1, 1), "SAME", 1, "none", True),
    ((2, 7, 9, 4), 3, 2, 5, 1, (2, 2), "SAME", 1, "relu", True),
    ((1, 9, 7, 2), 5, 3, 3, 1, (2, 1), "VALID", 1, "relu6", True),
    ((1, 10, 10, 3), 3, 3, 2, 1, (1, 1), "SAME", 2, "relu_n1_to_1", True),
    ((2, 11, 9, 2), 3, 3, 4, 1, (1, 1), "VALID", 3, "none", False),
    ((1, 6, 6, 8), 3, 3, 6, 2, (1, 1), "SAME", 1, "relu", True),
    ((1, 5, 7, 6), 1, 1, 9, 3, (1, 1), "VALID", 1, "none", True),
    ((3, 4, 4, 5), 4, 4, 7, 1, (3, 3), "SAME", 1, "none", True),
    ((1, 1, 1, 16), 1, 1, 8, 1, (1, 1), "VALID", 1, "relu6", True),
    ((1, 6, 5, 2), 6, 5, 3, 1, (1, 1), "VALID", 1, "none", True),
]


@pytest.mark.parametrize("case", CONV_CASES, ids=[f"conv{i}" for i in range(len(CONV_CASES))])
def test_conv2d(case):
    shape, kh, kw, out_c, groups, strides, padding, dilation, act, bias = case
    w = _weights(1, (kh, kw, shape[3] // groups, out_c))
    b = _weights(2, (out_c,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.nn.conv2d(x, w, strides=list(strides), padding=padding, dilations=dilation)
        if bias:
            y = y + b
        return ACTIVATIONS[act](y)

    _check(("conv", case), fn)


# (input shape, filter h, filter w, multiplier, strides, padding, dilation, activation)
DW_CASES = [
    ((1, 8, 8, 3), 3, 3, 1, 1, "SAME", 1, "none"),
    ((2, 7, 7, 4), 3, 3, 2, 2, "SAME", 1, "relu6"),
    ((1, 9, 8, 2), 5, 3, 3, 1, "VALID", 1, "relu"),
    ((2, 10, 10, 3), 3, 3, 1, 1, "VALID", 2, "none"),
    ((1, 9, 9, 5), 3, 3, 1, 1, "SAME", 2, "relu_n1_to_1"),
    ((1, 5, 6, 8), 2, 2, 1, 2, "VALID", 1, "none"),
]


@pytest.mark.parametrize("case", DW_CASES, ids=[f"dw{i}" for i in range(len(DW_CASES))])
def test_depthwise_conv2d(case):
    shape, kh, kw, mult, stride, padding, dilation, act = case
    w = _weights(3, (kh, kw, shape[3], mult))
    b = _weights(4, (shape[3] * mult,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.nn.depthwise_conv2d(
            x, w, strides=[1, stride, stride, 1], padding=padding, dilations=[dilation, dilation]
        )
        return ACTIVATIONS[act](y + b)

    _check(("dw", case), fn)


# (input shape, ksize, strides, padding, activation)
POOL_CASES = [
    ((1, 8, 8, 3), (2, 2), (2, 2), "VALID", "none"),
    ((2, 7, 7, 4), (3, 3), (2, 2), "SAME", "relu"),
    ((1, 9, 6, 2), (2, 3), (1, 2), "SAME", "none"),
    ((1, 5, 5, 1), (5, 5), (1, 1), "VALID", "relu6"),
    ((3, 6, 7, 5), (3, 2), (3, 1), "SAME", "none"),
    ((1, 4, 4, 2), (4, 4), (1, 1), "SAME", "none"),
]


@pytest.mark.parametrize("kind", ["avg", "max"])
@pytest.mark.parametrize("case", POOL_CASES, ids=[f"pool{i}" for i in range(len(POOL_CASES))])
def test_pool2d(kind, case):
    shape, ksize, strides, padding, act = case
    pool = tf.nn.avg_pool2d if kind == "avg" else tf.nn.max_pool2d

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        return ACTIVATIONS[act](pool(x, list(ksize), list(strides), padding))

    _check(("pool", kind, case), fn)


# (input shape, units, activation, bias)
FC_CASES = [
    ((3, 5), 4, "none", True),
    ((1, 16), 10, "relu", True),
    ((2, 3, 5), 4, "none", False),  # keep_num_dims, absent bias
    ((2, 2, 3, 7), 3, "relu6", True),
    ((4, 1), 1, "relu_n1_to_1", True),
]


@pytest.mark.parametrize("case", FC_CASES, ids=[f"fc{i}" for i in range(len(FC_CASES))])
def test_fully_connected(case):
    shape, units, act, bias = case
    w = _weights(5, (shape[-1], units))
    b = _weights(6, (units,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.matmul(x, w)
        if bias:
            y = y + b
        return ACTIVATIONS[act](y)

    _check(("fc", case), fn)


def test_fully_connected_runtime_weights():
    @tf.function(input_signature=[tf.TensorSpec([3, 5], tf.float32), tf.TensorSpec([4, 5], tf.float32)])
    def fn(x, y):
        return tf.matmul(x, y, transpose_b=True)

    _check("fc_runtime", fn)


# (lhs shape, rhs shape, adjoint_a, adjoint_b)
BMM_CASES = [
    ((3, 5), (5, 4), False, False),
    ((2, 3, 5), (2, 5, 4), False, False),
    ((2, 5, 3), (2, 4, 5), True, True),
    ((2, 3, 5), (2, 4, 5), False, True),
    ((2, 1, 3, 5), (4, 5, 2), False, False),  # broadcast over both batch axes, different ranks
    ((1, 3, 2), (3, 3, 4), True, False),
    ((2, 2, 1, 3, 4), (1, 2, 3, 4, 3), False, False),  # rank 5, LiteRT's limit
    # rhs exactly one packed panel wide (32 columns with AVX-512, 16 with AVX2): read in place, not packed
    ((1, 4, 9, 64), (1, 4, 64, 32), False, False),
    ((2, 3, 7, 5), (3, 5, 32), False, False),
    ((3, 6, 5), (3, 5, 16), False, False),
]


@pytest.mark.parametrize("case", BMM_CASES, ids=[f"bmm{i}" for i in range(len(BMM_CASES))])
def test_batch_matmul(case):
    lhs, rhs, adj_a, adj_b = case

    @tf.function(input_signature=[tf.TensorSpec(lhs, tf.float32), tf.TensorSpec(rhs, tf.float32)])
    def fn(x, y):
        return tf.matmul(x, y, adjoint_a=adj_a, adjoint_b=adj_b)

    _check(("bmm", case), fn)


def _special_values(shape, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    flat = x.reshape(-1)
    flat[[0, 5]] = np.nan
    flat[[3, len(flat) - 2]] = np.inf
    flat[len(flat) // 2] = -np.inf
    return x


SPECIAL_OPS = {
    # LiteRT clamps float conv/depthwise/pool/FC results to the finite range even without an activation.
    "conv": lambda x: tf.nn.conv2d(x, _weights(7, (3, 3, 2, 3)), 1, "SAME") + 1.0,
    "depthwise": lambda x: tf.nn.depthwise_conv2d(x, _weights(8, (3, 3, 2, 2)), [1, 1, 1, 1], "SAME"),
    "avg_pool": lambda x: tf.nn.avg_pool2d(x, 2, 1, "SAME"),
    "max_pool": lambda x: tf.nn.max_pool2d(x, 3, 1, "SAME"),  # NaN never wins LiteRT's max
    "fully_connected": lambda x: tf.matmul(tf.reshape(x, [-1, 4]), _weights(9, (4, 3))),
    "batch_matmul": lambda x: tf.matmul(x, x, transpose_b=True),  # no clamp: infinities survive
}


@pytest.mark.parametrize("name", sorted(SPECIAL_OPS))
def test_nan_and_infinity(name):
    fn = tf.function(SPECIAL_OPS[name], input_signature=[tf.TensorSpec([1, 4, 4, 2], tf.float32)])
    content = convert_module(("special", name), {"serving_default": fn})
    assert_matches_litert(content, {"x": _special_values((1, 4, 4, 2), 10)}, rtol=RTOL, atol=ATOL)


DYNAMIC_OPS = {
    "conv": (lambda x: tf.nn.relu(tf.nn.conv2d(x, _weights(11, (3, 3, 3, 4)), 2, "SAME")), [None, None, None, 3]),
    "depthwise": (lambda x: tf.nn.depthwise_conv2d(x, _weights(12, (3, 3, 3, 2)), [1, 2, 2, 1], "VALID"),
                  [None, None, None, 3]),
    "max_pool": (lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME"), [None, None, None, 3]),
    "fully_connected": (lambda x: tf.matmul(x, _weights(13, (6, 5))) + 1.0, [None, 6]),
    "batch_matmul": (lambda x: tf.matmul(x, x, transpose_a=True), [None, None, 3]),
}


@pytest.mark.parametrize("name", sorted(DYNAMIC_OPS))
def test_dynamic_shapes(name):
    """Inputs with unknown dimensions, run at several sizes (runners resize, then prepare again)."""
    body, shape = DYNAMIC_OPS[name]
    fn = tf.function(body, input_signature=[tf.TensorSpec(shape, tf.float32)])
    content = convert_module(("dynamic", name), {"serving_default": fn})
    rng = np.random.default_rng(14)
    sizes = [(1, 5, 7), (3, 8, 8), (2, 1, 3)]
    for n, h, w in sizes:
        concrete = {4: (n, h, w, 3), 2: (n + h, 6), 3: (n, h, 3)}[len(shape)]
        x = rng.standard_normal(concrete).astype(np.float32)
        assert_matches_litert(content, {"x": x}, rtol=RTOL, atol=ATOL)


# (input shape, filter h, filter w, out channels, stride, padding, bias, activation). LiteRT's float
# TRANSPOSE_CONV runs GEMM + col2im, so each output's sum is reordered against sigrun's reference order.
TCONV_CASES = [
    ((1, 4, 4, 3), 3, 3, 2, 2, "SAME", True, "none"),
    ((2, 3, 5, 4), 3, 2, 6, 1, "VALID", True, "relu"),
    ((1, 5, 4, 2), 4, 4, 3, 3, "SAME", False, "relu6"),
    ((1, 3, 3, 5), 2, 3, 4, 2, "VALID", True, "relu"),
    ((1, 1, 1, 8), 1, 1, 8, 1, "VALID", True, "none"),
]


@pytest.mark.parametrize("case", TCONV_CASES, ids=[f"tconv{i}" for i in range(len(TCONV_CASES))])
def test_transpose_conv(case):
    shape, kh, kw, out_c, stride, padding, bias, act = case
    n, h, w, c = shape
    oh, ow = (h * stride, w * stride) if padding == "SAME" else ((h - 1) * stride + kh, (w - 1) * stride + kw)
    wt = _weights(15, (kh, kw, out_c, c))
    b = _weights(16, (out_c,))

    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def fn(x):
        y = tf.nn.conv2d_transpose(x, wt, [n, oh, ow, out_c], stride, padding)
        if bias:
            y = y + b
        return ACTIVATIONS[act](y)

    _check(("tconv", case), fn)
