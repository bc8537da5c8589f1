"""convert_time.py — conversion time of one SavedModel by sigrun's C converter and by tf.lite.TFLiteConverter,
same machine, same run, rounds interleaved (the machine is shared: the minimum is the number to quote).

    python bench/convert_time.py [--rounds N] [--cli build/sigrun] [--saved-model DIR]

Without --saved-model it exports Keras MobileNetV2 (224x224x3, weights=None, seeded) with model.export into a
temporary directory. Timed per round:
  sigrun CLI     `sigrun convert DIR -o X.tflite --quiet` as a subprocess (process start included)
  sigrun Python  sigrun.Converter.from_saved_model(DIR).convert() in this process
  TFLiteConverter  tf.lite.TFLiteConverter.from_saved_model(DIR).convert() in this process (TensorFlow already
                   imported: its import time is not counted)
It also checks that both models have the same signatures and operator counts.
"""
import argparse
import collections
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))


def export_mobilenet_v2(path):
    import keras_models  # seeds keras, numpy and TensorFlow

    keras = keras_models._keras()
    model = keras.applications.MobileNetV2(input_shape=(224, 224, 3), weights=None)
    model.export(path, verbose=False)


def op_counts(content):
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    counts = collections.Counter()
    for sg in model.subgraphs:
        for op in sg.operators or []:
            oc = model.operatorCodes[op.opcodeIndex]
            counts[names[max(oc.builtinCode, oc.deprecatedBuiltinCode)]] += 1
    return dict(sorted(counts.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "sigrun"))
    ap.add_argument("--saved-model")
    args = ap.parse_args()
    import sigrun
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter

    tmp = tempfile.mkdtemp(prefix="convert_time_")
    try:
        path = args.saved_model or os.path.join(tmp, "mobilenet_v2")
        if not args.saved_model:
            export_mobilenet_v2(path)
        out = os.path.join(tmp, "sigrun.tflite")
        times = collections.defaultdict(list)
        results = {}
        for _ in range(args.rounds):
            t = time.perf_counter()
            subprocess.run([args.cli, "convert", path, "-o", out, "--quiet"], check=True)
            times["sigrun CLI"].append(time.perf_counter() - t)
            t = time.perf_counter()
            results["sigrun"] = sigrun.Converter.from_saved_model(path).convert()
            times["sigrun Python"].append(time.perf_counter() - t)
            t = time.perf_counter()
            results["official"] = tf.lite.TFLiteConverter.from_saved_model(path).convert()
            times["TFLiteConverter"].append(time.perf_counter() - t)
        with open(out, "rb") as f:
            assert f.read() == results["sigrun"], "the CLI and the Python API wrote different bytes"
        a, b = Interpreter(model_content=results["sigrun"]), Interpreter(model_content=results["official"])
        assert a.get_signature_list() == b.get_signature_list()
        same_ops = op_counts(results["sigrun"]) == op_counts(results["official"])
        print(f"saved model: {'Keras MobileNetV2 224x224 weights=None' if not args.saved_model else path}")
        print(f"rounds: {args.rounds} (interleaved)")
        print("| converter | min (s) | median (s) | .tflite bytes |")
        print("|---|---|---|---|")
        for name in ("sigrun CLI", "sigrun Python", "TFLiteConverter"):
            size = len(results["official" if name == "TFLiteConverter" else "sigrun"])
            print(f"| {name} | {min(times[name]):.3f} | {statistics.median(times[name]):.3f} | {size} |")
        print(f"operator counts equal: {same_ops}  sigrun {op_counts(results['sigrun'])}")
        if not same_ops:
            print(f"                        official {op_counts(results['official'])}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
