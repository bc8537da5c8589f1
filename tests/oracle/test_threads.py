"""Concurrent runners from Python (issue 9): ThreadPoolExecutor workers, each with its own
Interpreter.create_signature_runner runners, call several signatures of ONE interpreter at the same time.

- Stateless models (examples/encode_decode and a converted three-signature model, with batch sizes that change
  from call to call so runners resize concurrently): every concurrent result is bit-identical to a sequential
  run of the same inputs on one runner, and matches LiteRT.
- The stateful counter model (tests/data/state/counter.tflite: v starts [1, 2, 3]; add(x) -> v + x,
  get() -> v, scale(k) -> v * k) and a converted copy with a 65536-element v (its invokes are long enough
  that workers really overlap in C, where the GIL is released): all workers race to the first invoke (the
  CALL_ONCE initializer must run once), then mix add, get and scale(1). No update is lost, every returned v is
  a state some sequential order produces, the adds replayed in that order in LiteRT return the same values.
- Lifetimes: close() of a runner, runners outliving close() of their interpreter, and get_signature_runner
  still sharing tensors with the interpreter's index-based view as in LiteRT.
No timing is asserted here; bench/threads.c measures speed.
"""
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import oracle
import sigrun

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENCODE_DECODE = os.path.join(ROOT, "examples", "encode_decode", "encode_decode.tflite")
COUNTER = os.path.join(ROOT, "tests", "data", "state", "counter.tflite")
WORKERS = 4
CALLS = 100  # per worker
F32 = np.float32


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _three_signatures():
    """A converted model with three independent signatures: a convolution, self-attention, row statistics
    over a dynamic batch."""
    import tensorflow as tf

    rng = np.random.default_rng(7)
    filters = tf.constant(rng.standard_normal((3, 3, 3, 4)).astype(F32))
    bias = tf.constant(rng.standard_normal(4).astype(F32))

    @tf.function(input_signature=[tf.TensorSpec([1, 8, 8, 3], tf.float32)])
    def conv(x):
        y = tf.nn.relu(tf.nn.conv2d(x, filters, strides=1, padding="SAME") + bias)
        return {"y": tf.nn.avg_pool2d(y, 2, 2, "VALID")}

    @tf.function(input_signature=[tf.TensorSpec([1, 6, 8], tf.float32)])
    def attend(q):
        weights = tf.nn.softmax(tf.matmul(q, q, transpose_b=True) / np.sqrt(8.0).astype(F32))
        return {"out": tf.nn.gelu(tf.matmul(weights, q))}

    @tf.function(input_signature=[tf.TensorSpec([None, 5], tf.float32)])
    def stats(x):
        return {"mean": tf.reduce_mean(x, axis=1), "norm": tf.sqrt(tf.reduce_sum(x * x, axis=1))}

    return oracle.convert_module("threads_three_signatures", {"conv": conv, "attend": attend, "stats": stats})


def _requests(content, count, seed, batched):
    """count (signature key, inputs) pairs cycling over the model's signatures; inputs named in `batched` get
    a batch size from 1 to 4 per request, so concurrent runners resize."""
    rng = np.random.default_rng(seed)
    reference = oracle.litert(content)
    keys = list(reference.get_signature_list())
    details = {k: reference.get_signature_runner(k).get_input_details() for k in keys}
    out = []
    for i in range(count):
        key = keys[i % len(keys)]
        inputs = {}
        for name, d in details[key].items():
            shape = [int(s) for s in d["shape"]]
            if name in batched:
                shape[0] = int(rng.integers(1, 5))
            inputs[name] = rng.standard_normal(shape).astype(d["dtype"])
        out.append((key, inputs))
    return out


def _sequential(content, requests):
    interp = sigrun.Interpreter(model_content=content)
    runners = {}
    results = []
    for key, inputs in requests:
        runner = runners.setdefault(key, interp.get_signature_runner(key))
        results.append({k: v.copy() for k, v in runner(**inputs).items()})
    return results


def _concurrent(content, requests):
    """WORKERS threads, each with its own runner per signature, taking every WORKERS-th request; all start
    together. Returns the results in request order."""
    interp = sigrun.Interpreter(model_content=content)
    start = threading.Barrier(WORKERS)
    results = [None] * len(requests)

    def work(w):
        runners = {}
        start.wait()
        for i in range(w, len(requests), WORKERS):
            key, inputs = requests[i]
            if key not in runners:
                runners[key] = interp.create_signature_runner(key)
            results[i] = {k: v.copy() for k, v in runners[key](**inputs).items()}
        for runner in runners.values():
            runner.close()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        for future in [pool.submit(work, w) for w in range(WORKERS)]:
            future.result()
    return results


@pytest.mark.parametrize("model", ["encode_decode", "three_signatures"])
def test_concurrent_stateless_runners_equal_sequential_and_litert(model):
    if model == "encode_decode":
        content, batched = _read(ENCODE_DECODE), {"x", "y"}
    else:
        content, batched = _three_signatures(), {"x"}
    requests = _requests(content, WORKERS * CALLS, seed=3, batched=batched)
    expected = _sequential(content, requests)
    got = _concurrent(content, requests)
    for i, (want, have) in enumerate(zip(expected, got)):
        assert list(have) == list(want), f"request {i}"
        for name in want:
            assert have[name].dtype == want[name].dtype and have[name].shape == want[name].shape, f"request {i}"
            assert np.array_equal(have[name], want[name]), f"request {i} ({requests[i][0]}): {name} differs bitwise"
    reference = oracle.litert(content)
    for i, (key, inputs) in enumerate(requests):
        ref = reference.get_signature_runner(key)(**inputs)
        oracle.assert_outputs_close(ref, got[i], rtol=1e-5, atol=1e-5, context=f"request {i} ({key})")


WIDE = 65536


def _wide_counter():
    """counter.tflite's Counter (tests/data/make_state_models.py) with v = [1, 2, ..., WIDE]."""
    sys.path.insert(0, os.path.join(ROOT, "tests", "data"))
    import make_state_models

    m = make_state_models.make_counter(np.arange(1, WIDE + 1, dtype=F32).tolist())
    return oracle.convert_saved_model_object("threads_wide_counter", m, make_state_models.counter_signatures(m))


def _counter_worker(interp, start, w, size):
    """CALLS calls, the first an add (so all workers race to the initializer), then add/get/scale(1)."""
    rng = np.random.default_rng(100 + w)
    runners = {k: interp.create_signature_runner(k) for k in ("add", "get", "scale")}
    log = []  # (key, amount added or None, returned v)
    start.wait()
    for i in range(CALLS):
        key = "add" if i == 0 else ("add", "add", "get", "scale")[int(rng.integers(0, 4))]
        if key == "add":
            amount = float(rng.integers(1, 4))
            v = runners["add"](x=np.full(size, amount, F32))["v"]
        elif key == "get":
            amount, v = None, runners["get"]()["v"]
        else:
            amount, v = None, runners["scale"](k=F32(1.0))["v"]
        log.append((key, amount, v.copy()))
    for runner in runners.values():
        runner.close()
    return log


@pytest.mark.parametrize("model", ["counter", "wide_counter"])
def test_concurrent_counter_is_linearizable(model):
    content = _read(COUNTER) if model == "counter" else _wide_counter()
    size = 3 if model == "counter" else WIDE
    interp = sigrun.Interpreter(model_content=content)
    start = threading.Barrier(WORKERS)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        futures = [pool.submit(_counter_worker, interp, start, w, size) for w in range(WORKERS)]
        logs = [f.result() for f in futures]
    base = np.arange(1, size + 1, dtype=F32)
    total = sum(amount for log in logs for key, amount, _ in log if key == "add")
    final = interp.get_signature_runner("get")()["v"]
    # No lost update, and the initializer ran once (a second run would have reset v to [1, 2, 3]).
    assert np.array_equal(final, base + F32(total)), (final, total)
    # Every observed v is base + a whole number of units: never a half-applied add.
    for log in logs:
        for key, _, v in log:
            shift = v - base
            assert np.all(shift == shift[0]) and shift[0] == int(shift[0]) and 0 <= shift[0] <= total, (key, v[:8])
    # Adds are atomic read-modify-writes: sorted by the value they returned, each is the previous plus its
    # amount (a lost or duplicated update breaks the chain).
    adds = sorted((v[0] - 1.0, amount) for log in logs for key, amount, v in log if key == "add")
    previous, states = 0.0, {0.0}
    for after, amount in adds:
        assert after == previous + amount, (previous, amount, after)
        previous = after
        states.add(after)
    assert previous == total
    # get and scale(1) see one of those states, and each worker's observations never go back in time.
    for log in logs:
        seen = 0.0
        for key, _, v in log:
            assert float(v[0] - 1.0) in states, (key, v[:8])
            assert v[0] - 1.0 >= seen, (key, v[:8], seen)
            seen = v[0] - 1.0
    # LiteRT, running the adds one after another in that order, returns the same values.
    reference = oracle.litert(content).get_signature_runner("add")
    for after, amount in adds:
        assert np.array_equal(reference(x=np.full(size, amount, F32))["v"], base + F32(after))


@pytest.mark.parametrize("model", ["counter", "wide_counter"])
def test_initializer_runs_once_when_every_first_invoke_races(model):
    """WORKERS fresh runners of a fresh interpreter each add 1 at the same moment, as the very first invokes:
    the initializer runs once, before all of them, so v ends at its initial value + WORKERS."""
    content = _read(COUNTER) if model == "counter" else _wide_counter()
    size = 3 if model == "counter" else WIDE
    base = np.arange(1, size + 1, dtype=F32)
    for _ in range(5):
        interp = sigrun.Interpreter(model_content=content)
        runners = [interp.create_signature_runner("add") for _ in range(WORKERS)]
        start = threading.Barrier(WORKERS)

        def first(runner):
            start.wait()
            return runner(x=np.ones(size, F32))["v"][0]

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            seen = sorted(pool.map(first, runners))
        assert seen == [1.0 + k for k in range(1, WORKERS + 1)]  # each add saw the one before it
        assert np.array_equal(interp.create_signature_runner("get")()["v"], base + F32(WORKERS))
        interp.close()


def test_closed_runner_raises_and_interpreter_keeps_working():
    interp = sigrun.Interpreter(model_path=ENCODE_DECODE)
    runner = interp.create_signature_runner("encode")
    x = np.ones((1, 4), F32)
    first = runner(x=x)["encoded"].copy()
    runner.close()
    with pytest.raises(ValueError, match="closed"):
        runner(x=x)
    with pytest.raises(ValueError):
        runner.get_input_details()
    runner.close()  # a second close is a no-op
    again = interp.create_signature_runner("encode")
    assert np.array_equal(again(x=x)["encoded"], first)
    assert np.array_equal(interp.get_signature_runner("encode")(x=x)["encoded"], first)


def test_runners_outliving_the_interpreter_raise():
    interp = sigrun.Interpreter(model_path=ENCODE_DECODE)
    independent = interp.create_signature_runner("decode")
    shared = interp.get_signature_runner("decode")
    y = np.ones((1, 2), F32)
    independent(y=y)
    interp.close()
    for runner in (independent, shared):
        with pytest.raises(ValueError):
            runner(y=y)
        with pytest.raises(ValueError):
            runner.get_output_details()
    independent.close()  # freeing after the interpreter is gone is safe and does nothing
    with pytest.raises(ValueError):
        interp.create_signature_runner("decode")


def test_create_signature_runner_key_rules():
    interp = sigrun.Interpreter(model_path=ENCODE_DECODE)
    with pytest.raises(ValueError):
        interp.create_signature_runner()  # two signatures: the key is required, as for get_signature_runner
    with pytest.raises(ValueError):
        interp.create_signature_runner("nope")
    assert interp.create_signature_runner("encode").get_input_details().keys() == {"x"}


def _shared_view(make):
    """decode (subgraph 0) through get_signature_runner, then the interpreter's index-based output; then an
    independent runner (if the interpreter has them) with other inputs, and the index-based output again."""
    interp = make()
    interp.allocate_tensors()
    runner = interp.get_signature_runner("decode")
    y1, y2 = np.array([[0.5, -1.0]], F32), np.array([[2.0, 0.25]], F32)
    out1 = runner(y=y1)["decoded"].copy()
    index = interp.get_output_details()[0]["index"]
    via_interpreter = interp.get_tensor(index).copy()
    after_independent = None
    if hasattr(interp, "create_signature_runner"):
        interp.create_signature_runner("decode")(y=y2)
        after_independent = interp.get_tensor(index).copy()
    return out1, via_interpreter, after_independent


def test_get_signature_runner_shares_tensors_with_the_interpreter_like_litert():
    content = _read(ENCODE_DECODE)
    ref_out, ref_view, _ = _shared_view(lambda: oracle.litert(content))
    out, view, after = _shared_view(lambda: sigrun.Interpreter(model_content=content))
    np.testing.assert_allclose(ref_view, ref_out, rtol=0, atol=0)  # LiteRT: the same tensor
    assert np.array_equal(view, out)  # sigrun: the same tensor too
    oracle.assert_outputs_close({"d": ref_out}, {"d": out}, atol=1e-6)
    assert np.array_equal(after, out)  # an independent runner has its own tensors


def test_close_waits_for_calls_on_other_threads():
    """Interpreter.close() while another thread is inside a runner call: the call finishes, later calls raise
    ValueError, nothing is freed under the running call (this crashed before close() waited)."""
    content = _wide_counter()
    interp = sigrun.Interpreter(model_content=content)
    runner = interp.create_signature_runner("add")
    x = np.ones(WIDE, F32)
    runner(x=x)
    started, outcome = threading.Event(), []

    def loop():
        try:
            for i in range(10_000):
                runner(x=x)
                started.set()
        except ValueError as e:
            outcome.append(str(e))

    t = threading.Thread(target=loop)
    t.start()
    started.wait(60)
    interp.close()
    t.join(60)
    assert not t.is_alive()
    assert outcome and ("closing" in outcome[0] or "not initialized" in outcome[0]), outcome
    with pytest.raises(RuntimeError, match="inside one of its own calls"):
        other = sigrun.Interpreter(model_content=content)
        with other._calling():
            other.close()
