"""On-device training (LiteRT's on-device training guide) compared with LiteRT: train/infer signatures that
share resource variables, step-by-step losses, a builtin-only save/restore (weights out as tensors and back
in through signatures) into a fresh interpreter, and the guide's TF Select save/restore, which sigrun refuses
by name unless asked to load the model anyway.

LiteRT facts these tests rely on (ai_edge_litert 2.3.0):
- ai_edge_litert has no Flex kernels, yet it loads a model with Flex ops without complaint; the signatures
  without Flex ops run, and invoking one with a Flex op raises RuntimeError ("Select TensorFlow op(s) ... not
  supported by this interpreter ... Node number N (FlexSave) failed to prepare"); the interpreter stays usable.
- The guide's model built with Keras 3 gets no initializer (no CALL_ONCE, no init subgraph): every signature
  fails on its first READ_VARIABLE ("variable != nullptr"), and its train uses FlexReluGrad. Hence the
  training model here is a tf.Module with plain tf.Variables and a ReLU written as maximum(x, 0).
"""
import numpy as np
import pytest

import oracle
import sigrun
import state_models as sm

STEPS = 12


def _train(pair, steps, first_seed=0):
    """`steps` SGD steps cycling over three seeded batches; returns LiteRT's losses."""
    losses = []
    for step in range(steps):
        x, y = sm.training_batch(first_seed + step % 3)
        losses.append(float(pair.call("train", f"step {step}", x=x, y=y)["loss"]))
    return losses


def test_training_model_is_builtin_only():
    content = sm.training_model()
    ops = sm.all_ops(content)
    assert not any(op.startswith("CUSTOM:") for op in ops), sorted(ops)
    assert {"VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "CALL_ONCE"} <= ops
    assert sorted(oracle.litert(content).get_signature_list()) == sorted(sm.TRAIN_SIGNATURES)
    oracle.assert_same_signatures(content)


def test_losses_match_litert_at_every_step():
    """12 steps from the same start: each loss within 1e-5 relative; infer and the weights after training."""
    pair = sm.Pair(sm.training_model(), rtol=1e-5, atol=0)
    held_out, _ = sm.training_batch(99)
    before = pair.call("infer", "before training", x=held_out)
    losses = _train(pair, STEPS)
    assert losses[STEPS - 3] < losses[0], f"LiteRT premise: the loss on batch 0 falls ({losses})"
    pair.atol = 1e-6  # outputs near zero: relative tolerance alone is meaningless there
    after = pair.call("infer", "after training", x=held_out)
    assert not np.allclose(after["logits"], before["logits"])
    pair.call("get_weights")


def test_weights_round_trip_into_a_fresh_interpreter():
    """get_weights after training, set_weights into fresh interpreters: infer and further training continue
    exactly where the trained interpreter is, in sigrun as in LiteRT."""
    content = sm.training_model()
    trained = sm.Pair(content)
    _train(trained, 6)
    x, y = sm.training_batch(42)
    ref_weights = trained.call("get_weights")
    got_weights = trained.got.get_signature_runner("get_weights")()
    trained_infer = trained.call("infer", x=x)

    fresh = sm.Pair(content)
    untrained = fresh.call("infer", "before set_weights", x=x)
    assert not np.allclose(untrained["logits"], trained_infer["logits"]), "premise: training changed the weights"
    fresh.ref.get_signature_runner("set_weights")(**ref_weights)
    fresh.got.get_signature_runner("set_weights")(**got_weights)
    restored = fresh.call("infer", "after set_weights", x=x)
    for name, value in trained.got.get_signature_runner("infer")(x=x).items():
        np.testing.assert_array_equal(fresh.got.get_signature_runner("infer")(x=x)[name], value, err_msg=name)
    oracle.assert_outputs_close(trained_infer, restored, context="LiteRT premise")
    # training goes on identically from the restored weights
    np.testing.assert_array_equal(fresh.got.get_signature_runner("train")(x=x, y=y)["loss"],
                                  trained.got.get_signature_runner("train")(x=x, y=y)["loss"])
    fresh.ref.get_signature_runner("train")(x=x, y=y)
    trained.ref.get_signature_runner("train")(x=x, y=y)
    fresh.call("get_weights", "after one more step")


def test_flex_model_is_refused_naming_the_flex_ops():
    content = sm.flex_training_model()
    ops = sm.all_ops(content)
    assert {"CUSTOM:FlexSave", "CUSTOM:FlexRestore"} <= ops, sorted(ops)
    oracle.litert(content)  # LiteRT loads it: its Flex ops fail only when invoked
    with pytest.raises(RuntimeError) as error:
        sigrun.Interpreter(model_content=content)
    message = str(error.value)
    assert "FlexSave" in message and "FlexRestore" in message, message
    assert "select" in message.lower(), f"the message should say these are TF Select ops: {message}"


def test_flex_model_loaded_anyway_runs_the_builtin_signatures():
    """allow_unsupported_ops=True: train/infer/get_weights/set_weights run and match LiteRT; save and
    restore fail on invoke naming their Flex op, in both runtimes, and leave the interpreter usable."""
    pair = sm.Pair(sm.flex_training_model(), allow_unsupported_ops=True)
    _train(pair, 4)
    weights = pair.call("get_weights")
    path = np.array(b"/nonexistent/sigrun-oracle-checkpoint")
    pair.expect_error("save", match="FlexSave", checkpoint_path=path)
    pair.expect_error("restore", match="FlexRestore", checkpoint_path=path)
    after_failure = pair.call("get_weights")
    for name in weights:
        np.testing.assert_array_equal(after_failure[name], weights[name], err_msg=f"LiteRT premise: {name}")
    _train(pair, 4, first_seed=3)
    pair.call("infer", x=sm.training_batch(7)[0])
    pair.expect_error("save", match="FlexSave", checkpoint_path=path)
    pair.call("set_weights", **weights)
    pair.call("infer", x=sm.training_batch(7)[0])


def test_real_flex_training_model():
    """training_model_flex.tflite (a y = w*x + b model with SaveV2/RestoreV2 as Flex ops)."""
    content = sm.real_model("training_model_flex.tflite")
    with pytest.raises(RuntimeError) as error:
        sigrun.Interpreter(model_content=content)
    assert "FlexSaveV2" in str(error.value) and "FlexRestoreV2" in str(error.value), str(error.value)
    pair = sm.Pair(content, allow_unsupported_ops=True)
    one = lambda v: np.array([[v]], np.float32)  # noqa: E731
    pair.call("infer", x=one(1.0))
    losses = [float(pair.call("train", x=one(x), y=one(2 * x + 1))["loss"]) for x in (1, 2, -1, 0.5, 3) * 2]
    assert losses[0] == 9.0 and losses[5] < losses[0], losses  # LiteRT premise: w = b = 0 at first, then learns
    path = np.array([b"/nonexistent/sigrun-oracle-checkpoint"])
    pair.expect_error("save", match="FlexSaveV2", checkpoint_path=path)
    pair.expect_error("restore", match="FlexRestoreV2", checkpoint_path=path)
    for x in (0.0, 1.0, -2.0):
        pair.call("infer", x=one(x))


def _keras3_guide_model():
    """The guide's model as written for Keras 2, under Keras 3 (28x28 inputs, Dense 128 + Dense 10)."""
    tf = oracle._tf()
    import keras

    keras.utils.set_random_seed(3)

    class Model(tf.Module):
        def __init__(self):
            self.model = keras.Sequential([keras.Input((28, 28)), keras.layers.Flatten(),
                                           keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)])
            self.model.compile(optimizer="sgd", loss=keras.losses.CategoricalCrossentropy(from_logits=True))

        @tf.function(input_signature=[tf.TensorSpec([None, 28, 28]), tf.TensorSpec([None, 10])])
        def train(self, x, y):
            with tf.GradientTape() as tape:
                loss = self.model.loss(y, self.model(x))
            gradients = tape.gradient(loss, self.model.trainable_variables)
            self.model.optimizer.apply_gradients(zip(gradients, self.model.trainable_variables))
            return {"loss": loss}

        @tf.function(input_signature=[tf.TensorSpec([None, 28, 28])])
        def infer(self, x):
            logits = self.model(x)
            return {"output": tf.nn.softmax(logits, axis=-1), "logits": logits}

    return sm.convert("keras3-guide", Model(), ("train", "infer"), sm.WITH_FLEX)


def test_keras3_guide_model_reads_uninitialized_variables_like_litert():
    """Keras 3 variables never reach the converter's initializer: LiteRT fails every read, so must sigrun."""
    content = _keras3_guide_model()
    ops = sm.all_ops(content)
    assert "CALL_ONCE" not in ops and "CUSTOM:FlexReluGrad" in ops, sorted(ops)
    pair = sm.Pair(content, allow_unsupported_ops=True)
    x = np.random.default_rng(0).standard_normal((1, 28, 28)).astype(np.float32)
    pair.expect_error("infer", x=x)
    pair.expect_error("infer", x=x)
