"""Shared helpers for the oracle tests: build models with the official converter, run them in sigrun and in
the official LiteRT interpreter, and compare everything a user can observe.

The reference interpreter is ai_edge_litert's, with OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES so its
builtin reference kernels (not XNNPACK) are the numeric reference. Models come from
tf.lite.TFLiteConverter (tensorflow-cpu 2.21.0) through a SavedModel, the path of LiteRT's signatures guide.
Converted models are cached per test run, keyed by the caller's cache_key, in memory and, when the
environment names a directory in SIGRUN_ORACLE_CACHE, on disk: scripts/test.sh runs the suite twice (the
second time against the ASan + UBSan build) and the second run reads the first run's conversions instead
of converting again. test.sh empties that directory before the first run, so a stale file never survives
a change to a test.
"""
import hashlib
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import op_coverage  # noqa: E402
import sigrun  # noqa: E402
from ai_edge_litert.interpreter import Interpreter as LiteRTInterpreter  # noqa: E402
from ai_edge_litert.interpreter import OpResolverType  # noqa: E402

_cache = {}


def cached(cache_key, make, *recipe):
    """The model for cache_key: from memory, from SIGRUN_ORACLE_CACHE, or make() (then stored in both). The
    recipe (the converting function's name and arguments) is part of the disk key, so two helpers that
    happen to share a cache_key do not read each other's files."""
    if cache_key in _cache:
        return _cache[cache_key]
    directory = os.environ.get("SIGRUN_ORACLE_CACHE")
    path = None
    if directory:
        digest = hashlib.sha256(repr((cache_key,) + recipe).encode()).hexdigest()[:32]
        path = os.path.join(directory, digest + ".tflite")
        if os.path.exists(path):
            with open(path, "rb") as f:
                _cache[cache_key] = f.read()
            return _cache[cache_key]
    content = make()
    if path:
        os.makedirs(directory, exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"  # two workers may write the same key: rename is atomic
        with open(tmp, "wb") as f:
            f.write(content)
        os.replace(tmp, path)
    _cache[cache_key] = content
    return content


def _tf():
    import tensorflow as tf  # imported lazily: it takes seconds

    return tf


def convert_module(cache_key, signatures, resource_variables=True):
    """Converts {key: tf.function with input_signature} into .tflite bytes via a SavedModel."""
    def make():
        tf = _tf()
        module = tf.Module()
        for key, fn in signatures.items():
            setattr(module, key, fn)
        with tempfile.TemporaryDirectory() as tmp:
            tf.saved_model.save(module, tmp, signatures={k: getattr(module, k) for k in signatures})
            converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
            converter.experimental_enable_resource_variables = resource_variables
            return converter.convert()
    return cached(cache_key, make, "convert_module", sorted(signatures), resource_variables)


def convert_saved_model_object(cache_key, obj, signatures):
    """Converts a trackable object (e.g. a tf.Module holding variables) saved with the given signatures."""
    def make():
        tf = _tf()
        with tempfile.TemporaryDirectory() as tmp:
            tf.saved_model.save(obj, tmp, signatures=signatures)
            return tf.lite.TFLiteConverter.from_saved_model(tmp).convert()
    keys = sorted(signatures) if isinstance(signatures, dict) else None
    return cached(cache_key, make, "convert_saved_model_object", keys)


def convert_keras(cache_key, model):
    return cached(cache_key, lambda: _tf().lite.TFLiteConverter.from_keras_model(model).convert(), "convert_keras")


QUANT_MODES = ("float16", "dynamic", "int8", "int8_io", "uint8_io", "int16x8")


def _representative(specs, seed, samples, low, high):
    """Seeded samples for the converter's calibration: uniform in [low, high) for floats."""
    rng = np.random.default_rng(seed)

    def gen():
        for _ in range(samples):
            sample = []
            for spec in specs:
                shape = [d if d is not None else 1 for d in spec.shape]
                if spec.dtype.is_floating:
                    sample.append(rng.uniform(low, high, shape).astype(spec.dtype.as_numpy_dtype))
                else:
                    sample.append(rng.integers(0, 4, shape).astype(spec.dtype.as_numpy_dtype))
            yield sample

    return gen


def _apply_quant(converter, tf, mode, specs, seed, samples, low, high):
    """Configures the converter for one of QUANT_MODES (the official post-training quantization recipes).
    int8: full integer with float inputs/outputs kept; int8_io/uint8_io: integer inputs and outputs too;
    int16x8: 16-bit activations with 8-bit weights; dynamic: int8 weights, float activations (hybrid kernels);
    float16: float16 weights dequantized at load."""
    if mode is None:
        return
    if mode not in QUANT_MODES:
        raise ValueError(f"unknown quantization mode {mode!r}; one of {QUANT_MODES}")
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "float16":
        converter.target_spec.supported_types = [tf.float16]
        return
    if mode == "dynamic":
        return
    converter.representative_dataset = _representative(specs, seed, samples, low, high)
    if mode == "int16x8":
        converter.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
        ]
        return
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if mode == "int8_io":
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    elif mode == "uint8_io":
        converter.inference_input_type = tf.uint8
        converter.inference_output_type = tf.uint8


def convert_quantized(cache_key, fn, mode, seed=0, samples=16, low=-1.0, high=1.0):
    """Converts one tf.function (with input_signature) through a SavedModel with a quantization recipe from
    QUANT_MODES; calibration data is seeded uniform in [low, high). Cached per run like convert_module."""
    def make():
        tf = _tf()
        module = tf.Module()
        module.serving_default = fn
        specs = fn.input_signature
        with tempfile.TemporaryDirectory() as tmp:
            tf.saved_model.save(module, tmp, signatures={"serving_default": fn})
            converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
            _apply_quant(converter, tf, mode, specs, seed, samples, low, high)
            return converter.convert()
    return cached(cache_key, make, "convert_quantized", mode, seed, samples, low, high)


def convert_keras_quantized(cache_key, model, mode, seed=0, samples=8, low=-1.0, high=1.0):
    """A Keras model through from_keras_model with a quantization recipe (None = float32)."""
    def make():
        tf = _tf()
        converter = tf.lite.TFLiteConverter.from_keras_model(model)
        specs = [tf.TensorSpec([1] + list(i.shape[1:]), i.dtype) for i in model.inputs]
        _apply_quant(converter, tf, mode, specs, seed, samples, low, high)
        return converter.convert()
    return cached(cache_key, make, "convert_keras_quantized", mode, seed, samples, low, high)


def assert_quantized_close(ref, got, max_quanta=0, rtol=1e-5, atol=1e-6, context=""):
    """Integer outputs may differ from LiteRT by at most max_quanta steps (0 = bit-exact); float outputs
    within rtol/atol. The caller states per op why a nonzero max_quanta is allowed."""
    assert list(got) == list(ref), f"{context}: output names {list(got)} != {list(ref)}"
    for name in ref:
        r, g = ref[name], got[name]
        assert g.dtype == r.dtype and g.shape == r.shape, f"{context}: {name} {g.dtype}{g.shape} != {r.dtype}{r.shape}"
        if np.issubdtype(r.dtype, np.floating):
            np.testing.assert_allclose(g, r, rtol=rtol, atol=atol, err_msg=f"{context}: {name}")
        else:
            diff = np.abs(g.astype(np.int64) - r.astype(np.int64))
            worst = int(diff.max()) if diff.size else 0
            assert worst <= max_quanta, (
                f"{context}: {name} differs by up to {worst} quanta (allowed {max_quanta}) at "
                f"{np.argwhere(diff == worst)[:5].tolist()}"
            )


def litert(content):
    return LiteRTInterpreter(
        model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    )


def ours(content):
    return sigrun.Interpreter(model_content=content)


def _normalise_details(details):
    out = {}
    for key, value in details.items():
        if isinstance(value, np.ndarray):
            out[key] = (value.dtype.str, value.tolist())
        elif isinstance(value, dict):
            out[key] = _normalise_details(value)
        else:
            out[key] = value
    return out


def assert_same_signatures(content):
    """Signature lists and every runner's input/output details are identical."""
    ref, got = litert(content), ours(content)
    assert got.get_signature_list() == ref.get_signature_list()
    assert list(got.get_signature_list()) == list(ref.get_signature_list())  # same key order
    for key in ref.get_signature_list():
        r, g = ref.get_signature_runner(key), got.get_signature_runner(key)
        for kind in ("get_input_details", "get_output_details"):
            rd, gd = getattr(r, kind)(), getattr(g, kind)()
            assert list(gd) == list(rd), f"{key} {kind} order"
            for name in rd:
                assert _normalise_details(gd[name]) == _normalise_details(rd[name]), f"{key} {kind} {name}"


def random_inputs(content, signature_key=None, seed=0, shapes=None):
    """Seeded inputs for every signature input, following its dtype and (resizable) shape."""
    rng = np.random.default_rng(seed)
    runner = litert(content).get_signature_runner(signature_key)
    inputs = {}
    for name, d in runner.get_input_details().items():
        shape = tuple(shapes[name]) if shapes and name in shapes else tuple(int(x) for x in d["shape"])
        dtype = d["dtype"]
        if np.issubdtype(dtype, np.floating):
            inputs[name] = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            inputs[name] = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            info = np.iinfo(dtype)
            lo, hi = max(info.min, -100), min(info.max, 100)
            inputs[name] = rng.integers(lo, hi, shape, endpoint=True).astype(dtype)
    return inputs


def run_both(content, inputs, signature_key=None):
    op_coverage.note_model(content)
    ref = litert(content).get_signature_runner(signature_key)(**inputs)
    got = ours(content).get_signature_runner(signature_key)(**inputs)
    return ref, got


def assert_outputs_close(ref, got, rtol=1e-5, atol=1e-6, context=""):
    assert list(got) == list(ref), f"{context}: output names {list(got)} != {list(ref)}"
    for name in ref:
        r, g = ref[name], got[name]
        assert g.dtype == r.dtype, f"{context}: {name} dtype {g.dtype} != {r.dtype}"
        assert g.shape == r.shape, f"{context}: {name} shape {g.shape} != {r.shape}"
        if np.issubdtype(r.dtype, np.floating):
            np.testing.assert_allclose(g, r, rtol=rtol, atol=atol, err_msg=f"{context}: {name}")
        else:
            np.testing.assert_array_equal(g, r, err_msg=f"{context}: {name}")


def assert_matches_litert(content, inputs=None, signature_key=None, rtol=1e-5, atol=1e-6, seed=0):
    """Same signatures and details, then the same outputs for `inputs` (seeded random when None)."""
    assert_same_signatures(content)
    if inputs is None:
        inputs = random_inputs(content, signature_key, seed)
    ref, got = run_both(content, inputs, signature_key)
    assert_outputs_close(ref, got, rtol, atol, context=f"signature {signature_key!r}")
    return got
