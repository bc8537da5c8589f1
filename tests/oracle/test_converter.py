"""sigrun's SavedModel converter on tf.Module SavedModels built at test time, against tf.lite.TFLiteConverter
and TensorFlow: the encode/decode module (signatures sharing a weight), a multi-signature module whose
signatures share a Keras layer, a `train` signature that assigns variables (resource variables, CALL_ONCE
initializer), the signatures guide's string module (unsupported ops: one error listing them all, as the
official converter refuses it too without TF Select), signature selection, the Python constructors and options,
and `sigrun convert` on the command line."""
import os
import pathlib
import subprocess

import numpy as np
import pytest

import converter_oracle as co
import sigrun

ROOT = pathlib.Path(__file__).resolve().parents[2]


def tf():
    return co.tf()


def encode_decode_module():
    """The project's encode/decode example (examples/encode_decode/make_model.py): two signatures sharing W."""
    t = tf()

    class EncodeDecode(t.Module):
        def __init__(self):
            super().__init__()
            self.w = t.Variable([[0.5, -0.25], [0.75, 0.5], [-0.5, 1.0], [0.25, -0.75]], trainable=False, name="w")
            self.b_enc = t.Variable([0.1, -0.2], trainable=False, name="b_enc")
            self.b_dec = t.Variable([0.0, 0.5, -0.5, 0.25], trainable=False, name="b_dec")

        @t.function(input_signature=[t.TensorSpec([None, 4], t.float32, name="x")])
        def encode(self, x):
            return {"encoded": t.tanh(t.matmul(x, self.w) + self.b_enc)}

        @t.function(input_signature=[t.TensorSpec([None, 2], t.float32, name="y")])
        def decode(self, y):
            return {"decoded": t.sigmoid(t.matmul(y, self.w, transpose_b=True) + self.b_dec)}

    m = EncodeDecode()
    return co.save_module(m, {"encode": m.encode, "decode": m.decode})


def shared_layer_module():
    """Three signatures over one Keras Dense layer (weights stored once) plus a layer only one of them uses."""
    t = tf()
    import keras

    class Shared(t.Module):
        def __init__(self):
            super().__init__()
            self.body = keras.layers.Dense(32, activation="relu")
            self.head = keras.layers.Dense(3)
            self.body.build((None, 64))
            self.head.build((None, 32))
            rng = np.random.default_rng(3)
            for w in self.body.weights + self.head.weights:
                w.assign(rng.uniform(-0.3, 0.3, w.shape).astype("float32"))

        @t.function(input_signature=[t.TensorSpec([None, 64], t.float32)])
        def features(self, x):
            return {"features": self.body(x)}

        @t.function(input_signature=[t.TensorSpec([None, 64], t.float32)])
        def classify(self, x):
            return {"logits": self.head(self.body(x)), "probabilities": t.nn.softmax(self.head(self.body(x)))}

        @t.function(input_signature=[t.TensorSpec([None, 64], t.float32), t.TensorSpec([None, 64], t.float32)])
        def distance(self, a, b):
            d = self.body(a) - self.body(b)
            return {"distance": t.reduce_sum(d * d, axis=-1)}

    m = Shared()
    return co.save_module(m, {"features": m.features, "classify": m.classify, "distance": m.distance})


def train_module():
    """The on-device-training shape: `train` assigns variables that `infer` reads; `c` is read-only."""
    t = tf()

    class Train(t.Module):
        def __init__(self):
            super().__init__()
            self.w = t.Variable([[1.0, 2.0], [3.0, -1.0]], name="w")
            self.b = t.Variable([0.5, -0.5], name="b")
            self.steps = t.Variable(0.0, name="steps")
            self.c = t.Variable([2.0, 3.0], name="c")

        @t.function(input_signature=[t.TensorSpec([None, 2], t.float32)])
        def infer(self, x):
            return {"y": t.matmul(x, self.w) + self.b * self.c}

        @t.function(input_signature=[t.TensorSpec([None, 2], t.float32), t.TensorSpec([None, 2], t.float32)])
        def train(self, x, target):
            err = t.matmul(x, self.w) + self.b - target
            self.w.assign_sub(0.1 * t.matmul(x, err, transpose_a=True))
            self.b.assign_sub(0.1 * t.reduce_mean(err, axis=0))
            self.steps.assign_add(1.0)
            return {"loss": t.reduce_mean(err * err), "steps": self.steps.read_value()}

    m = Train()
    return co.save_module(m, {"infer": m.infer, "train": m.train})


def ops_module():
    """A tf.function mixing the elementwise, reduction, slicing, joining and gathering ops the lowering folds or
    emits (int64 indices into a captured variable, reversed strides, split / unstack lists, where, argmax)."""
    t = tf()

    class Ops(t.Module):
        def __init__(self):
            super().__init__()
            self.table = t.Variable(t.random.stateless_normal([10, 4], seed=[1, 2]))

        @t.function(input_signature=[t.TensorSpec([None, 6], t.float32), t.TensorSpec([None], t.int64)])
        def ops(self, x, ids):
            a = t.reduce_sum(x, axis=1, keepdims=True) + t.reduce_max(x, axis=-1, keepdims=True)
            b = t.where(x > 0.0, x, -x * 0.5)
            c = t.clip_by_value(x, -0.5, 0.5)
            d = x[:, 1:5:2] * x[:, ::-2][:, :2]
            e = t.concat(t.split(x, 3, axis=1)[::-1], axis=1)
            h = t.transpose(t.expand_dims(x, -1), [0, 2, 1])
            i = t.squeeze(h, 1) * t.math.rsqrt(t.abs(x) + 1.0)
            j = t.pow(t.abs(x), 1.5) + t.floor(x) + t.maximum(x, 0.1) - t.minimum(x, -0.1)
            k = t.tile(x[:, :2], [1, 3])
            m = t.stack(t.unstack(x[:, :3], axis=1)[::-1], axis=1)
            o = t.reduce_mean(t.square(x - t.reduce_mean(x)), axis=0)
            p = t.nn.log_softmax(x) + t.nn.softmax(x * 2.0)
            q = t.exp(-t.abs(x)) + t.math.log(t.abs(x) + 1.0)
            return {"a": a + t.reduce_min(b, axis=1, keepdims=True), "c": c + d[:, :1], "e": e + i + j + k + p + q,
                    "g": t.gather(self.table, ids), "l": t.pad(x, [[0, 0], [1, 2]]), "m": m,
                    "n": t.cast(t.argmax(x, axis=1), t.float32), "o": o}

    m = Ops()
    return co.save_module(m, {"ops": m.ops})


def edge_module():
    """Outputs that are an input as is, a constant, and one tensor under two keys: written as LiteRT writes them."""
    t = tf()

    class Edge(t.Module):
        @t.function(input_signature=[t.TensorSpec([None, 3], t.float32)])
        def edge(self, x):
            y = x * 2.0
            return {"same": x, "const": t.constant([1.0, 2.0]), "twice_a": y, "twice_b": y}

    m = Edge()
    return co.save_module(m, {"edge": m.edge})


def strings_module():
    """LiteRT's signatures guide's own example: string ops, which only TF Select (Flex) provides."""
    t = tf()

    class Model(t.Module):
        @t.function(input_signature=[t.TensorSpec(shape=[None], dtype=t.float32)])
        def encode(self, x):
            return {"encoded_result": t.strings.as_string(x)}

        @t.function(input_signature=[t.TensorSpec(shape=[None], dtype=t.string)])
        def decode(self, x):
            return {"decoded_result": t.strings.to_number(x)}

    m = Model()
    return co.save_module(m, {"encode": m.encode, "decode": m.decode})


@pytest.fixture(scope="module")
def saved():
    cache = {}

    def get(builder):
        if builder not in cache:
            cache[builder] = builder()
        return cache[builder]

    return get


def test_encode_decode_signatures_and_shared_weight(saved):
    mine, ref = co.check_saved_model(saved(encode_decode_module))
    assert list(co.litert(mine).get_signature_list()) == ["decode", "encode"]
    assert co.operators(mine) == {"decode": ["FULLY_CONNECTED", "LOGISTIC"], "encode": ["FULLY_CONNECTED", "TANH"]}
    # W is [4, 2]; decode uses it as FULLY_CONNECTED weights directly and encode transposed, so two buffers of
    # 32 bytes; the official converter writes the same.
    m, r = co.model_t(mine), co.model_t(ref)
    sizes = lambda model: sorted(len(b.data) for b in model.buffers if b.data is not None and len(b.data) == 32)  # noqa: E731
    assert sizes(m) == sizes(r)


def test_shared_layer_weights_are_stored_once(saved):
    mine, ref = co.check_saved_model(saved(shared_layer_module))
    assert list(co.litert(mine).get_signature_list()) == ["classify", "distance", "features"]
    m = co.model_t(mine)
    body_kernel = [b for b in m.buffers if b.data is not None and len(b.data) == 64 * 32 * 4]
    assert len(body_kernel) == 1  # three signatures, four uses, one buffer
    assert len(mine) < 64 * 32 * 4 * 1.6
    # (LiteRT's converter keeps these Keras-3 layer variables of a plain tf.Module as resource variables that
    # nothing initializes: its model reads zeros. sigrun freezes them; docs/converter.md, "Differences".)


def test_assorted_ops(saved):
    co.check_saved_model(saved(ops_module))


def test_outputs_that_are_inputs_constants_or_repeated(saved):
    mine, ref = co.check_saved_model(saved(edge_module))
    assert co.operators(mine) == co.operators(ref) == {"main": ["MUL"]}


def test_train_signature_keeps_resource_variables(saved):
    path = saved(train_module)
    mine, ref = co.ours(path), co.official(path)
    co.assert_same_signatures(mine, ref)
    ops = co.operators(mine)
    assert list(ops) == ["infer", "train", "NoOp"]  # the initializer subgraph last, as LiteRT writes it
    for key in ("infer", "train"):
        assert ops[key][0] == "CALL_ONCE"
        assert "VAR_HANDLE" in ops[key] and "READ_VARIABLE" in ops[key]
    assert ops["train"].count("ASSIGN_VARIABLE") == 3
    assert sorted(ops["NoOp"]) == sorted(["VAR_HANDLE", "ASSIGN_VARIABLE"] * 3)
    names = sorted({o.builtinOptions.sharedName.decode() for sg in co.model_t(mine).subgraphs for o in sg.operators
                    if type(o.builtinOptions).__name__ == "VarHandleOptionsT"})
    ref_names = sorted({o.builtinOptions.sharedName.decode() for sg in co.model_t(ref).subgraphs for o in sg.operators
                        if type(o.builtinOptions).__name__ == "VarHandleOptionsT"})
    assert names == ref_names == ["b", "steps", "w"]  # c is never assigned: frozen
    # State carries across calls and signatures exactly as in TensorFlow.
    loaded = tf().saved_model.load(path)
    interpreters = {"ai_edge_litert": co.litert(mine), "sigrun": sigrun.Interpreter(model_content=mine)}
    rng = np.random.default_rng(0)
    for step in range(4):
        x = rng.standard_normal((3, 2)).astype(np.float32)
        target = rng.standard_normal((3, 2)).astype(np.float32)
        expected_train = co.tf_outputs(loaded, "train", {"x": x, "target": target})
        expected_infer = co.tf_outputs(loaded, "infer", {"x": x})
        for name, interp in interpreters.items():
            got = interp.get_signature_runner("train")(x=x, target=target)
            co.assert_close(got, expected_train, f"train step {step} in {name}")
            got = interp.get_signature_runner("infer")(x=x)
            co.assert_close(got, expected_infer, f"infer after step {step} in {name}")


def test_unsupported_ops_are_listed_in_one_error(saved):
    path = saved(strings_module)
    with pytest.raises(Exception) as official_error:
        co.official(path)  # builtins only: the official converter refuses it too
    assert "AsString" in str(official_error.value) and "StringToNumber" in str(official_error.value)
    with pytest.raises(RuntimeError) as error:
        co.ours(path)
    text = str(error.value)
    assert text.startswith("2 TensorFlow ops cannot be converted to LiteRT builtins")
    assert "tf.AsString: node 'AsString' in function '__inference_encode_" in text
    assert "tf.StringToNumber: node 'StringToNumber' in function '__inference_decode_" in text
    assert error.value.status == 2  # SIGRUN_STATUS_UNSUPPORTED


def test_signature_selection_and_errors(saved):
    path = saved(shared_layer_module)
    mine = co.ours(path, signature_keys=["features"])
    ref = co.official(path, signature_keys=["features"])
    co.assert_same_signatures(mine, ref)
    assert list(co.operators(mine)) == ["main"]  # a lone signature's subgraph is "main"
    two = co.ours(path, signature_keys=["features", "classify"])
    assert list(co.litert(two).get_signature_list()) == ["classify", "features"]  # sorted by key
    with pytest.raises(ValueError) as error:
        co.ours(path, signature_keys=["nope"])
    assert str(error.value) == "Invalid signature key 'nope' found. Valid keys are 'classify,distance,features'."
    with pytest.raises(OSError):
        sigrun.Converter.from_saved_model(os.path.join(path, "missing")).convert()


def test_python_constructors_and_options(saved, tmp_path):
    t = tf()
    import keras

    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(2)])
    mine = sigrun.Converter.from_keras_model(model).convert()
    signatures = co.litert(mine).get_signature_list()
    assert list(signatures) == ["serving_default"] and signatures["serving_default"]["outputs"] == ["output_0"]
    (input_name,) = signatures["serving_default"]["inputs"]  # Keras numbers its tensors: keras_tensor_<n>
    assert input_name.startswith("keras_tensor")
    co.assert_same_signatures(mine, t.lite.TFLiteConverter.from_keras_model(model).convert())
    x = np.random.default_rng(1).standard_normal((3, 5)).astype(np.float32)
    expected = model(x).numpy()
    for runtime, got in co.run_everywhere(mine, "serving_default", {input_name: x}).items():
        co.assert_close({"y": got["output_0"]}, {"y": expected}, f"from_keras_model in {runtime}")

    module = t.Module()
    module.v = t.Variable([1.0, 2.0, 3.0])
    module.f = t.function(lambda x: {"out": x * module.v}, input_signature=[t.TensorSpec([3], t.float32)])
    fn = module.f.get_concrete_function()
    mine = sigrun.Converter.from_concrete_functions([fn], module).convert()
    ref = t.lite.TFLiteConverter.from_concrete_functions([fn], module).convert()
    co.assert_same_signatures(mine, ref)
    got = sigrun.Interpreter(model_content=mine).get_signature_runner()(x=np.array([1, 1, 2], np.float32))
    np.testing.assert_array_equal(got["out"], [1, 2, 6])
    with pytest.raises(ValueError, match="trackable_obj"):
        sigrun.Converter.from_concrete_functions([fn])

    c = sigrun.Converter.from_saved_model(saved(encode_decode_module))
    c.optimizations = [t.lite.Optimize.DEFAULT]
    c.target_spec.supported_types = [t.float16]
    assert any(tt.type == 1 for sg in co.model_t(c.convert()).subgraphs for tt in sg.tensors)  # FLOAT16
    c.representative_dataset = lambda: iter([])
    with pytest.raises(NotImplementedError, match="full-integer"):
        c.convert()
    c = sigrun.Converter.from_saved_model(saved(encode_decode_module))
    c.target_spec.supported_ops = [t.lite.OpsSet.TFLITE_BUILTINS, t.lite.OpsSet.SELECT_TF_OPS]
    with pytest.raises(NotImplementedError, match="SELECT_TF_OPS"):
        c.convert()


def _cli():
    exe = os.environ.get("SIGRUN_CLI", str(ROOT / "build" / "sigrun"))
    if not os.path.exists(exe):
        pytest.skip(f"no sigrun CLI at {exe} (set SIGRUN_CLI)")
    return exe


def test_cli_convert(saved, tmp_path):
    exe = _cli()
    out = tmp_path / "m.tflite"
    proc = subprocess.run([exe, "convert", saved(encode_decode_module), "-o", str(out), "--signature", "encode"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "reading the SavedModel" in proc.stderr and "wrote" in proc.stderr
    assert co.litert(out.read_bytes()).get_signature_list() == {"encode": {"inputs": ["x"], "outputs": ["encoded"]}}
    proc = subprocess.run([exe, "convert", saved(strings_module), "-o", str(tmp_path / "s.tflite"), "--quiet"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "tf.AsString" in proc.stderr and "tf.StringToNumber" in proc.stderr
    assert not (tmp_path / "s.tflite").exists()
    proc = subprocess.run([exe, "convert", saved(encode_decode_module), "-o", str(out), "--signature", "nope"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Invalid signature key 'nope'" in proc.stderr
    proc = subprocess.run([exe, "convert", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("usage: sigrun convert")
    proc = subprocess.run([exe, "convert", saved(encode_decode_module)], capture_output=True, text=True)
    assert proc.returncode == 2 and "missing -o" in proc.stderr
    proc = subprocess.run([exe, "convert", saved(encode_decode_module), "-o", str(out), "--float16", "--dynamic-range"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
