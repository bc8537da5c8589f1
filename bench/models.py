"""models.py — the issue 7 benchmark models (sigrun vs LiteRT), built with the official converter, never
downloading: Keras applications with weights=None and seeded initializers, converted with
tf.lite.TFLiteConverter at benchmark time and cached in a directory, plus the real models of
../shared/models (tests/data/models holds copies of some of them).

    python bench/models.py OUT_DIR [NAME ...]      builds (or reuses) the Keras models into OUT_DIR

A model is rebuilt only when its file is missing, so delete OUT_DIR after changing TensorFlow or a builder.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))
sys.path.insert(0, os.path.join(ROOT, "bench"))


def _keras():
    import keras_models  # tests/oracle: seeds keras, numpy and TensorFlow before every build

    return keras_models._keras()


def _app(name, **kw):
    return lambda: getattr(_keras().applications, name)(input_shape=(224, 224, 3), weights=None, **kw)


def _transformer():
    import make_models  # the same encoder as the thread benchmark: 2 blocks, 64 tokens, width 128

    return make_models.transformer()


def _lstm(steps=32, features=32, units=128):
    keras = _keras()
    L = keras.layers
    x = keras.Input((steps, features), batch_size=1)
    h = L.LSTM(units, return_sequences=True)(x)
    h = L.LSTM(units)(h)
    return keras.Model(x, L.Dense(10)(h))


# name -> (builder, quantization, calibration range of the float input, what it is)
KERAS = {
    "mobilenet_v2": (_app("MobileNetV2"), None, (-1, 1), "Keras MobileNetV2, 224x224, float32"),
    "mobilenet_v2_int8": (_app("MobileNetV2"), "int8", (-1, 1), "the same, full int8 (int8 input/output)"),
    "mobilenet_v3_small": (_app("MobileNetV3Small"), None, (0, 255), "Keras MobileNetV3Small, 224x224, float32"),
    "efficientnet_b0": (_app("EfficientNetB0"), None, (0, 255), "Keras EfficientNetB0, 224x224, float32"),
    "efficientnet_b0_int8": (_app("EfficientNetB0"), "int8", (0, 255), "the same, full int8"),
    "transformer": (_transformer, None, None, "Keras transformer encoder (2 blocks, 64 tokens, width 128), float32"),
    "transformer_drq": (_transformer, "dynamic", None, "the same, dynamic-range quantized weights"),
    "lstm": (_lstm, None, None, "Keras 2-layer LSTM (32 steps x 32 features, 128 units), float32"),
}

# name -> (file under ../shared/models, what it is)
SHARED = {
    "face_detection_short_range": ("mediapipe/face_detection_short_range.tflite", "MediaPipe face detection (short range)"),
    "hand_landmark_lite": ("mediapipe/hand_landmark_lite.tflite", "MediaPipe hand landmarks (lite)"),
    "palm_detection_lite": ("mediapipe/palm_detection_lite.tflite", "MediaPipe palm detection (lite)"),
    "person_detect": ("tflm/person_detect.tflite", "TFLM person detection (int8)"),
}

ORDER = list(KERAS) + list(SHARED)


def shared_path(name):
    """The file of a shared model: the repository's copy in tests/data/models, else ../shared/models."""
    rel = SHARED[name][0]
    local = os.path.join(ROOT, "tests", "data", "models", os.path.basename(rel))
    if os.path.exists(local):
        return local
    for base in (os.path.join(os.path.dirname(ROOT), "shared", "models"), "/work/shared/models"):
        if os.path.exists(os.path.join(base, rel)):
            return os.path.join(base, rel)
    return None


def describe(name):
    return KERAS[name][3] if name in KERAS else SHARED[name][1]


def _convert(model, quant, low_high, samples=10, seed=0):
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if quant == "dynamic":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif quant == "int8":
        shape = [1] + list(model.inputs[0].shape[1:])
        rng = np.random.default_rng(seed)

        def representative():
            for _ in range(samples):
                yield [rng.uniform(low_high[0], low_high[1], shape).astype(np.float32)]

        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def build(name, out_dir, log=print):
    """Path of the model `name`, converting a Keras one into out_dir if it is not there yet; None if a shared
    model's file is missing."""
    if name in SHARED:
        return shared_path(name)
    path = os.path.join(out_dir, name + ".tflite")
    if not os.path.exists(path):
        builder, quant, low_high, _ = KERAS[name]
        content = _convert(builder(), quant, low_high)
        os.makedirs(out_dir, exist_ok=True)
        with open(path + ".tmp", "wb") as f:
            f.write(content)
        os.replace(path + ".tmp", path)
        log(f"built {path}: {len(content)} bytes")
    return path


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    for name in argv[2:] or list(KERAS):
        print(name, build(name, argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
