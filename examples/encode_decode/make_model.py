#!/usr/bin/env python3
"""Builds encode_decode.tflite: a tf.Module with two signatures, `encode` and `decode`, that share one
weight matrix (read-only), saved as a SavedModel and converted with TFLiteConverter.from_saved_model.

    encode(x: float32[None, 4]) -> {"encoded": tanh(x @ W + b_enc)}          float32[None, 2]
    decode(y: float32[None, 2]) -> {"decoded": sigmoid(y @ W^T + b_dec)}     float32[None, 4]

Weights are fixed numbers so the file is reproducible. The script checks that the converted model uses
only FULLY_CONNECTED, ADD, SUB, MUL, RELU, TANH, LOGISTIC and RESHAPE, and that ai_edge_litert runs both
signatures with the same results as TensorFlow.

Usage: python make_model.py [OUTPUT]   (default: encode_decode.tflite next to this script)
"""
import os
import sys
import tempfile

import numpy as np
import tensorflow as tf

ALLOWED_OPS = {"FULLY_CONNECTED", "ADD", "SUB", "MUL", "RELU", "TANH", "LOGISTIC", "RESHAPE"}


class EncodeDecode(tf.Module):
    def __init__(self):
        super().__init__()
        self.w = tf.Variable([[0.5, -0.25], [0.75, 0.5], [-0.5, 1.0], [0.25, -0.75]], trainable=False, name="w")
        self.b_enc = tf.Variable([0.1, -0.2], trainable=False, name="b_enc")
        self.b_dec = tf.Variable([0.0, 0.5, -0.5, 0.25], trainable=False, name="b_dec")

    @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
    def encode(self, x):
        return {"encoded": tf.tanh(tf.matmul(x, self.w) + self.b_enc)}

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32, name="y")])
    def decode(self, y):
        return {"decoded": tf.sigmoid(tf.matmul(y, self.w, transpose_b=True) + self.b_dec)}


def operator_names(tflite_bytes):
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(tflite_bytes, 0))
    by_code = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    names = set()
    for sg in model.subgraphs:
        for op in sg.operators or []:
            oc = model.operatorCodes[op.opcodeIndex]
            code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
            names.add(by_code.get(code, "CUSTOM:%s" % oc.customCode))
    return names


def check(tflite_bytes, module):
    from ai_edge_litert.interpreter import Interpreter

    ops = operator_names(tflite_bytes)
    extra = ops - ALLOWED_OPS
    if extra:
        sys.exit("converted model uses ops outside the allowed list: %s" % sorted(extra))
    interp = Interpreter(model_content=tflite_bytes)
    sigs = interp.get_signature_list()
    assert sigs == {"encode": {"inputs": ["x"], "outputs": ["encoded"]},
                    "decode": {"inputs": ["y"], "outputs": ["decoded"]}}, sigs
    x = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 0.0, 2.0]], np.float32)
    encoded = interp.get_signature_runner("encode")(x=x)["encoded"]
    decoded = interp.get_signature_runner("decode")(y=encoded)["decoded"]
    np.testing.assert_allclose(encoded, module.encode(x)["encoded"].numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(decoded, module.decode(encoded)["decoded"].numpy(), rtol=1e-5, atol=1e-6)
    return sorted(ops), list(sigs)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "encode_decode.tflite")
    module = EncodeDecode()
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.path.join(tmp, "saved_model")
        tf.saved_model.save(module, saved, signatures={
            "encode": module.encode.get_concrete_function(),
            "decode": module.decode.get_concrete_function(),
        })
        converter = tf.lite.TFLiteConverter.from_saved_model(saved, signature_keys=["encode", "decode"])
        tflite_bytes = converter.convert()
    ops, sigs = check(tflite_bytes, module)
    with open(out, "wb") as f:
        f.write(tflite_bytes)
    print("wrote %s (%d bytes): signatures %s, ops %s" % (out, len(tflite_bytes), sigs, " ".join(ops)))


if __name__ == "__main__":
    main()
