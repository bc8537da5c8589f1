"""Writes tests/data/state/*.tflite: small stateful and string models for the C tests of shared state (tests/unit/test_state.c),
converted with the official converter so they carry what real models carry (CALL_ONCE initializer, VAR_HANDLE ids).
Regenerate with:  .venv/bin/python tests/data/make_state_models.py
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import tensorflow as tf  # noqa: E402

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "state")


def make_counter(values=(1.0, 2.0, 3.0)):
    """v starts at `values`; add(x) adds x and returns the new v; get() returns v; scale(k) multiplies it.
    (tests/oracle/test_threads.py builds a wide one to make data races observable.)"""
    n = len(values)

    class Counter(tf.Module):
        def __init__(self):
            self.v = tf.Variable(list(values), dtype=tf.float32)

        @tf.function(input_signature=[tf.TensorSpec([n], tf.float32)])
        def add(self, x):
            self.v.assign_add(x)
            return {"v": self.v.read_value()}

        @tf.function(input_signature=[])
        def get(self):
            return {"v": self.v.read_value()}

        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def scale(self, k):
            self.v.assign(self.v * k)
            return {"v": self.v.read_value()}

    return Counter()


def counter_signatures(m):
    return {"add": m.add.get_concrete_function(), "get": m.get.get_concrete_function(),
            "scale": m.scale.get_concrete_function()}


class Vocabulary(tf.Module):
    """lookup(words) -> ids through a StaticHashTable filled by the initializer (-1 for unknown words);
    pick(words, i) -> words[i] (string GATHER)."""

    def __init__(self):
        keys = tf.constant(["alpha", "beta", "gamma", "delta"])
        init = tf.lookup.KeyValueTensorInitializer(keys, tf.constant([10, 20, 30, 40], tf.int64))
        self.table = tf.lookup.StaticHashTable(init, default_value=-1)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string)])
    def lookup(self, words):
        return {"ids": self.table.lookup(words)}

    @tf.function(input_signature=[tf.TensorSpec([None], tf.string), tf.TensorSpec([None], tf.int32)])
    def pick(self, words, i):
        return {"picked": tf.gather(words, i)}


def convert(module, signatures, name):
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        tf.saved_model.save(module, tmp, signatures=signatures)
        content = tf.lite.TFLiteConverter.from_saved_model(tmp).convert()
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(content)


def main():
    os.makedirs(HERE, exist_ok=True)
    m = make_counter()
    convert(m, counter_signatures(m), "counter.tflite")
    v = Vocabulary()
    convert(v, {"lookup": v.lookup.get_concrete_function(), "pick": v.pick.get_concrete_function()},
            "vocabulary.tflite")
    print("wrote", HERE)


if __name__ == "__main__":
    main()
