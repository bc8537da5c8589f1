"""The Python package `sigrun` against ai_edge_litert's Interpreter (the oracle), through the public API only.

Compared: signature lists, input/output details (every key, value and value type), outputs, and the type and
text of errors raised by the Python layer. Errors whose text comes from the C runtime (allocate, invoke,
resize) are compared by type only, since sigrun words its messages itself. Models: small op-less models
built here with the official schema (they exercise the API without depending on kernels), the models of the
signatures guide's three conversion paths (SavedModel, Keras, concrete functions; converted once by
TensorFlow in a subprocess and cached), and a few shared LiteRT test models.
"""
import ctypes
import gc
import os
import re
import subprocess
import sys
import threading
import weakref
from pathlib import Path

import flatbuffers
import numpy as np
import pytest

import sigrun
from ai_edge_litert import interpreter as litert
from ai_edge_litert import schema_py_generated as schema

ROOT = Path(__file__).resolve().parents[2]
LITERT_MODELS = ROOT / "tests" / "data" / "models"  # copies of ../shared/models, see SOURCES.md there
CACHE = ROOT / "tests" / "oracle" / ".cache"
T = schema.TensorType


# ---------------------------------------------------------------------------------------------------------
# Helpers


def oracle(**kwargs):
    return litert.Interpreter(
        experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES, **kwargs)


def pair(path):
    return oracle(model_path=str(path)), sigrun.Interpreter(model_path=str(path))


def assert_same(expected, actual, where="value", exact=True):
    """Same structure, same key order, same value types and dtypes, equal values (close if not exact)."""
    assert type(actual) is type(expected), f"{where}: {type(actual)!r} instead of {type(expected)!r}"
    if isinstance(expected, dict):
        assert list(actual) == list(expected), f"{where}: keys {list(actual)} instead of {list(expected)}"
        for key in expected:
            assert_same(expected[key], actual[key], f"{where}[{key!r}]", exact)
    elif isinstance(expected, (list, tuple)):
        assert len(actual) == len(expected), f"{where}: {len(actual)} items instead of {len(expected)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            assert_same(e, a, f"{where}[{i}]", exact)
    elif isinstance(expected, (np.ndarray, np.generic)):
        assert actual.dtype == expected.dtype, f"{where}: dtype {actual.dtype} instead of {expected.dtype}"
        assert np.shape(actual) == np.shape(expected), f"{where}: shape {np.shape(actual)} vs {np.shape(expected)}"
        if exact or expected.dtype.kind not in "fc":
            assert np.array_equal(actual, expected), f"{where}: {actual!r} instead of {expected!r}"
        else:
            np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6, err_msg=where)
    else:
        assert actual == expected, f"{where}: {actual!r} instead of {expected!r}"


def outcome(call):
    try:
        return call(), None
    except Exception as exc:  # noqa: BLE001 - the type is what is compared
        return None, exc


def assert_same_error(expected_call, actual_call, same_text=True):
    _, expected = outcome(expected_call)
    _, actual = outcome(actual_call)
    assert expected is not None, "LiteRT did not raise"
    assert actual is not None, f"sigrun did not raise; LiteRT raised {type(expected).__name__}: {expected}"
    assert type(actual) is type(expected), f"sigrun raised {type(actual).__name__}: {actual}; " \
                                           f"LiteRT {type(expected).__name__}: {expected}"
    if same_text:
        assert str(actual) == str(expected)
    else:
        assert str(actual), "sigrun raised without a message"


def assert_same_api(expected, actual, exact=True):
    """Signature lists, interpreter-level details and every runner's details."""
    assert_same(expected.get_signature_list(), actual.get_signature_list(), "get_signature_list()")
    assert_same(expected.get_input_details(), actual.get_input_details(), "get_input_details()")
    assert_same(expected.get_output_details(), actual.get_output_details(), "get_output_details()")
    for key in expected.get_signature_list():
        e, a = expected.get_signature_runner(key), actual.get_signature_runner(key)
        assert_same(e.get_input_details(), a.get_input_details(), f"{key}.get_input_details()")
        assert_same(e.get_output_details(), a.get_output_details(), f"{key}.get_output_details()")


def random_value(details, shape=None, seed=0):
    rng = np.random.default_rng(seed)
    shape = tuple(details["shape"]) if shape is None else shape
    dtype = np.dtype(details["dtype"])
    if dtype.kind == "f":
        return rng.uniform(-4, 4, shape).astype(dtype)
    if dtype.kind == "b":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype.kind == "c":
        return (rng.uniform(-4, 4, shape) + 1j * rng.uniform(-4, 4, shape)).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -100), min(info.max, 100), shape, endpoint=True).astype(dtype)


def run_both(expected, actual, key, inputs, exact=True):
    e = expected.get_signature_runner(key)(**inputs)
    a = actual.get_signature_runner(key)(**inputs)
    assert_same(e, a, f"{key}(...)", exact)
    return a


# ---------------------------------------------------------------------------------------------------------
# Op-less models built with the official schema: outputs are input tensors, so every run is exact.


def _tensor(name, shape, ttype=T.FLOAT32, signature=None, scales=None, zero_points=None, dimension=0):
    t = schema.TensorT()
    t.name, t.shape, t.type, t.buffer = name, list(shape), ttype, 0
    if signature is not None:
        t.shapeSignature = list(signature)
    if scales is not None:
        q = schema.QuantizationParametersT()
        q.scale, q.zeroPoint, q.quantizedDimension = list(scales), list(zero_points), dimension
        t.quantization = q
    return t


def _subgraph(name, tensors, inputs, outputs):
    g = schema.SubGraphT()
    g.name, g.tensors, g.inputs, g.outputs, g.operators = name, tensors, inputs, outputs, []
    return g


def _signature(key, subgraph, inputs, outputs):
    def entry(name, index):
        m = schema.TensorMapT()
        m.name, m.tensorIndex = name, index
        return m

    d = schema.SignatureDefT()
    d.signatureKey, d.subgraphIndex = key, subgraph
    d.inputs = [entry(n, i) for n, i in inputs]
    d.outputs = [entry(n, i) for n, i in outputs]
    return d


def _model(subgraphs, signatures):
    m = schema.ModelT()
    m.version, m.operatorCodes, m.subgraphs, m.buffers = 3, [], subgraphs, [schema.BufferT()]
    m.signatureDefs, m.description = signatures, "sigrun python api test"
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


DTYPES = [("f32", T.FLOAT32), ("f16", T.FLOAT16), ("i32", T.INT32), ("u8", T.UINT8), ("i64", T.INT64),
          ("b", T.BOOL), ("i16", T.INT16), ("c64", T.COMPLEX64), ("i8", T.INT8), ("f64", T.FLOAT64),
          ("c128", T.COMPLEX128), ("u64", T.UINT64), ("u32", T.UINT32), ("u16", T.UINT16)]


def _build_models():
    two = _model(
        [_subgraph("main", [_tensor("in_b", [1, 3], signature=[-1, 3]),
                            _tensor("in_a", [2], T.INT8, scales=[0.5], zero_points=[-3]),
                            _tensor("per_channel", [2, 2], T.INT8, scales=[0.5, 0.25], zero_points=[1, 2],
                                    dimension=1)], [0, 1, 2], [2, 0, 1]),
         _subgraph("other", [_tensor("x", [4], T.INT32, signature=[-1]), _tensor("y", [], T.BOOL)], [0, 1], [1, 0])],
        [_signature("first", 0, [("b", 0), ("a", 1), ("c", 2)], [("out_c", 2), ("out_b", 0), ("out_a", 1)]),
         _signature("second", 1, [("x", 0), ("y", 1)], [("ry", 1), ("rx", 0)])])
    tensors = [_tensor("t_" + name, [2, 3], ttype) for name, ttype in DTYPES]
    n = len(tensors)
    dtypes = _model([_subgraph("main", tensors, list(range(n)), list(range(n)))],
                    [_signature("all", 0, [(name, i) for i, (name, _) in enumerate(DTYPES)],
                                [("out_" + name, i) for i, (name, _) in enumerate(DTYPES)])])
    unsigned = _model([_subgraph("main", [_tensor("x1", [1], signature=[-1]), _tensor("", [2], T.INT32)],
                                 [0, 1], [1, 0])], [])
    # The only signature runs subgraph 1, so the primary (index-based) view is subgraph 0 without a signature.
    off_zero = _model(
        [_subgraph("zero", [_tensor("z", [3])], [0], [0]), _subgraph("one", [_tensor("w", [2], T.INT16)], [0], [0])],
        [_signature("one", 1, [("w", 0)], [("w_out", 0)])])
    return {"two": two, "dtypes": dtypes, "unsigned": unsigned, "off_zero": off_zero}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    directory = tmp_path_factory.mktemp("models")
    paths = {}
    for name, data in _build_models().items():
        paths[name] = directory / f"{name}.tflite"
        paths[name].write_bytes(data)
    return paths


@pytest.mark.parametrize("name", ["two", "dtypes", "unsigned", "off_zero"])
def test_details_match(built, name):
    expected, actual = pair(built[name])
    assert_same_api(expected, actual)
    for subgraph in range(expected.num_subgraphs()):
        if subgraph == 0 or name == "two":
            assert_same(expected.get_tensor_details(subgraph), actual.get_tensor_details(subgraph))
    assert actual.num_subgraphs() == expected.num_subgraphs()


@pytest.mark.parametrize("name", ["two", "dtypes", "off_zero"])
def test_signature_runs_match(built, name):
    expected, actual = pair(built[name])
    for seed, (key, signature) in enumerate(expected.get_signature_list().items()):
        details = expected.get_signature_runner(key).get_input_details()
        inputs = {n: random_value(details[n], seed=seed) for n in signature["inputs"]}
        result = run_both(expected, actual, key, inputs)
        for value in result.values():  # copies, never views of sigrun's memory
            assert value.base is None if isinstance(value, np.ndarray) else isinstance(value, np.generic)


def test_dynamic_shapes_scalars_and_noncontiguous_inputs(built):
    expected, actual = pair(built["two"])
    rng = np.random.default_rng(1)
    for length in (4, 7, 0, 1, 3):
        run_both(expected, actual, "second", {"x": np.arange(length, dtype=np.int32), "y": np.array(length % 2 == 0)})
    run_both(expected, actual, "second", {"x": np.arange(12, dtype=np.int32)[::3], "y": np.bool_(True)})
    run_both(expected, actual, "second", {"x": np.arange(6, dtype=np.int32).reshape(2, 3), "y": np.array(True)})
    wide = rng.uniform(size=(5, 6)).astype(np.float32)
    inputs = {"b": wide[:, ::2], "a": np.array([1, -2], np.int8), "c": np.asfortranarray(np.eye(2, dtype=np.int8))}
    run_both(expected, actual, "first", inputs)
    assert_same_api(expected, actual)  # details after resizing report the new shapes


def test_outputs_are_copies(built):
    runner = sigrun.Interpreter(model_path=str(built["two"])).get_signature_runner("second")
    first = runner(x=np.arange(4, dtype=np.int32), y=np.array(True))
    first["rx"][:] = -1
    second = runner(x=np.arange(4, dtype=np.int32), y=np.array(True))
    assert second["rx"].tolist() == [0, 1, 2, 3]
    third = runner(x=np.full(4, 9, dtype=np.int32), y=np.array(False))
    assert second["rx"].tolist() == [0, 1, 2, 3] and third["rx"].tolist() == [9] * 4


def test_interpreter_level_flow_matches(built):
    for name in ("two", "unsigned", "off_zero"):
        expected, actual = pair(built[name])
        for it in (expected, actual):
            it.allocate_tensors()
        for seed, d in enumerate(expected.get_input_details()):
            value = random_value(d, seed=seed)
            expected.set_tensor(d["index"], value)
            actual.set_tensor(d["index"], value)
        expected.invoke()
        actual.invoke()
        for d in expected.get_output_details():
            assert_same(expected.get_tensor(d["index"]), actual.get_tensor(d["index"]), f"{name} output {d['index']}")


def test_signature_and_index_views_share_tensors(built):
    expected, actual = oracle(model_path=built["two"]), sigrun.Interpreter(model_path=built["two"])  # Path objects
    inputs = {"b": np.full((2, 3), 0.25, np.float32), "a": np.array([5, 6], np.int8), "c": np.eye(2, dtype=np.int8)}
    run_both(expected, actual, "first", inputs)
    for d in expected.get_output_details():  # subgraph 0 is the signature's subgraph: same tensors
        assert_same(expected.get_tensor(d["index"]), actual.get_tensor(d["index"]), f"tensor {d['index']}")
    assert_same(expected.get_input_details(), actual.get_input_details())
    run_both(expected, actual, "second", {"x": np.arange(5, dtype=np.int32), "y": np.array(False)})
    assert_same(expected.get_tensor(0, 1), actual.get_tensor(0, 1))


def test_resize_tensor_input_matches(built):
    expected, actual = pair(built["two"])
    for it in (expected, actual):
        it.resize_tensor_input(0, [4, 3])
    assert_same(expected.get_input_details(), actual.get_input_details())
    for it in (expected, actual):
        it.resize_tensor_input(0, np.array([2, 3]), strict=True)
        it.allocate_tensors()
        it.set_tensor(0, np.full((2, 3), 1.5, np.float32))
        it.invoke()
    assert_same(expected.get_tensor(0), actual.get_tensor(0))
    # Only dimensions that are -1 in the shape signature may change under strict.
    assert_same_error(lambda: expected.resize_tensor_input(0, [2, 4], strict=True),
                      lambda: actual.resize_tensor_input(0, [2, 4], strict=True), same_text=False)
    assert_same_error(lambda: expected.resize_tensor_input(0, [[2, 4]]), lambda: actual.resize_tensor_input(0, [[2, 4]]))


def test_resized_tensor_is_unreadable_until_allocate(built):
    expected, actual = pair(built["two"])
    for it in (expected, actual):
        it.allocate_tensors()
        it.resize_tensor_input(0, [3, 3])
    assert_same_error(lambda: expected.get_tensor(0), lambda: actual.get_tensor(0))
    assert_same_error(lambda: expected.set_tensor(0, np.ones((3, 3), np.float32)),
                      lambda: actual.set_tensor(0, np.ones((3, 3), np.float32)))
    kept_e, kept_a = expected.get_tensor(2), actual.get_tensor(2)  # tensors that kept their shape stay readable
    assert (kept_a.shape, kept_a.dtype) == (kept_e.shape, kept_e.dtype)  # contents: uninitialized in both


# ---------------------------------------------------------------------------------------------------------
# Errors


def test_constructor_errors_match(built):
    path = str(built["two"])
    cases = [
        dict(),
        dict(model_path=path, model_content=b"x"),
        dict(model_path=path, num_threads=0),
        dict(model_path=path, num_threads=1.5),
        dict(model_path=path, experimental_op_resolver_type=3),
    ]
    for kwargs in cases:
        assert_same_error(lambda: litert.Interpreter(**kwargs), lambda: sigrun.Interpreter(**kwargs))
    for kwargs in (dict(model_path="/nonexistent/model.tflite"), dict(model_content=b"not a model at all")):
        assert_same_error(lambda: oracle(**kwargs), lambda: sigrun.Interpreter(**kwargs), same_text=False)
    for name in ("invalid_model.bin", "test_model_broken.bin"):
        path = LITERT_MODELS / name
        assert path.exists(), f"{path} is missing from the repository's test data"
        assert_same_error(lambda: oracle(model_path=str(path)),
                          lambda: sigrun.Interpreter(model_path=str(path)), same_text=False)


def test_signature_runner_errors_match(built):
    expected, actual = pair(built["two"])
    for key in (None, "nope", ""):
        assert_same_error(lambda: expected.get_signature_runner(key), lambda: actual.get_signature_runner(key))
    unsigned = pair(built["unsigned"])
    assert_same_error(lambda: unsigned[0].get_signature_runner(), lambda: unsigned[1].get_signature_runner())
    assert_same_error(lambda: litert.SignatureRunner(None, "first"), lambda: sigrun.SignatureRunner(None, "first"))
    e, a = expected.get_signature_runner("second"), actual.get_signature_runner("second")
    x, y = np.arange(4, dtype=np.int32), np.array(True)
    calls = [
        dict(),
        dict(x=x),
        dict(x=x, y=y, z=y),
        dict(x=x, z=y),
        dict(x=x.astype(np.int64), y=y),
        dict(x=x.astype(np.float32), y=y),
        dict(x=x, y=np.array(1, np.uint8)),
        dict(x=x, y=np.array(["a"])),
        dict(x=[1, 2, 3, 4], y=y),
    ]
    for kwargs in calls:
        assert_same_error(lambda: e(**kwargs), lambda: a(**kwargs))


def test_tensor_access_errors_match(built):
    expected, actual = pair(built["two"])
    value = np.ones((1, 3), np.float32)
    before = [lambda it: it.get_tensor(0), lambda it: it.set_tensor(0, value)]
    for call in before:
        assert_same_error(lambda: call(expected), lambda: call(actual))
    assert_same_error(expected.invoke, actual.invoke, same_text=False)
    for it in (expected, actual):
        it.allocate_tensors()
    after = [
        lambda it: it.set_tensor(0, value.astype(np.float64)),
        lambda it: it.set_tensor(0, [[1.0, 2.0, 3.0]]),
        lambda it: it.set_tensor(0, value[0]),
        lambda it: it.set_tensor(0, np.ones((1, 4), np.float32)),
        lambda it: it.set_tensor(1, np.ones(2, np.uint8)),
        lambda it: it.set_tensor(3, value),
        lambda it: it.set_tensor(-1, value),
        lambda it: it.get_tensor(3),
        lambda it: it.get_tensor(-1),
        lambda it: it.get_tensor(0, 7),
        lambda it: it.get_tensor_details(7),
        lambda it: it.resize_tensor_input(0, 5),
    ]
    for call in after:
        assert_same_error(lambda: call(expected), lambda: call(actual))
    assert_same_error(lambda: expected.resize_tensor_input(0, [-1, 3]), lambda: actual.resize_tensor_input(0, [-1, 3]),
                      same_text=False)


# ---------------------------------------------------------------------------------------------------------
# The signatures guide's three conversion paths, with float arithmetic in place of the guide's string ops
# (those need TensorFlow's Select ops, which no builtin runtime has).

_CONVERT = r'''
import os, sys, tempfile
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
out = sys.argv[1]

class Model(tf.Module):
    @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
    def encode(self, x):
        return {"encoded_result": x * 2.0 + 1.0}

    @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
    def decode(self, x):
        return {"decoded_result": (x - 1.0) * 0.5}

def write(name, data):
    with open(os.path.join(out, name + ".tmp"), "wb") as f:
        f.write(data)
    os.replace(os.path.join(out, name + ".tmp"), os.path.join(out, name))

model = Model()
with tempfile.TemporaryDirectory() as d:
    tf.saved_model.save(model, d, signatures={"encode": model.encode.get_concrete_function(),
                                              "decode": model.decode.get_concrete_function()})
    write("saved_model.tflite", tf.lite.TFLiteConverter.from_saved_model(d).convert())
tf.keras.utils.set_random_seed(0)
keras_model = tf.keras.Sequential([tf.keras.Input(shape=(4,), name="x"),
                                   tf.keras.layers.Dense(2, activation="relu", name="hidden"),
                                   tf.keras.layers.Dense(1, activation="relu", name="output")])
write("keras.tflite", tf.lite.TFLiteConverter.from_keras_model(keras_model).convert())
functions = [model.encode.get_concrete_function(), model.decode.get_concrete_function()]
write("concrete_functions.tflite", tf.lite.TFLiteConverter.from_concrete_functions(functions, model).convert())
'''

GUIDE_PATHS = ["saved_model", "keras", "concrete_functions"]


@pytest.fixture(scope="session")
def guide_models():
    try:
        from importlib.metadata import version
        tf_version = version("tensorflow-cpu")
    except Exception:  # noqa: BLE001
        tf_version = "unknown"
    directory = CACHE / f"guide-tf{tf_version}"
    paths = {name: directory / f"{name}.tflite" for name in GUIDE_PATHS}
    if not all(p.exists() for p in paths.values()):
        directory.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, "-c", _CONVERT, str(directory)], capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, f"TensorFlow conversion failed:\n{done.stderr[-3000:]}"
    return paths


@pytest.mark.parametrize("path", GUIDE_PATHS)
def test_signatures_guide_paths(guide_models, path):
    expected, actual = pair(guide_models[path])
    assert_same_api(expected, actual)
    for seed, (key, signature) in enumerate(expected.get_signature_list().items()):
        details = expected.get_signature_runner(key).get_input_details()
        for batch in (1, 5, 3):
            inputs = {}
            for n in signature["inputs"]:
                shape = tuple(batch if d == -1 else d for d in details[n]["shape_signature"])
                inputs[n] = random_value(details[n], shape, seed=seed + batch)
            run_both(expected, actual, key, inputs, exact=False)
    assert_same_api(expected, actual)


def test_signatures_guide_model_content(guide_models):
    data = guide_models["saved_model"].read_bytes()
    expected, actual = oracle(model_content=data), sigrun.Interpreter(model_content=bytearray(data))
    x = np.array([1.0, 2.0, 3.0], np.float32)
    run_both(expected, actual, "encode", {"x": x}, exact=False)
    run_both(expected, actual, "decode", {"x": x}, exact=False)


# ---------------------------------------------------------------------------------------------------------
# Shared LiteRT test models

SHARED_RUN = ["add.bin", "multi_signature_def.bin", "no_signatures.bin", "mul_add_signature_def.bin",
              "reverse_signature_model.bin"]
# Details only: running them needs kernels sigrun does not have yet (int8 and uint8 ADD, strings).
SHARED_DETAILS = SHARED_RUN + ["add_quantized_int8.bin", "add_quantized.bin",
                               "string_input_model_with_signature.bin", "empty_model.bin"]


def shared_pair(name):
    path = LITERT_MODELS / name
    assert path.exists(), f"{path} is missing from the repository's test data"
    return pair(path)


@pytest.mark.parametrize("name", SHARED_DETAILS)
def test_shared_models_details(name):
    expected, actual = shared_pair(name)
    assert_same_api(expected, actual)
    assert_same(expected.get_tensor_details(), actual.get_tensor_details())


@pytest.mark.parametrize("name", SHARED_RUN)
def test_shared_models_run(name):
    expected, actual = shared_pair(name)
    for seed, (key, signature) in enumerate(expected.get_signature_list().items()):
        details = expected.get_signature_runner(key).get_input_details()
        run_both(expected, actual, key, {n: random_value(details[n], seed=seed) for n in signature["inputs"]},
                 exact=False)
    for it in (expected, actual):
        it.allocate_tensors()
        for seed, d in enumerate(expected.get_input_details()):
            it.set_tensor(d["index"], random_value(d, seed=seed))
        it.invoke()
    for d in expected.get_output_details():
        assert_same(expected.get_tensor(d["index"]), actual.get_tensor(d["index"]), name, exact=False)


# ---------------------------------------------------------------------------------------------------------
# sigrun-only behaviour: lifetimes, module surface, threads


def test_version_and_enum():
    header = (ROOT / "include" / "sigrun.h").read_text()
    parts = [re.search(rf"#define SIGRUN_VERSION_{p} (\d+)", header).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    assert sigrun.__version__ == ".".join(parts)
    assert [(m.name, m.value) for m in sigrun.OpResolverType] == [(m.name, m.value) for m in litert.OpResolverType]
    # ctypes.CDLL (not PyDLL) releases the GIL during every C call.
    assert type(sigrun._lib.lib) is ctypes.CDLL


def test_resolver_types_are_accepted(built):
    for resolver in list(sigrun.OpResolverType) + list(litert.OpResolverType):
        it = sigrun.Interpreter(model_path=str(built["two"]), experimental_op_resolver_type=resolver, num_threads=2,
                                experimental_preserve_all_tensors=True, experimental_delegates=[])
        assert list(it.get_signature_list()) == ["first", "second"]
        assert it.reset_all_variables() is None


def test_runner_keeps_interpreter_alive(built):
    runner = sigrun.Interpreter(model_path=str(built["two"])).get_signature_runner("second")
    gc.collect()
    assert runner(x=np.arange(2, dtype=np.int32), y=np.array(False))["rx"].tolist() == [0, 1]


def test_model_content_outlives_caller_reference(built):
    content = built["two"].read_bytes()
    it = sigrun.Interpreter(model_content=content)
    del content
    gc.collect()
    mutable = bytearray(built["two"].read_bytes())
    copy = sigrun.Interpreter(model_content=mutable)
    mutable[:] = b"\0" * len(mutable)  # sigrun copied it, so this cannot reach the model
    for interpreter in (it, copy):
        result = interpreter.get_signature_runner("second")(x=np.arange(3, dtype=np.int32), y=np.array(True))
        assert result["rx"].tolist() == [0, 1, 2]


def test_close_and_finalizers(built):
    it = sigrun.Interpreter(model_path=str(built["two"]))
    runner = it.get_signature_runner("second")
    it.close()
    it.close()  # a second close is a no-op, never a double free
    with pytest.raises(ValueError, match="not initialized"):
        runner(x=np.arange(2, dtype=np.int32), y=np.array(True))
    for call in (it.get_input_details, it.get_signature_list, lambda: it.get_signature_runner("first"),
                 lambda: it.get_tensor(0), it.invoke, lambda: it.get_tensor_details(1)):
        with pytest.raises(ValueError, match="not initialized"):
            call()
    with sigrun.Interpreter(model_path=str(built["two"])) as scoped:
        assert scoped.get_signature_list()
    with pytest.raises(ValueError):
        scoped.allocate_tensors()
    # Collected in a reference cycle (interpreter <-> runner): freed once, by the collector.
    cyclic = sigrun.Interpreter(model_path=str(built["two"]))
    cyclic.runner = cyclic.get_signature_runner("first")
    cyclic.runner.back = cyclic
    finalizer = cyclic._finalizer
    assert finalizer.alive
    ref = weakref.ref(cyclic)
    del cyclic
    gc.collect()
    assert ref() is None and not finalizer.alive


def test_failed_construction_frees_what_it_made(built):
    with pytest.raises(ValueError):
        sigrun.Interpreter(model_content=b"TFL3" * 4)
    gc.collect()


def test_threads_each_with_an_interpreter(built):
    errors = []

    def work(seed):
        try:
            runner = sigrun.Interpreter(model_path=str(built["two"])).get_signature_runner("second")
            for i in range(200):
                x = np.arange(seed + i % 7, dtype=np.int32)
                out = runner(x=x, y=np.array(i % 2 == 0))
                assert out["rx"].tolist() == x.tolist() and bool(out["ry"]) == (i % 2 == 0)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def test_preserve_all_tensors_keeps_every_intermediate():
    """experimental_preserve_all_tensors=True: after invoke, every intermediate tensor of a real model holds what
    its operator wrote, equal to LiteRT's with the same option (within 1e-5 of each tensor's scale). Without it
    sigrun shares memory between tensors, so some intermediate must have been overwritten."""
    path = str(LITERT_MODELS / "hand_landmark_lite.tflite")
    rng = np.random.default_rng(3)

    def run(interp):
        interp.allocate_tensors()
        d = interp.get_input_details()[0]
        interp.set_tensor(d["index"], rng.uniform(0, 1, d["shape"]).astype(np.float32))
        interp.invoke()
        return interp

    ref = run(litert.Interpreter(model_path=path, experimental_preserve_all_tensors=True,
                                 experimental_op_resolver_type=litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES))
    rng = np.random.default_rng(3)
    got = run(sigrun.Interpreter(model_path=path, experimental_preserve_all_tensors=True))
    rng = np.random.default_rng(3)
    shared = run(sigrun.Interpreter(model_path=path))
    intermediates = [op["outputs"][0] for op in ref._get_ops_details()]
    assert len(intermediates) > 50
    overwritten = 0
    for t in intermediates:
        r, g = ref.get_tensor(t), got.get_tensor(t)
        scale = max(1.0, float(np.max(np.abs(r)))) if r.size else 1.0
        np.testing.assert_allclose(g, r, rtol=0, atol=1e-5 * scale, err_msg=f"tensor {t}")
        s = shared.get_tensor(t)
        overwritten += int(s.shape != r.shape or not np.allclose(s, r, rtol=0, atol=1e-5 * scale))
    assert overwritten > 0
