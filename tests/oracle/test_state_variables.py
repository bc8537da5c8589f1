"""Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) and the SavedModel initializer (CALL_ONCE)
compared with LiteRT: state shared by every signature of one interpreter, kept across invokes, never shared
between interpreters; lazy once-per-interpreter initialization; reset_all_variables; read before assign.

LiteRT facts these tests rely on (ai_edge_litert 2.3.0, checked when the tests were written):
- The converter puts one CALL_ONCE first in every signature subgraph and the initial values in an extra
  init subgraph ("NoOp") that is not a signature.
- The init subgraph runs on the first invoke of a signature whose graph has CALL_ONCE, once per interpreter
  (not at load or allocate): a signature without CALL_ONCE invoked first fails to read its variables.
- Reading a variable that was never assigned makes invoke raise RuntimeError ("read_variable.cc ...
  variable != nullptr"); the interpreter stays usable, and a later assign makes the read work.
- reset_all_variables() leaves resource variables alone (it resets only tensors flagged is_variable in the
  file, e.g. LSTM state; see test_streaming.py) and does not re-run the initializer.
"""
import numpy as np
import pytest

import oracle
import state_models as sm

F32, I32, I64 = np.float32, np.int32, np.int64


def _add(rng):
    return {"x": rng.standard_normal(3).astype(F32), "n": I32(rng.integers(-5, 6))}


def _set(rng):
    return {"f": rng.standard_normal(3).astype(F32), "s": I32(rng.integers(-100, 100)),
            "l": rng.integers(-1000, 1000, (2, 3)).astype(I64), "b": rng.integers(0, 2, 3).astype(np.bool_),
            "m": rng.standard_normal((2, 3)).astype(F32)}


def _sequence(seed):
    """A fixed mix of every signature: (key, inputs)."""
    rng = np.random.default_rng(seed)
    plan = ["get", "add", "add", "get", "scale", "get", "set", "get", "add", "scale", "get", "reset", "add",
            "get", "set", "scale", "add", "get"]
    steps = []
    for key in plan:
        if key == "add":
            steps.append((key, _add(rng)))
        elif key == "set":
            steps.append((key, _set(rng)))
        elif key == "scale":
            steps.append((key, {"k": F32(rng.uniform(-2, 2))}))
        else:
            steps.append((key, {}))
    return steps


def test_variables_model_uses_resource_ops_and_call_once():
    content = sm.variables_model()
    graphs = sm.ops_by_subgraph(content)
    signatures = oracle.litert(content).get_signature_list()
    assert sorted(signatures) == sorted(sm.VARIABLE_SIGNATURES)
    assert len(graphs) == len(signatures) + 1  # the init subgraph is extra
    for name, ops in graphs[: len(signatures)]:
        assert ops[0] == "CALL_ONCE", name
        assert "VAR_HANDLE" in ops, name
    assert {"VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "CALL_ONCE"} <= sm.all_ops(content)
    init_name, init_ops = graphs[-1]
    assert init_name not in signatures and set(init_ops) == {"VAR_HANDLE", "ASSIGN_VARIABLE"}
    oracle.assert_same_signatures(content)  # same list, same order, same details: the init graph is hidden


@pytest.mark.parametrize("seed", [0, 1])
def test_signature_sequence_matches_litert(seed):
    """18 calls mixing the five signatures on one interpreter pair: every output of every call."""
    pair = sm.Pair(sm.variables_model())
    seen = []
    for key, inputs in _sequence(seed):
        out = pair.call(key, **inputs)
        if key == "get":
            seen.append(out["f"].tolist())
    assert len({str(s) for s in seen}) == len(seen), "LiteRT's state did not change between gets"


def test_two_interpreters_never_share_state():
    """Interleaved calls on two interpreters of each runtime: each keeps its own variables."""
    content = sm.variables_model()
    first, second = sm.Pair(content), sm.Pair(content)
    steps_a, steps_b = _sequence(2), _sequence(3)
    for (key_a, in_a), (key_b, in_b) in zip(steps_a, steps_b):
        first.call(key_a, "interpreter A", **in_a)
        second.call(key_b, "interpreter B", **in_b)
    a, b = first.call("get"), second.call("get")
    assert not np.array_equal(a["m"], b["m"]), "premise: the two LiteRT interpreters diverged"
    fresh = sm.Pair(content)
    initial = fresh.call("get")
    assert initial["s"] == 5 and initial["f"].tolist() == [1.0, -2.0, 3.5]


def test_every_dtype_and_shape_round_trips():
    """set then get: float32 [3], int32 scalar, int64 [2,3] (beyond int32 range), bool [3], float32 [2,3]."""
    pair = sm.Pair(sm.variables_model())
    values = {"f": np.array([np.inf, -0.0, 1e-30], F32), "s": I32(-2**31), "l": np.array(
        [[2**40, -2**40, 7], [0, -1, 2**62]], I64), "b": np.array([False, True, True]),
        "m": np.array([[1, 2, 3], [4, 5, 6]], F32)}
    pair.call("set", **values)
    out = pair.call("get")
    for name, value in values.items():
        assert out[name].dtype == np.asarray(value).dtype and out[name].shape == np.shape(value), name
        np.testing.assert_array_equal(out[name], value)
    pair.call("add", x=np.array([1, 1, 1], F32), n=I32(3))
    pair.call("get")


def test_reset_all_variables_leaves_resource_variables():
    """LiteRT's reset_all_variables touches only is_variable tensors: resource variables keep their values
    and the initializer is not run again."""
    pair = sm.Pair(sm.variables_model())
    pair.reset_all_variables()  # before any invoke: nothing to reset, the initializer has not run
    initial = pair.call("get")
    pair.call("add", x=np.array([1.0, 2.0, 3.0], F32), n=I32(4))
    after_add = pair.call("get")
    pair.reset_all_variables()
    after_reset = pair.call("get")
    for name in after_add:
        np.testing.assert_array_equal(after_reset[name], after_add[name], err_msg=f"LiteRT premise: {name}")
    assert after_reset["s"] != initial["s"]
    pair.call("reset")
    pair.reset_all_variables()
    pair.call("get")
    pair.call("add", x=np.array([0.5, 0.5, 0.5], F32), n=I32(1))


def test_read_before_assign_fails_then_assign_makes_it_readable():
    """Without CALL_ONCE nothing initializes the variables: reading one fails in both runtimes, without
    spoiling the interpreter; once a signature assigns them they read back."""
    pair = sm.Pair(sm.without_call_once(sm.variables_model()))
    pair.expect_error("get")
    pair.expect_error("add", x=np.ones(3, F32), n=I32(1))
    pair.expect_error("scale", k=F32(2))
    pair.call("reset")  # assigns all five
    pair.call("get")
    pair.call("add", x=np.ones(3, F32), n=I32(1))
    pair.call("scale", k=F32(-1.5))
    pair.call("get")


def test_call_once_runs_lazily_on_first_invoke_of_a_signature_that_has_it():
    """CALL_ONCE removed from `get` only: `get` first fails (the initializer did not run at load); after
    `scale` (which has CALL_ONCE) ran it, `get` sees the initial values as changed by `scale`."""
    pair = sm.Pair(sm.without_call_once(sm.variables_model(), {"get"}))
    pair.expect_error("get")
    pair.call("scale", k=F32(2.0))
    out = pair.call("get")
    assert out["s"] == 5 and out["f"].tolist() == [2.0, -4.0, 7.0]


@pytest.mark.parametrize("first", ["reset", "add", "get", "set", "scale"])
def test_initializer_runs_once_per_interpreter_whatever_signature_comes_first(first):
    """The first signature runs the initializer; later signatures (with their own CALL_ONCE) must not run it
    again, or `reset`'s zeros would be overwritten by the initial values."""
    rng = np.random.default_rng(5)
    inputs = {"add": _add(rng), "set": _set(rng), "scale": {"k": F32(0.5)}, "reset": {}, "get": {}}
    pair = sm.Pair(sm.variables_model())
    pair.call(first, **inputs[first])
    for key in ("reset", "get", "add", "get", "scale", "get", "add", "get"):
        pair.call(key, **inputs[key])
    out = pair.call("get")
    assert out["s"] == 2 * inputs["add"]["n"], "LiteRT premise: state after reset + two adds"


def test_real_call_once_mul_keeps_state_across_calls():
    """call_once_mul.bin: output = x * v, then v = x (v starts at the initializer's value)."""
    content = sm.real_model("call_once_mul.bin")
    assert sm.all_ops(content) == {"CALL_ONCE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "MUL"}
    oracle.assert_same_signatures(content)
    pair = sm.Pair(content)
    values = [1.0, 2.0, 3.0, -4.5, 0.0, 7.25, 1e-3, -2.0, 100.0, 0.5, 3.0, 3.0]
    outputs = [float(pair.call("serving_default", x=F32(v))["output_0"]) for v in values]
    assert outputs[:3] == [2.0, 2.0, 6.0]  # LiteRT premise: the initial value is 2
    second = sm.Pair(content)  # a fresh interpreter starts again from the initializer
    assert float(second.call("serving_default", x=F32(1.0))["output_0"]) == 2.0
