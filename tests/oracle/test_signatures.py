"""Multi-signature models built with the official converter: signature lists, details and outputs equal
ai_edge_litert's; signatures sharing weights; inputs with a dynamic batch dimension resized by the runner."""
import numpy as np
import pytest

import oracle


def shared_weights_model():
    import tensorflow as tf

    class Coder(tf.Module):
        def __init__(self):
            rng = np.random.default_rng(3)
            self.w = tf.Variable(rng.standard_normal((4, 3)).astype(np.float32))
            self.b = tf.Variable(rng.standard_normal((3,)).astype(np.float32))

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
        def encode(self, x):
            return {"code": tf.nn.relu(tf.matmul(x, self.w) + self.b)}

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="code")])
        def decode(self, code):
            return {"recon": tf.tanh(tf.matmul(code, tf.transpose(self.w))), "scaled": code * 2.0 - self.b}

    m = Coder()
    return oracle.convert_saved_model_object(
        "shared_weights", m, {"encode": m.encode, "decode": m.decode}
    )


def test_signature_list_and_details_match():
    content = shared_weights_model()
    oracle.assert_same_signatures(content)
    assert list(oracle.ours(content).get_signature_list()) == ["decode", "encode"]


@pytest.mark.parametrize("batch", [1, 2, 5])
def test_shared_weights_outputs_match(batch):
    content = shared_weights_model()
    rng = np.random.default_rng(batch)
    x = rng.standard_normal((batch, 4)).astype(np.float32)
    ref, got = oracle.run_both(content, {"x": x}, "encode")
    oracle.assert_outputs_close(ref, got, context="encode")
    ref2, got2 = oracle.run_both(content, {"code": ref["code"]}, "decode")
    oracle.assert_outputs_close(ref2, got2, context="decode")


def test_runners_of_one_interpreter_keep_their_own_shapes():
    content = shared_weights_model()
    interp = oracle.ours(content)
    enc, dec = interp.get_signature_runner("encode"), interp.get_signature_runner("decode")
    a = enc(x=np.ones((3, 4), np.float32))["code"]
    b = dec(code=np.ones((7, 3), np.float32))
    c = enc(x=np.ones((3, 4), np.float32))["code"]
    assert a.shape == (3, 3) and b["recon"].shape == (7, 4)
    np.testing.assert_array_equal(a, c)


def test_unknown_signature_and_input_errors():
    content = shared_weights_model()
    interp = oracle.ours(content)
    with pytest.raises(ValueError):
        interp.get_signature_runner("transcode")
    with pytest.raises(ValueError):
        interp.get_signature_runner()  # two signatures: a key is required
    enc = interp.get_signature_runner("encode")
    with pytest.raises(ValueError):
        enc(y=np.ones((1, 4), np.float32))
    with pytest.raises(ValueError):
        enc(x=np.ones((1, 4), np.float64))  # dtype must match, as in LiteRT
