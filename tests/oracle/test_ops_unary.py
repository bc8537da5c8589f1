"""Oracle tests for the unary math ops: ABS, NEG, EXP, LOG, SQRT, RSQRT, SQUARE, SIN, COS, FLOOR, CEIL, ROUND,
SIGN, LOGICAL_NOT.

Float32 and integer models come from the official converter (several ops per model, one signature each).
Quantized models: the converter's int8 (float I/O), int8_io and int16x8 recipes quantize ABS, EXP, LOG,
RSQRT and (int8 only) SQRT; each is asserted to run quantized in the model. The converter keeps NEG in float
and refuses 16x8 NEG/SQRT, so quantized NEG/SQRT int16 run in hand-built models. Cases the converter does not emit (int16 ABS
without quantization, hostile values such as NaN for ROUND, negative inputs to quantized SQRT) use one-op
models built with the official schema bindings (one_op_model, shared with test_ops_activations.py).

Bounds: float outputs within 1e-5 relative (the same libm calls as LiteRT); quantized outputs are bit-exact
(LiteRT's tables and fixed-point formulas are reproduced step by step).
"""
import numpy as np
import op_coverage
import one_op
import pytest
import tensorflow as tf
from ai_edge_litert import schema_py_generated as S

from oracle import assert_matches_litert, assert_quantized_close, convert_module, convert_quantized, litert, ours

RTOL, ATOL = 1e-5, 1e-6

one_op_model = one_op.one_op_model
options = one_op.typed_options


def run_pair(content, inputs, key=None):
    op_coverage.note_model(content)
    ref = litert(content).get_signature_runner(key)(**inputs)
    got = ours(content).get_signature_runner(key)(**inputs)
    return ref, got


def op_types(content):
    """{op name: [input dtypes]} of the model's first subgraph, as LiteRT reports them."""
    it = litert(content)
    details = it._get_ops_details()
    tensors = {t["index"]: t for t in it.get_tensor_details()}
    out = {}
    for op in details:
        out.setdefault(op["op_name"], []).append(
            [tensors[i]["dtype"] for i in op["inputs"] if i >= 0 and i in tensors])
    return out


def assert_quantized_op(content, name, dtype):
    ops = op_types(content)
    assert name in ops, f"{name} not in the model's ops {sorted(ops)}"
    assert all(ins and ins[0] == dtype for ins in ops[name]), f"{name} inputs {ops[name]}, expected {dtype}"


# ---------------------------------------------------------------------------------------------------------
# float32

FLOAT_OPS = {
    "abs": tf.abs, "neg": tf.negative, "exp": tf.exp, "log": tf.math.log, "sqrt": tf.sqrt,
    "rsqrt": tf.math.rsqrt, "square": tf.square, "sin": tf.sin, "cos": tf.cos, "floor": tf.floor,
    "ceil": tf.math.ceil, "round": tf.round, "sign": tf.sign,
}
POSITIVE = {"log", "sqrt", "rsqrt"}
SHAPES = [(5,), (2, 3), (2, 1, 3, 4), (1, 7, 1)]


def unary_fn(fn, shape, dtype=tf.float32):
    """A tf.function of one input returning {"y": fn(x)} (a closure: default arguments would become inputs)."""
    return tf.function(lambda x: {"y": fn(x)}, input_signature=[tf.TensorSpec(shape, dtype)])


def _float_model(shape):
    sigs = {name: unary_fn(fn, shape) for name, fn in FLOAT_OPS.items()}
    return convert_module("unary_f32_" + "x".join(map(str, shape)), sigs)


def _float_input(name, shape, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 3).astype(np.float32)
    if name in POSITIVE:
        x = np.abs(x) + np.float32(0.01)
    if name == "round":  # exact halves exercise the ties-to-even rule
        x = (np.round(x * 2) / 2).astype(np.float32)
    return x


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)))
@pytest.mark.parametrize("name", sorted(FLOAT_OPS))
def test_float(name, shape):
    content = _float_model(shape)
    assert_matches_litert(content, {"x": _float_input(name, shape, 1)}, name, rtol=RTOL, atol=ATOL)


def test_float_special_values():
    """NaN, infinities, signed zeros and halves: ROUND is half-to-even (and -0.3 gives +0 as in LiteRT)."""
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 0.5, 1.5, 2.5, -0.5, -1.5, -0.3, 1e30, -1e-30, 3.4e38],
                 np.float32)
    for code in (S.BuiltinOperator.ROUND, S.BuiltinOperator.SIGN, S.BuiltinOperator.FLOOR, S.BuiltinOperator.CEIL,
                 S.BuiltinOperator.ABS, S.BuiltinOperator.NEG, S.BuiltinOperator.SQUARE):
        content = one_op_model(code, [(np.float32, x.shape)], np.float32, x.shape)
        ref, got = run_pair(content, {"x0": x})
        np.testing.assert_array_equal(np.signbit(got["y"]), np.signbit(ref["y"]), err_msg=str(code))
        np.testing.assert_array_equal(got["y"], ref["y"], err_msg=str(code))


# ---------------------------------------------------------------------------------------------------------
# integer and bool types

INT_CASES = [
    ("abs_i32", tf.abs, tf.int32), ("neg_i32", tf.negative, tf.int32), ("sign_i32", tf.sign, tf.int32),
    ("neg_i64", tf.negative, tf.int64), ("not_bool", tf.logical_not, tf.bool),
]


@pytest.mark.parametrize("shape", [(6,), (2, 1, 3)], ids=lambda s: "x".join(map(str, s)))
def test_integer_and_bool(shape):
    sigs = {key: unary_fn(fn, shape, dt) for key, fn, dt in INT_CASES}
    content = convert_module("unary_int_" + "x".join(map(str, shape)), sigs)
    for key, _, _ in INT_CASES:
        assert_matches_litert(content, None, key, seed=3)


def test_integer_extremes():
    """Wrap-around at the type minimum (two's complement, as LiteRT), int16/int8 NEG and int16 ABS without
    quantization, SIGN on float64."""
    cases = [
        (S.BuiltinOperator.ABS, np.array([-2**31, -5, 0, 7, 2**31 - 1], np.int32)),
        (S.BuiltinOperator.NEG, np.array([-2**31, -5, 0, 7, 2**31 - 1], np.int32)),
        (S.BuiltinOperator.NEG, np.array([-2**63, -5, 0, 7], np.int64)),
        (S.BuiltinOperator.NEG, np.array([-128, -5, 0, 127], np.int8)),
        (S.BuiltinOperator.NEG, np.array([-32768, -5, 0, 32767], np.int16)),
        (S.BuiltinOperator.ABS, np.array([-32768, -5, 0, 32767], np.int16)),
        (S.BuiltinOperator.SIGN, np.array([-2.5, 0.0, -0.0, 3.0, np.nan], np.float64)),
    ]
    for code, x in cases:
        content = one_op_model(code, [(x.dtype, x.shape)], x.dtype, x.shape)
        ref, got = run_pair(content, {"x0": x})
        np.testing.assert_array_equal(got["y"], ref["y"], err_msg=f"{code} {x.dtype}")


# ---------------------------------------------------------------------------------------------------------
# quantized (converter recipes)

# The converter keeps NEG in float for int8 and refuses NEG and SQRT in 16x8; those run quantized in the
# hand-built tests below.
Q_SIGNED = {"abs": tf.abs, "exp": tf.exp}
Q_POSITIVE = {"log": tf.math.log, "sqrt": tf.sqrt, "rsqrt": tf.math.rsqrt}
Q_POSITIVE_16 = {"log": tf.math.log, "rsqrt": tf.math.rsqrt}
Q_NAMES = {"abs": "ABS", "neg": "NEG", "exp": "EXP", "log": "LOG", "sqrt": "SQRT", "rsqrt": "RSQRT"}


def _quantized_model(group, mode, shape=(2, 3, 4)):
    ops = Q_SIGNED if group == "signed" else Q_POSITIVE_16 if mode == "int16x8" else Q_POSITIVE
    fn = tf.function(lambda x: {k: f(x) for k, f in ops.items()}, input_signature=[tf.TensorSpec(shape, tf.float32)])
    low, high = (-2.0, 2.0) if group == "signed" else (0.05, 3.0)
    return convert_quantized(f"unary_q_{group}_{mode}", fn, mode, low=low, high=high), ops, (low, high)


def _quantized_inputs(content, low, high, seed):
    runner = litert(content).get_signature_runner()
    (name, d), = runner.get_input_details().items()
    rng = np.random.default_rng(seed)
    x = rng.uniform(low * 1.2, high * 1.2, d["shape"]).astype(np.float32)
    if low > 0:
        x = np.abs(x)
    if d["dtype"] != np.float32:
        scale, zp = d["quantization"]
        info = np.iinfo(d["dtype"])
        x = np.clip(np.round(x / scale) + zp, info.min, info.max).astype(d["dtype"])
    return {name: x}


@pytest.mark.parametrize("mode", ["int8", "int8_io", "int16x8"])
@pytest.mark.parametrize("group", ["signed", "positive"])
def test_quantized(group, mode):
    content, ops, (low, high) = _quantized_model(group, mode)
    qtype = np.int16 if mode == "int16x8" else np.int8
    for k in ops:
        assert_quantized_op(content, Q_NAMES[k], qtype)
    for seed in (0, 1):
        ref, got = run_pair(content, _quantized_inputs(content, low, high, seed))
        assert_quantized_close(ref, got, max_quanta=0, rtol=RTOL, atol=ATOL, context=f"{group} {mode}")


def _q_model(code, dtype, shape, in_q, out_q):
    return one_op_model(code, [(dtype, shape)], dtype, shape, quant={0: (in_q[0], in_q[1], 0)}, out_quant=out_q)


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_quantized_rescales(dtype):
    """Hand-built scales the converter would not pick: ABS with differing scales, EXP/LOG with asymmetric
    int8 zero points, every int8/int16 input value (bit-exact tables)."""
    info = np.iinfo(dtype)
    x = np.arange(info.min, info.max + 1, 1 if dtype == np.int8 else 97, dtype=dtype)
    zp_in, zp_out = ((5,), (-3,)) if dtype == np.int8 else ((0,), (0,))
    for code, in_s, out_s in [(S.BuiltinOperator.ABS, 0.02, 0.03), (S.BuiltinOperator.ABS, 0.02, 0.02),
                              (S.BuiltinOperator.EXP, 0.02, 0.05), (S.BuiltinOperator.LOG, 0.03, 0.04)]:
        content = _q_model(code, dtype, x.shape, ((in_s,), zp_in), ((out_s,), zp_out))
        ref, got = run_pair(content, {"x0": x})
        np.testing.assert_array_equal(got["y"], ref["y"], err_msg=f"{code} {dtype}")


@pytest.mark.parametrize("dtype", [np.int8, np.int16])
def test_quantized_sqrt_rsqrt_all_values(dtype):
    info = np.iinfo(dtype)
    zp = (-20,) if dtype == np.int8 else (0,)
    x = np.arange(zp[0], info.max + 1, 1 if dtype == np.int8 else 31, dtype=dtype)
    for code, out_s in [(S.BuiltinOperator.SQRT, 0.01), (S.BuiltinOperator.RSQRT, 0.05)]:
        content = _q_model(code, dtype, x.shape, ((0.01,), zp), ((out_s,), (3,) if dtype == np.int8 else (0,)))
        ref, got = run_pair(content, {"x0": x})
        np.testing.assert_array_equal(got["y"], ref["y"], err_msg=f"{code} {dtype}")


def test_quantized_negative_sqrt_fails():
    """LiteRT fails at invoke for negative inputs to quantized SQRT/RSQRT; so does sigrun."""
    x = np.array([1, 2, -3], np.int8)
    for code in (S.BuiltinOperator.SQRT, S.BuiltinOperator.RSQRT):
        content = _q_model(code, np.int8, x.shape, ((0.1,), (0,)), ((0.1,), (0,)))
        with pytest.raises(Exception):
            litert(content).get_signature_runner()(x0=x)
        with pytest.raises(Exception, match="negative"):
            ours(content).get_signature_runner()(x0=x)
