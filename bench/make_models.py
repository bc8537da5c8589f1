"""make_models.py OUT_DIR — builds the models bench_threads runs, with the official converter, never downloading:

  mobilenet_v2.tflite   Keras MobileNetV2 (alpha 0.35, 96x96x3, 10 classes, weights=None), float32: a
                        convolutional network (CONV_2D, DEPTHWISE_CONV_2D, ADD, MEAN, FULLY_CONNECTED, ...).
  transformer.tflite    a two-block Keras transformer encoder (Embedding, MultiHeadAttention,
                        LayerNormalization, Dense+GELU) over 64 tokens, width 128, float32.

The transformer blocks have the layer structure of tests/oracle/keras_models.transformer_encoder (whose seed
helper is reused); that model is too small (16 tokens, width 32) for timings above call overhead, so this one
is wider and deeper. Weights come from seeded initializers, so a rebuild with the same TensorFlow gives the
same model. Each model is checked to run in sigrun (if importable) and in ai_edge_litert, with equal outputs.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
import keras_models  # noqa: E402  (seeded keras import)


def mobilenet_v2():
    keras = keras_models._keras()
    return keras.applications.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10)


def transformer(tokens=64, width=128, heads=4, ff=256, blocks=2, vocab=1000):
    keras = keras_models._keras()
    L = keras.layers
    ids = keras.Input((tokens,), dtype="int32", batch_size=1)
    x = L.Embedding(vocab, width)(ids)
    for _ in range(blocks):
        attention = L.MultiHeadAttention(num_heads=heads, key_dim=width // heads)(x, x)
        x = L.LayerNormalization()(x + attention)
        h = L.Dense(ff, activation="gelu")(x)
        h = L.Dense(width)(h)
        x = L.LayerNormalization()(x + h)
    x = L.GlobalAveragePooling1D()(x)
    return keras.Model(ids, L.Dense(10)(x))


MODELS = {"mobilenet_v2": mobilenet_v2, "transformer": transformer}


def convert(model):
    import tensorflow as tf

    return tf.lite.TFLiteConverter.from_keras_model(model).convert()


def sample_inputs(details, seed=0):
    rng = np.random.default_rng(seed)
    out = {}
    for name, d in details.items():
        if np.issubdtype(d["dtype"], np.integer):
            out[name] = rng.integers(0, 100, d["shape"]).astype(d["dtype"])
        else:
            out[name] = rng.uniform(-1, 1, d["shape"]).astype(d["dtype"])
    return out


def check(name, content):
    """Runs the default signature in LiteRT and, when the sigrun package is importable, in sigrun."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    ref = Interpreter(model_content=content,
                      experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    key = next(iter(ref.get_signature_list()))
    inputs = sample_inputs(ref.get_signature_runner(key).get_input_details())
    expected = ref.get_signature_runner(key)(**inputs)
    try:
        import sigrun
    except ImportError:
        print(f"{name}: sigrun not importable, checked with LiteRT only")
        return
    got = sigrun.Interpreter(model_content=content).get_signature_runner(key)(**inputs)
    for out, value in expected.items():
        np.testing.assert_allclose(got[out], value, rtol=1e-4, atol=1e-5, err_msg=f"{name}: {out}")
    print(f"{name}: sigrun matches LiteRT on signature '{key}'")


def main(argv):
    if len(argv) != 2:
        print("usage: make_models.py OUT_DIR", file=sys.stderr)
        return 2
    os.makedirs(argv[1], exist_ok=True)
    for name, build in MODELS.items():
        content = convert(build())
        path = os.path.join(argv[1], name + ".tflite")
        with open(path, "wb") as f:
            f.write(content)
        print(f"{path}: {len(content)} bytes")
        check(name, content)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
