"""DENSIFY: weights pruned and converted with tf.lite.Optimize.EXPERIMENTAL_SPARSITY are stored sparse and
expanded by DENSIFY before the float op. Outputs must match LiteRT within 1e-5 (the dense math is the
same kernels'), and the real MediaPipe sparse models load with every sparse tensor verified."""
import numpy as np
import pytest

import oracle


def _pruned(shape, density, seed, block=None):
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(shape).astype(np.float32)
    mask = rng.random(shape) < density
    return (w * mask).astype(np.float32)


def _convert_sparse(key, fn):
    def make():
        tf = oracle._tf()
        import tempfile

        module = tf.Module()
        module.f = fn
        with tempfile.TemporaryDirectory() as tmp:
            tf.saved_model.save(module, tmp, signatures={"serving_default": fn})
            converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
            converter.optimizations = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
            return converter.convert()
    return oracle.cached(key, make, "densify")


def _ops(content):
    return sorted({d["op_name"] for d in oracle.litert(content)._get_ops_details()})


CASES = {
    "conv": ([1, 9, 9, 8], (3, 3, 8, 16)),
    "conv_odd": ([2, 7, 5, 3], (3, 3, 3, 5)),
    "matmul": ([3, 64], (64, 48)),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("density", [0.1, 0.5])
def test_sparse_weights_match_litert(case, density):
    tf = oracle._tf()
    in_shape, w_shape = CASES[case]
    w = _pruned(w_shape, density, seed=len(case))

    @tf.function(input_signature=[tf.TensorSpec(in_shape, tf.float32)])
    def f(x):
        if case.startswith("conv"):
            return {"y": tf.nn.conv2d(x, tf.constant(w), 1, "SAME")}
        return {"y": tf.matmul(x, tf.constant(w))}

    content = _convert_sparse(f"densify-{case}-{density}", f)
    assert "DENSIFY" in _ops(content), _ops(content)
    oracle.assert_matches_litert(content, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["face_detection_full_range_sparse.tflite", "pose_detection.tflite"])
def test_real_sparse_models_load_and_verify(name):
    import os

    path = os.path.join(os.path.dirname(__file__), "..", "data", "models", name)
    content = open(path, "rb").read()
    interp = oracle.ours(content)  # load verifies every sparse tensor; creation needs every op
    assert interp.get_signature_list() == oracle.litert(content).get_signature_list()
