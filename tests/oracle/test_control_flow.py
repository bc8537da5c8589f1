"""Control flow compared with LiteRT: tf.cond -> IF, tf.while_loop -> WHILE (counters, nesting, bodies that
change shapes, loop-carried values forwarded unchanged, zero iterations, WHILE inside IF and IF inside WHILE),
Keras recurrent layers (WHILE loops), STABLEHLO_COMPOSITE and the real control-flow models. Each model runs
several inputs in sequence on one interpreter pair, so shapes that change between calls are exercised too.

LiteRT facts these tests rely on (ai_edge_litert 2.3.0):
- An IF whose branches return different shapes has an output the file declares as shape [] with no
  shape_signature; after invoke, the signature runner returns the branch's real shape, get_tensor() works on
  it through the index-based API, and get_output_details() reports the current shape as both 'shape' and
  'shape_signature' (the file has no signature for that tensor).
- A loop-carried value the body forwards unchanged may be hoisted out by the converter: the subgraph output
  is then the input tensor itself.
- WHILE has no iteration cap: nested_while.bin with input 0.0 loops forever (0 == 0 * 0), so it is not fed 0.
"""
import numpy as np
import pytest

import keras_models
import oracle
import state_models as sm

F32, I32 = np.float32, np.int32


def _fn_models():
    """{name: (tf.function with input_signature, expected control-flow ops)} built lazily (TF import)."""
    tf = oracle._tf()
    S = tf.TensorSpec

    @tf.function(input_signature=[S([], tf.float32), S([3], tf.float32)])
    def cond(p, x):
        return {"y": tf.cond(p > 0, lambda: x * 2.0, lambda: x - 1.0), "z": p * 3.0}

    @tf.function(input_signature=[S([], tf.int32), S([3], tf.float32)])
    def cond_dynamic(p, x):
        # the branches return [6] and [2]: the IF output's shape is known only at run time
        return {"y": tf.cond(p > 0, lambda: tf.concat([x, x], 0), lambda: x[:2] + 1.0)}

    @tf.function(input_signature=[S([], tf.int32), S([2], tf.float32)])
    def counter(n, x):
        def body(i, acc, x):
            return i + 1, acc * 1.5 + x, x  # x is forwarded unchanged

        i, acc, x = tf.while_loop(lambda i, acc, x: i < n, body, [tf.constant(0), tf.zeros([2]), x])
        return {"i": i, "acc": acc, "x": x}

    @tf.function(input_signature=[S([], tf.int32), S([1], tf.float32)])
    def grow(n, x):
        def body(i, acc):
            return i + 1, tf.concat([acc, acc[-1:] * 2.0 - 1.0], 0)

        i, acc = tf.while_loop(lambda i, acc: i < n, body, [tf.constant(0), x],
                               shape_invariants=[tf.TensorShape([]), tf.TensorShape([None])])
        return {"acc": acc, "i": i, "sum": tf.reduce_sum(acc)}

    @tf.function(input_signature=[S([], tf.int32), S([], tf.int32)])
    def nested(n, m):
        def outer(i, total):
            def inner(j, t):
                return j + 1, t + i * j + 1

            _, total = tf.while_loop(lambda j, t: j < m, inner, [tf.constant(0), total])
            return i + 1, total

        i, total = tf.while_loop(lambda i, t: i < n, outer, [tf.constant(0), tf.constant(0)])
        return {"total": total, "i": i}

    @tf.function(input_signature=[S([], tf.int32), S([], tf.int32), S([2], tf.float32)])
    def while_in_cond(p, n, x):
        def looped():
            _, y = tf.while_loop(lambda i, y: i < n, lambda i, y: (i + 1, y * y * 0.5 + 1.0), [tf.constant(0), x])
            return y

        return {"y": tf.cond(p > 0, looped, lambda: -x)}

    @tf.function(input_signature=[S([], tf.int32), S([2], tf.float32)])
    def cond_in_while(n, x):
        def body(i, y):
            return i + 1, tf.cond(i % 2 == 0, lambda: y * 2.0, lambda: y - 3.0)

        i, y = tf.while_loop(lambda i, y: i < n, body, [tf.constant(0), x])
        return {"i": i, "y": y}

    return {"cond": (cond, {"IF"}), "cond_dynamic": (cond_dynamic, {"IF"}), "counter": (counter, {"WHILE"}),
            "grow": (grow, {"WHILE"}), "nested": (nested, {"WHILE"}),
            "while_in_cond": (while_in_cond, {"IF", "WHILE"}), "cond_in_while": (cond_in_while, {"IF", "WHILE"})}


def _inputs():
    v = lambda *a: np.array(a, F32)  # noqa: E731
    return {
        "cond": [dict(p=F32(p), x=v(1, -2, 3.5)) for p in (1.0, -1.0, 0.0, 2.5, -0.5)],
        "cond_dynamic": [dict(p=I32(p), x=v(1, 2, 3)) for p in (1, 0, 0, 5, -3, 1)],
        "counter": [dict(n=I32(n), x=v(1, -1)) for n in (0, 1, 5, 0, 3)] + [dict(n=I32(-2), x=v(0.5, 2))],
        "grow": [dict(n=I32(n), x=v(1.5)) for n in (0, 1, 3, 6, 2, 0)],
        "nested": [dict(n=I32(n), m=I32(m)) for n, m in ((0, 3), (3, 0), (3, 4), (1, 1), (5, 2))],
        "while_in_cond": [dict(p=I32(p), n=I32(n), x=v(0.5, -1)) for p, n in ((1, 3), (0, 3), (1, 0), (2, 1))],
        "cond_in_while": [dict(n=I32(n), x=v(1, 2)) for n in (0, 1, 2, 5, 3)],
    }


def _model(name):
    fn, _ = _fn_models()[name]
    return oracle.convert_module(f"control-flow-{name}", {"serving_default": fn})


NAMES = sorted(_inputs())


@pytest.mark.parametrize("name", NAMES)
def test_converter_emits_control_flow(name):
    _, expected = _fn_models()[name]
    assert expected <= sm.all_ops(_model(name))


@pytest.mark.parametrize("name", NAMES)
def test_control_flow_matches_litert_over_a_sequence(name):
    content = _model(name)
    oracle.assert_same_signatures(content)
    pair = sm.Pair(content)
    outputs = [pair.call("serving_default", **inputs) for inputs in _inputs()[name]]
    distinct = {str({k: v.tolist() for k, v in out.items()}) for out in outputs}
    assert len(distinct) > 1, "LiteRT premise: the inputs take different paths"


def _index_api_runs(details_key):
    """cond_dynamic through set_tensor/invoke/get_tensor, the shape flipping between [6] and [2]: per call,
    (LiteRT, sigrun) pairs of (output value, get_output_details()[0][details_key])."""
    ref, got = sm.interpreter_pair(_model("cond_dynamic"))
    for interp in (ref, got):
        interp.allocate_tensors()
    runs = []
    for p in (1, 0, 1, 0, 0, 7):
        results = []
        for interp in (ref, got):
            by_name = {d["name"]: d["index"] for d in interp.get_input_details()}
            feeds = {"serving_default_p:0": I32(p), "serving_default_x:0": np.array([4, 5, 6], F32)}
            for name, value in feeds.items():
                interp.set_tensor(by_name[name], value)
            interp.invoke()
            detail = interp.get_output_details()[0]
            results.append((interp.get_tensor(detail["index"]), detail[details_key].tolist()))
        runs.append((p, results))
    return runs


def test_if_with_branch_dependent_shape_through_index_api():
    """get_tensor() returns the branch's real output and get_output_details() its current shape."""
    shapes = []
    for p, ((rv, rs), (gv, gs)) in _index_api_runs("shape"):
        assert gv.dtype == rv.dtype and gv.shape == rv.shape, f"p={p}"
        np.testing.assert_array_equal(gv, rv, err_msg=f"p={p}")
        assert gs == rs, f"p={p}: shape {gs} != {rs}"
        shapes.append(rs)
    assert shapes[:2] == [[6], [2]]


def test_if_output_shape_signature_follows_current_shape_like_litert():
    """A tensor the file gives no shape_signature reports its current dims as shape_signature (LiteRT's
    TensorSizeSignature), e.g. [6] or [2] out of an IF, not the file's []."""
    for p, ((_, rsig), (_, gsig)) in _index_api_runs("shape_signature"):
        assert gsig == rsig, f"p={p}: shape_signature {gsig} != {rsig}"


@pytest.mark.parametrize("family", ["LSTM", "GRU", "BidirectionalLSTM"])
def test_keras_recurrent_layers_match_litert(family):
    """Keras 3 recurrent layers convert to WHILE loops; three inputs in sequence, 1e-5 relative."""
    model = keras_models.RECURRENT[family]()
    content = oracle.convert_keras_quantized(f"keras-{family}-None", model, None)
    assert "WHILE" in sm.all_ops(content)
    pair = sm.Pair(content, rtol=1e-5, atol=1e-6)
    key = list(pair.ref.get_signature_list())[0]
    for seed in range(3):
        pair.call(key, f"seed {seed}", **oracle.random_inputs(content, key, seed=seed))


def test_real_multi_subgraphs_while():
    """WHILE fed one constant tensor for two loop-carried values; cond arg1 < 2, body adds 1 and doubles."""
    content = sm.real_model("multi_subgraphs_while.bin")
    oracle.assert_same_signatures(content)
    pair = sm.Pair(content)
    outs = [pair.call("serving_default", inp=F32(v)) for v in (0.0, 1.0, 2.5, -3.0, 7.0, 1e6, -0.125)]
    assert float(outs[2]["output_1"]) == 10.0  # LiteRT premise: two iterations of *2


def test_real_nested_while_through_index_api():
    """nested_while.bin has no signatures: the index-based API, as in LiteRT. Loops while x == x*x, doubling
    x in the inner loop (1 -> 2); never fed 0, on which LiteRT loops forever."""
    content = sm.real_model("nested_while.bin")
    ref, got = sm.interpreter_pair(content)
    assert ref.get_signature_list() == {} and got.get_signature_list() == {}
    ref.allocate_tensors()
    got.allocate_tensors()
    seen = []
    for value in (1.0, 2.0, 3.0, 1.0, 0.5, -1.5, 1.0, 1e-20):
        r = sm.index_run(ref, [F32(value)])
        g = sm.index_run(got, [F32(value)])
        assert len(g) == len(r)
        for a, b in zip(r, g):
            assert b.dtype == a.dtype and b.shape == a.shape
            np.testing.assert_array_equal(b, a, err_msg=f"input {value}")
        seen.append(float(r[0]))
    assert seen[:3] == [2.0, 2.0, 3.0]


def test_real_stablehlo_composite_sdpa():
    """STABLEHLO_COMPOSITE runs its decomposition subgraph (scaled dot-product attention)."""
    content = sm.real_model("odml_sdpa_composite_mha.tflite.bin")
    assert sm.ops_by_subgraph(content)[0][1] == ["STABLEHLO_COMPOSITE"]
    oracle.assert_same_signatures(content)
    pair = sm.Pair(content, rtol=1e-5, atol=1e-6)
    for seed in range(4):
        pair.call("serving_default", f"seed {seed}", **oracle.random_inputs(content, "serving_default", seed))
