"""sigrun's SavedModel converter on Keras models (exported with model.export, the Keras 3 path), against
tf.lite.TFLiteConverter and TensorFlow: one small model per family of layers, together covering Dense, Conv1D,
Conv2D, DepthwiseConv2D, SeparableConv2D, BatchNormalization (inference), Max/AveragePooling, GlobalAverage-
Pooling, the activations relu / relu6 / sigmoid / tanh / softmax / gelu / swish / hard_swish / elu / leaky_relu,
Flatten, Reshape, Concatenate, Add, Multiply, Dropout, LayerNormalization and Embedding. Every weight (batch-norm
statistics included) is seeded random so folded constants are not trivially zero or one."""
import numpy as np
import pytest

import converter_oracle as co


def keras():
    co.tf()
    import keras as k

    return k


def randomize(model, seed=0):
    rng = np.random.default_rng(seed)
    for w in model.weights:
        value = rng.uniform(-0.5, 0.5, w.shape).astype("float32")
        if "variance" in w.path:
            value = rng.uniform(0.5, 1.5, w.shape).astype("float32")
        w.assign(value)
    return model


def mlp():
    k = keras()
    L = k.layers
    i = k.Input((12,))
    x = L.Dense(16, activation="relu")(i)
    x = L.Dropout(0.3)(x)
    branches = [L.Dense(8, activation=a)(x) for a in ("relu6", "sigmoid", "tanh", "elu", "swish", "hard_swish",
                                                          "gelu")]
    branches.append(L.LeakyReLU(negative_slope=0.1)(L.Dense(8)(x)))
    x = L.Concatenate()(branches)
    x = L.Dense(6, activation="softmax")(x)
    return k.Model(i, x)


def convnet():
    k = keras()
    L = k.layers
    i = k.Input((12, 12, 3))
    x = L.Conv2D(8, 3, activation="relu6")(i)
    x = L.BatchNormalization()(x)
    x = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2)(x)
    x = L.MaxPooling2D()(x)
    x = L.SeparableConv2D(6, 3, padding="same", activation="relu")(x)
    x = L.AveragePooling2D(pool_size=2, strides=1)(x)
    x = L.Conv2D(5, 1, strides=2)(x)
    x = L.BatchNormalization()(x)  # folds into the convolution before it
    x = L.ReLU()(x)
    x = L.GlobalAveragePooling2D()(x)
    return k.Model(i, L.Dense(4)(x))


def sequence():
    k = keras()
    L = k.layers
    i = k.Input((10, 4))
    x = L.Conv1D(6, 3, activation="sigmoid")(i)
    x = L.MaxPooling1D(2)(x)
    x = L.LayerNormalization()(x)
    x = L.Dense(5, activation="gelu")(x)  # rank-3 Dense: Keras' tensordot
    x = L.Flatten()(x)
    return k.Model(i, L.Dense(3)(x))


def merge():
    k = keras()
    L = k.layers
    a_in, b_in = k.Input((6,), name="a"), k.Input((6,), name="b")
    a = L.Dense(8, activation="tanh")(a_in)
    b = L.Dense(8)(b_in)
    x = L.Concatenate()([L.Add()([a, b]), L.Multiply()([a, b])])
    x = L.Reshape((4, 4))(x)
    x = L.LayerNormalization()(x)
    x = L.Softmax()(x)
    return k.Model([a_in, b_in], [L.Flatten()(x), L.Dense(2)(a)])


def embedding():
    k = keras()
    L = k.layers
    i = k.Input((7,), dtype="int32")
    x = L.Embedding(20, 4)(i)
    x = L.Flatten()(x)
    return k.Model(i, L.Dense(3, activation="relu")(x))


def static_batch():
    """A fixed batch size: Keras' shape arithmetic folds to constants."""
    k = keras()
    L = k.layers
    i = k.Input((4, 4, 2), batch_size=2)
    x = L.Conv2D(3, 2)(i)
    x = L.Flatten()(x)
    x = L.Reshape((3, 9))(x)
    return k.Model(i, L.Dense(2)(x))


def attention():
    """MultiHeadAttention (Einsum), a residual Add, LayerNormalization and a tanh-approximate gelu."""
    k = keras()
    L = k.layers
    i = k.Input((8, 16))
    x = L.MultiHeadAttention(2, 8)(i, i)
    x = L.LayerNormalization()(L.Add()([x, i]))
    x = L.Dense(12, activation=lambda t: k.activations.gelu(t, approximate=True))(x)
    return k.Model(i, x)


def decoder():
    """Conv2DTranspose (bias and relu fold into TRANSPOSE_CONV), bilinear upsampling, Resizing. (Nearest
    UpSampling2D converts too, but with a dynamic batch LiteRT's converter infers a looser output shape_signature,
    [-1, -1, W, C], than sigrun's [-1, H, W, C]; docs/converter.md, "Differences".)"""
    k = keras()
    L = k.layers
    i = k.Input((6, 6, 3))
    x = L.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu")(i)
    x = L.Conv2DTranspose(2, 3, padding="valid")(x)
    x = L.UpSampling2D(interpolation="bilinear")(x)
    return k.Model(i, L.Resizing(9, 11)(x))


def dilated():
    """Dilated convolutions (TF writes SpaceToBatchND / Conv2D / BatchToSpaceND; sigrun fuses them back into one
    dilated CONV_2D / DEPTHWISE_CONV_2D), Cropping2D, Permute, GlobalMaxPooling2D, RepeatVector."""
    k = keras()
    L = k.layers
    i = k.Input((9, 8, 3))
    x = L.Conv2D(4, 3, dilation_rate=2, padding="same", activation="relu")(i)
    x = L.DepthwiseConv2D(3, dilation_rate=(2, 3), padding="same")(x)
    x = L.Conv2D(5, 2, dilation_rate=3)(x)
    x = L.Cropping2D(((1, 0), (0, 1)))(x)
    y = L.RepeatVector(2)(L.GlobalMaxPooling2D()(x))
    return k.Model(i, [L.Permute((3, 1, 2))(x), y])


def attention_layers():
    """Keras' dot-product Attention (a transposed matmul operand: BATCH_MATMUL adj_y) and TimeDistributed."""
    k = keras()
    L = k.layers
    q, v = k.Input((5, 4)), k.Input((6, 4))
    a = L.Attention()([q, v])
    t = L.TimeDistributed(L.Dense(3))(a)
    return k.Model([q, v], [t, L.GlobalAveragePooling1D()(t)])


def wide():
    """Weights of 1024+ elements, which dynamic-range quantization turns into int8."""
    k = keras()
    L = k.layers
    i = k.Input((10, 10, 16))
    x = L.Conv2D(32, 3, activation="relu")(i)
    x = L.DepthwiseConv2D(3, depth_multiplier=4)(x)
    x = L.GlobalAveragePooling2D()(x)
    return k.Model(i, L.Dense(40)(x))


MODELS = {
    f.__name__: f
    for f in (mlp, convnet, sequence, merge, embedding, static_batch, attention, attention_layers, decoder, dilated, wide)
}


@pytest.fixture(scope="module")
def exported():
    cache = {}

    def get(name):
        if name not in cache:
            cache[name] = co.export_keras(randomize(MODELS[name]()))
        return cache[name]

    return get


@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_model_matches_tensorflow_and_official_signatures(exported, name):
    mine, ref = co.check_saved_model(exported(name))
    # Only serving_default, as TFLiteConverter converts a model.export() directory.
    assert list(co.litert(mine).get_signature_list()) == ["serving_default"]


def test_fusions_match_the_official_converter(exported):
    """Bias adds, batch norms after convolutions and relu activations fold as LiteRT's converter folds them:
    the same CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED counts and no stray ADD / MUL / RELU for them."""
    mine, ref = co.ours(exported("convnet")), co.official(exported("convnet"))
    ours_ops, ref_ops = co.operators(mine)["main"], co.operators(ref)["main"]
    for op in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "MAX_POOL_2D", "AVERAGE_POOL_2D", "MEAN"):
        assert ours_ops.count(op) == ref_ops.count(op), (op, ours_ops, ref_ops)
    assert sorted(ours_ops) == sorted(ref_ops), (ours_ops, ref_ops)
    mlp_ops = co.operators(co.ours(exported("mlp")))["main"]
    assert "GELU" in mlp_ops and "HARD_SWISH" in mlp_ops and "RELU" not in mlp_ops
    for name in ("mlp", "sequence", "attention"):  # GELU (exact and approximate), LayerNorm, Einsum
        ours_ops, ref_ops = co.operators(co.ours(exported(name)))["main"], co.operators(co.official(exported(name)))["main"]
        for op in ("GELU", "HARD_SWISH", "FULLY_CONNECTED", "BATCH_MATMUL", "SOFTMAX", "LOGISTIC"):
            assert ours_ops.count(op) == ref_ops.count(op), (name, op, ours_ops, ref_ops)


def test_dynamic_batch_resizes(exported):
    """The batch dim stays -1 in shape_signature (shape 1) and other batch sizes run."""
    mine = co.ours(exported("sequence"))
    d = co.litert(mine).get_signature_runner("serving_default").get_input_details()
    (detail,) = d.values()
    assert detail["shape"].tolist() == [1, 10, 4] and detail["shape_signature"].tolist() == [-1, 10, 4]
    loaded = co.tf().saved_model.load(exported("sequence"))
    for batch in (1, 5):
        inputs = co.inputs_for(mine, "serving_default", batch=batch, seed=batch)
        expected = co.tf_outputs(loaded, "serving_default", inputs)
        for runtime, got in co.run_everywhere(mine, "serving_default", inputs).items():
            co.assert_close(got, expected, f"batch {batch} in {runtime}")


@pytest.mark.parametrize("weights", ["float16", "dynamic"])
def test_quantized_weights_match_the_official_converter(exported, weights):
    """float16: float constants stored as float16 + DEQUANTIZE; dynamic: per-channel int8 weights for the big
    FULLY_CONNECTED / CONV_2D / DEPTHWISE_CONV_2D. Same signatures as the official output; the two models give
    the same results in ai_edge_litert (same quantized weights, same kernels) and sigrun agrees."""
    path = exported("wide")
    mine, ref = co.ours(path, weights), co.official(path, weights)
    co.assert_same_signatures(mine, ref)
    m, r = co.model_t(mine), co.model_t(ref)
    types = lambda model: sorted(t.type for sg in model.subgraphs for t in sg.tensors if model.buffers[t.buffer].data is not None)  # noqa: E731
    assert types(m) == types(r)
    assert len(mine) < len(co.ours(path)) * (0.6 if weights == "float16" else 0.9)
    inputs = co.inputs_for(mine, "serving_default")
    expected = co.litert(ref).get_signature_runner("serving_default")(**inputs)
    for runtime, got in co.run_everywhere(mine, "serving_default", inputs).items():
        co.assert_close(got, expected, f"{weights} in {runtime}", rtol=1e-4 if weights == "dynamic" else 1e-5)
