"""Shared helpers for the converter's oracle tests (test_converter*.py).

SavedModels are built with TensorFlow at test time; each is converted twice, by sigrun's C converter
(sigrun.Converter) and by tf.lite.TFLiteConverter. The checks:

- sigrun's .tflite loads in ai_edge_litert (and in sigrun);
- get_signature_list() and every signature's input/output details equal the official converter's, except the
  tensor 'index' (the numbering of tensors inside a subgraph is the writer's choice; LiteRT's own converter
  changes it between versions) — names, dtypes, shapes, shape signatures and quantization must match;
- outputs match TensorFlow (the SavedModel's own signatures) within 1e-5 relative to the output's scale,
  |got - tf| <= 1e-5 * max|tf| for every element, in ai_edge_litert and in sigrun. (Per element relative
  error is not the measure: an output that cancels to near zero carries the summation-order error of its
  inputs' magnitude; LiteRT's own converter's models show 1.3e-5 per element on test_converter_keras' wide
  model, and sigrun's the same.)
"""
import os
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

import sigrun  # noqa: E402
from ai_edge_litert.interpreter import Interpreter as LiteRTInterpreter  # noqa: E402
from ai_edge_litert.interpreter import OpResolverType  # noqa: E402

RTOL = 1e-5


def tf():
    import tensorflow  # lazily: it takes seconds

    return tensorflow


def litert(content):
    return LiteRTInterpreter(
        model_content=content, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)


def save_module(module, signatures):
    """tf.saved_model.save into a fresh temporary directory (kept for the test session)."""
    path = tempfile.mkdtemp(prefix="sigrun_sm_")
    tf().saved_model.save(module, path, signatures=signatures)
    return path


def export_keras(model):
    path = os.path.join(tempfile.mkdtemp(prefix="sigrun_keras_"), "model")
    model.export(path, verbose=False)
    return path


def official(path, weights="float32", signature_keys=None):
    t = tf()
    c = t.lite.TFLiteConverter.from_saved_model(path, signature_keys=signature_keys)
    if weights != "float32":
        c.optimizations = [t.lite.Optimize.DEFAULT]
    if weights == "float16":
        c.target_spec.supported_types = [t.float16]
    return c.convert()


def ours(path, weights="float32", signature_keys=None):
    c = sigrun.Converter.from_saved_model(path, signature_keys=signature_keys)
    if weights != "float32":
        c.optimizations = ["DEFAULT"]
    if weights == "float16":
        c.target_spec.supported_types = ["float16"]
    return c.convert()


def _details(d):
    out = {}
    for key, value in d.items():
        if key == "index":
            continue
        if isinstance(value, np.ndarray):
            out[key] = (value.dtype.str, value.tolist())
        elif isinstance(value, dict):
            out[key] = _details(value)
        elif isinstance(value, type):
            out[key] = value.__name__
        else:
            out[key] = value
    return out


def assert_same_signatures(got_bytes, ref_bytes):
    got, ref = litert(got_bytes), litert(ref_bytes)
    assert got.get_signature_list() == ref.get_signature_list()
    assert list(got.get_signature_list()) == list(ref.get_signature_list())
    mine = sigrun.Interpreter(model_content=got_bytes)
    assert mine.get_signature_list() == ref.get_signature_list()
    for key in ref.get_signature_list():
        g, r = got.get_signature_runner(key), ref.get_signature_runner(key)
        for kind in ("get_input_details", "get_output_details"):
            gd, rd = getattr(g, kind)(), getattr(r, kind)()
            assert list(gd) == list(rd), f"{key} {kind}"
            for name in rd:
                assert _details(gd[name]) == _details(rd[name]), f"{key} {kind} {name}"


def inputs_for(content, key, batch=3, seed=0):
    """Seeded inputs following the signature's shape signature (dynamic dims get `batch`)."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, d in litert(content).get_signature_runner(key).get_input_details().items():
        shape = [batch if s == -1 else int(s) for s in d["shape_signature"]]
        if np.issubdtype(d["dtype"], np.floating):
            out[name] = rng.standard_normal(shape).astype(d["dtype"])
        else:
            out[name] = rng.integers(0, 5, shape).astype(d["dtype"])
    return out


def tf_outputs(path_or_loaded, key, inputs):
    t = tf()
    loaded = t.saved_model.load(path_or_loaded) if isinstance(path_or_loaded, str) else path_or_loaded
    result = loaded.signatures[key](**{k: t.constant(v) for k, v in inputs.items()})
    return {k: v.numpy() for k, v in result.items()}


def assert_close(got, ref, context, rtol=RTOL):
    assert sorted(got) == sorted(ref), context
    for name in ref:
        g, r = np.asarray(got[name]), np.asarray(ref[name])
        assert g.shape == r.shape, f"{context} {name}: shape {g.shape} != {r.shape}"
        assert g.dtype == r.dtype, f"{context} {name}: dtype {g.dtype} != {r.dtype}"
        if not np.issubdtype(r.dtype, np.floating):
            np.testing.assert_array_equal(g, r, err_msg=f"{context} {name}")
            continue
        scale = float(np.max(np.abs(r))) if r.size else 0.0
        bound = rtol * scale + 1e-30
        err = np.abs(g.astype(np.float64) - r.astype(np.float64))
        worst = float(np.max(err) / bound) if r.size else 0.0
        assert worst <= 1.0, f"{context} {name}: error {worst:.3g}x the {rtol} bound"


def run_everywhere(content, key, inputs):
    """Outputs of signature key in ai_edge_litert and in sigrun."""
    return {
        "ai_edge_litert": litert(content).get_signature_runner(key)(**inputs),
        "sigrun": sigrun.Interpreter(model_content=content).get_signature_runner(key)(**inputs),
    }


def check_saved_model(path, batch=3, rtol=RTOL, weights="float32"):
    """The full oracle check of one SavedModel; returns (sigrun bytes, official bytes)."""
    mine, ref = ours(path, weights), official(path, weights)
    litert(mine).allocate_tensors()  # loads in LiteRT
    assert_same_signatures(mine, ref)
    loaded = tf().saved_model.load(path)
    for key in litert(mine).get_signature_list():
        inputs = inputs_for(mine, key, batch)
        expected = tf_outputs(loaded, key, inputs)
        for runtime, got in run_everywhere(mine, key, inputs).items():
            assert_close(got, expected, f"{os.path.basename(path)}:{key} in {runtime}", rtol)
    return mine, ref


def operators(content):
    """{subgraph name: [builtin operator names]} of a .tflite."""
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    out = {}
    for sg in model.subgraphs:
        ops = []
        for op in sg.operators or []:
            oc = model.operatorCodes[op.opcodeIndex]
            ops.append(names[max(oc.builtinCode, oc.deprecatedBuiltinCode)])
        out[sg.name.decode() if sg.name else ""] = ops
    return out


def model_t(content):
    from ai_edge_litert import schema_py_generated as schema

    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
