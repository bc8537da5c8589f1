#!/usr/bin/env python3
"""Builds training.tflite: a small classifier that trains on the device through its signatures, using
builtin operators only (no TF Select / Flex), so sigrun can run every signature.

The model is an MLP 4 -> 16 (tanh) -> 3 held in a tf.Module as four tf.Variables (w1, b1, w2, b2).
Converted with experimental_enable_resource_variables, the variables become VAR_HANDLE / READ_VARIABLE /
ASSIGN_VARIABLE and their initial values are written by the SavedModel initializer (CALL_ONCE).

    train(x: float32[24, 4], y: float32[24, 3]) -> {"loss": float32[]}
        one SGD step (learning rate 0.5) on softmax cross-entropy; y is one-hot; the loss is the one
        computed before the step
    infer(x: float32[None, 4]) -> {"logits": float32[None, 3], "probabilities": float32[None, 3]}
    get_weights() -> {"b1": float32[16], "b2": float32[3], "w1": float32[4, 16], "w2": float32[16, 3]}
    set_weights(b1, b2, w1, w2) -> {"sum_of_squares": float32[]}
        assigns the four variables; returns the sum of the squares of the new weights

train has a fixed batch: with a dynamic batch the gradient of the broadcasting multiply needs
tf.BroadcastGradientArgs, which is not a builtin. The hidden activation is tanh because TensorFlow's
ReLU gradient (tf.ReluGrad) is not a builtin either (it would need TF Select: FlexReluGrad) while tanh's
converts to builtins. Checkpoints use get_weights/set_weights rather than tf.raw_ops.Save/Restore, which
are Flex ops too.

The initial weights come from a seeded NumPy generator, so rebuilding with the same TensorFlow version
gives the same bytes. The script checks that every subgraph uses builtin operators only, the signature list,
and that ai_edge_litert's train/infer/get_weights/set_weights agree with TensorFlow's before writing the file.

Usage: python make_model.py [OUTPUT]   (default: training.tflite next to this script)
"""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

BATCH = 24
FEATURES = 4
HIDDEN = 16
CLASSES = 3
LEARNING_RATE = 0.5
SEED = 20240611

SIGNATURES = {
    "get_weights": {"inputs": [], "outputs": ["b1", "b2", "w1", "w2"]},
    "infer": {"inputs": ["x"], "outputs": ["logits", "probabilities"]},
    "set_weights": {"inputs": ["b1", "b2", "w1", "w2"], "outputs": ["sum_of_squares"]},
    "train": {"inputs": ["x", "y"], "outputs": ["loss"]},
}

# Operators the converted model may use, over all subgraphs (signatures and the initializer).
ALLOWED_OPS = {
    "ADD", "ASSIGN_VARIABLE", "BATCH_MATMUL", "CALL_ONCE", "EXP", "FULLY_CONNECTED", "LOG_SOFTMAX", "MEAN",
    "MUL", "NEG", "READ_VARIABLE", "RESHAPE", "SOFTMAX", "SQUARE", "SUB", "SUM", "TANH", "VAR_HANDLE",
}


def initial_weights():
    rng = np.random.default_rng(SEED)

    def glorot(fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_in, fan_out)).astype(np.float32)

    return {
        "w1": glorot(FEATURES, HIDDEN),
        "b1": np.zeros(HIDDEN, np.float32),
        "w2": glorot(HIDDEN, CLASSES),
        "b2": np.zeros(CLASSES, np.float32),
    }


class Classifier(tf.Module):
    def __init__(self):
        super().__init__()
        init = initial_weights()
        self.w1 = tf.Variable(init["w1"], name="w1")
        self.b1 = tf.Variable(init["b1"], name="b1")
        self.w2 = tf.Variable(init["w2"], name="w2")
        self.b2 = tf.Variable(init["b2"], name="b2")

    def variables_by_name(self):
        return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}

    def logits(self, x):
        hidden = tf.tanh(tf.matmul(x, self.w1) + self.b1)
        return tf.matmul(hidden, self.w2) + self.b2

    @tf.function(input_signature=[tf.TensorSpec([BATCH, FEATURES], tf.float32, name="x"),
                                  tf.TensorSpec([BATCH, CLASSES], tf.float32, name="y")])
    def train(self, x, y):
        with tf.GradientTape() as tape:
            log_probabilities = tf.nn.log_softmax(self.logits(x))
            loss = -tf.reduce_mean(tf.reduce_sum(y * log_probabilities, axis=1))
        weights = list(self.variables_by_name().values())
        for weight, gradient in zip(weights, tape.gradient(loss, weights)):
            weight.assign_sub(LEARNING_RATE * gradient)
        return {"loss": loss}

    @tf.function(input_signature=[tf.TensorSpec([None, FEATURES], tf.float32, name="x")])
    def infer(self, x):
        logits = self.logits(x)
        return {"logits": logits, "probabilities": tf.nn.softmax(logits)}

    @tf.function(input_signature=[])
    def get_weights(self):
        return {name: tf.identity(v) for name, v in self.variables_by_name().items()}

    @tf.function(input_signature=[tf.TensorSpec([HIDDEN], tf.float32, name="b1"),
                                  tf.TensorSpec([CLASSES], tf.float32, name="b2"),
                                  tf.TensorSpec([FEATURES, HIDDEN], tf.float32, name="w1"),
                                  tf.TensorSpec([HIDDEN, CLASSES], tf.float32, name="w2")])
    def set_weights(self, b1, b2, w1, w2):
        values = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
        for name, v in self.variables_by_name().items():
            v.assign(values[name])
        total = tf.reduce_sum(tf.square(w1)) + tf.reduce_sum(tf.square(b1))
        total += tf.reduce_sum(tf.square(w2)) + tf.reduce_sum(tf.square(b2))
        return {"sum_of_squares": total}


def operator_names(tflite_bytes):
    """Every operator name used by any subgraph (signatures and the SavedModel initializer)."""
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(tflite_bytes, 0))
    by_code = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    names = set()
    for sg in model.subgraphs:
        for op in sg.operators or []:
            oc = model.operatorCodes[op.opcodeIndex]
            code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
            names.add(by_code.get(code, "CUSTOM:%s" % (oc.customCode or b"").decode()))
    return names


def sample_batch(seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, FEATURES)).astype(np.float32)
    y = np.eye(CLASSES, dtype=np.float32)[rng.integers(0, CLASSES, BATCH)]
    return x, y


def check(tflite_bytes):
    """Op list, signature list, and LiteRT against TensorFlow on three training steps."""
    from ai_edge_litert.interpreter import Interpreter

    extra = operator_names(tflite_bytes) - ALLOWED_OPS
    if extra:
        sys.exit("converted model uses ops outside the allowed list: %s" % sorted(extra))
    interp = Interpreter(model_content=tflite_bytes)
    sigs = interp.get_signature_list()
    assert sigs == SIGNATURES, sigs
    reference = Classifier()  # a fresh module with the same initial weights
    train = interp.get_signature_runner("train")
    for step in range(3):
        x, y = sample_batch(step)
        got = train(x=x, y=y)["loss"]
        want = reference.train(tf.constant(x), tf.constant(y))["loss"].numpy()
        np.testing.assert_allclose(got, want, rtol=1e-5, err_msg="train step %d" % step)
    x, _ = sample_batch(99)
    got = interp.get_signature_runner("infer")(x=x)
    want = reference.infer(tf.constant(x))
    for name in ("logits", "probabilities"):
        np.testing.assert_allclose(got[name], want[name].numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    weights = interp.get_signature_runner("get_weights")()
    for name, v in reference.variables_by_name().items():
        np.testing.assert_allclose(weights[name], v.numpy(), rtol=1e-5, atol=1e-6, err_msg=name)
    # set_weights puts back the initial weights; infer then agrees with the untrained module.
    init = initial_weights()
    total = interp.get_signature_runner("set_weights")(**init)["sum_of_squares"]
    np.testing.assert_allclose(total, sum(float(np.sum(np.square(v, dtype=np.float64))) for v in init.values()),
                               rtol=1e-5)
    got = interp.get_signature_runner("infer")(x=x)["logits"]
    untrained = Classifier()
    np.testing.assert_allclose(got, untrained.infer(tf.constant(x))["logits"].numpy(), rtol=1e-5, atol=1e-6)
    return sorted(operator_names(tflite_bytes))


def convert(module):
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "saved_model")
        tf.saved_model.save(module, saved, signatures={key: getattr(module, key) for key in SIGNATURES})
        converter = tf.lite.TFLiteConverter.from_saved_model(saved, signature_keys=sorted(SIGNATURES))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS]
        converter.experimental_enable_resource_variables = True
        return converter.convert()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "training.tflite")
    tflite_bytes = convert(Classifier())
    ops = check(tflite_bytes)
    with open(out, "wb") as f:
        f.write(tflite_bytes)
    print("wrote %s (%d bytes): signatures %s, ops %s" % (out, len(tflite_bytes), sorted(SIGNATURES), " ".join(ops)))


if __name__ == "__main__":
    main()
