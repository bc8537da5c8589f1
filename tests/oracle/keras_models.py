"""The Keras model families of issue 3, built with weights=None and small inputs so a test run stays short.
Each builder returns a fresh keras.Model; every weight comes from a seeded initializer so runs repeat."""
import numpy as np


def _keras():
    import keras

    keras.utils.set_random_seed(1234)
    return keras


def _app(name, **kw):
    def build():
        keras = _keras()
        return getattr(keras.applications, name)(input_shape=(32, 32, 3), weights=None, classes=10, **kw)

    return build


def transformer_encoder():
    keras = _keras()
    L = keras.layers
    tokens = keras.Input((16,), dtype="int32", batch_size=1)
    x = L.Embedding(100, 32)(tokens)
    attention = L.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    x = L.LayerNormalization()(x + attention)
    ff = L.Dense(64, activation="gelu")(x)
    ff = L.Dense(32)(ff)
    x = L.LayerNormalization()(x + ff)
    x = L.GlobalAveragePooling1D()(x)
    return keras.Model(tokens, L.Dense(10)(x))


def _sequence(layer_fn):
    def build():
        keras = _keras()
        L = keras.layers
        inputs = keras.Input((8, 6), batch_size=1)
        x = layer_fn(L)(inputs)
        return keras.Model(inputs, L.Dense(4)(x))

    return build


def conv1d():
    keras = _keras()
    L = keras.layers
    inputs = keras.Input((20, 4), batch_size=1)
    x = L.Conv1D(8, 3, activation="relu")(inputs)
    x = L.MaxPooling1D(2)(x)
    x = L.Conv1D(8, 3, dilation_rate=2, padding="same")(x)
    x = L.GlobalAveragePooling1D()(x)
    return keras.Model(inputs, L.Dense(3)(x))


def conv2d_transpose():
    keras = _keras()
    L = keras.layers
    inputs = keras.Input((6, 6, 4), batch_size=1)
    x = L.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(inputs)
    x = L.Conv2DTranspose(3, 2, strides=1, padding="valid")(x)
    return keras.Model(inputs, x)


def upsampling2d():
    keras = _keras()
    L = keras.layers
    inputs = keras.Input((5, 5, 3), batch_size=1)
    a = L.UpSampling2D(2, interpolation="nearest")(inputs)
    b = L.UpSampling2D(2, interpolation="bilinear")(inputs)
    return keras.Model(inputs, L.Concatenate()([a, b]))


def separable_conv2d():
    keras = _keras()
    L = keras.layers
    inputs = keras.Input((12, 12, 4), batch_size=1)
    x = L.SeparableConv2D(8, 3, padding="same", activation="relu")(inputs)
    x = L.SeparableConv2D(6, 3, strides=2, depth_multiplier=2)(x)
    return keras.Model(inputs, x)


def batch_norm():
    keras = _keras()
    L = keras.layers
    inputs = keras.Input((8, 8, 3), batch_size=1)
    x = L.Conv2D(6, 3)(inputs)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    x = L.Flatten()(x)
    x = L.Dense(5)(x)
    x = L.BatchNormalization()(x)
    return keras.Model(inputs, x)


# Keras 3 LSTM, GRU, SimpleRNN and Bidirectional layers convert to WHILE loops (TF 2.21 never emits the fused
# sequence ops for them); they are tested in test_keras_families.test_recurrent_families_match_litert. The
# fused ops themselves are tested in test_ops_sequence.py on hand-built and real models.
RECURRENT = {
    "LSTM": _sequence(lambda L: lambda x: L.LSTM(8)(L.LSTM(16, return_sequences=True)(x))),
    "GRU": _sequence(lambda L: L.GRU(12)),
    "BidirectionalLSTM": _sequence(lambda L: lambda x: L.Flatten()(L.Bidirectional(L.LSTM(8, return_sequences=True))(x))),
}

FAMILIES = {
    "MobileNet": _app("MobileNet", alpha=0.25),
    "MobileNetV2": _app("MobileNetV2", alpha=0.35),
    "MobileNetV3Small": _app("MobileNetV3Small", alpha=0.75),
    "MobileNetV3Large": _app("MobileNetV3Large", alpha=0.75),
    "EfficientNetB0": _app("EfficientNetB0"),
    "ResNet50": _app("ResNet50"),
    "DenseNet121": _app("DenseNet121"),
    "NASNetMobile": _app("NASNetMobile"),
    "TransformerEncoder": transformer_encoder,
    "Conv1D": conv1d,
    "Conv2DTranspose": conv2d_transpose,
    "UpSampling2D": upsampling2d,
    "SeparableConv2D": separable_conv2d,
    "BatchNormalization": batch_norm,
}


def sample_input(model, seed=0):
    """A seeded input for each of the model's inputs (token ids for integer inputs)."""
    rng = np.random.default_rng(seed)
    values = []
    for spec in model.inputs:
        shape = [1] + list(spec.shape[1:])
        if "int" in str(spec.dtype):
            values.append(rng.integers(0, 100, shape).astype(np.int32))
        else:
            values.append(rng.uniform(-1, 1, shape).astype(np.float32))
    return values
