"""Oracle tests for ADD_N (tf.add_n): float32 and int32, 2 to 20 inputs (sigrun sums in batches of 16
inputs, so 20 crosses a batch), dynamic batch sizes including 0, int32 wrap-around. LiteRT sums left to right,
as sigrun does, so float results are compared exactly."""
import numpy as np
import pytest
import tensorflow as tf

from oracle import assert_outputs_close, convert_module, litert, run_both


def model(n, dtype):
    specs = [tf.TensorSpec([None, 3], dtype) for _ in range(n)]
    fn = tf.function(lambda *xs: {"sum": tf.add_n(list(xs))}, input_signature=specs)
    return convert_module(f"add_n-{n}-{dtype.name}", {"serving_default": fn})


def inputs(n, batch, dtype, seed):
    rng = np.random.default_rng(seed)
    if dtype == tf.float32:
        return [(rng.standard_normal((batch, 3)) * 10.0 ** rng.integers(-3, 4)).astype(np.float32) for _ in range(n)]
    return [rng.integers(-2**31, 2**31 - 1, (batch, 3), dtype=np.int64).astype(np.int32) for _ in range(n)]


@pytest.mark.parametrize("dtype", [tf.float32, tf.int32], ids=["float32", "int32"])
@pytest.mark.parametrize("n", [2, 3, 20])
def test_add_n_matches_litert(n, dtype):
    content = model(n, dtype)
    ops = {op["op_name"] for op in litert(content)._get_ops_details()}
    assert ops == {"ADD_N"}, ops
    names = sorted(litert(content).get_signature_runner().get_input_details(),
                   key=lambda k: litert(content).get_signature_runner().get_input_details()[k]["index"])
    for batch, seed in ((2, 0), (5, 1), (0, 2), (1, 3)):
        feed = dict(zip(names, inputs(n, batch, dtype, seed)))
        ref, got = run_both(content, feed)
        assert_outputs_close(ref, got, rtol=0, atol=0, context=f"add_n n={n} batch={batch}")
