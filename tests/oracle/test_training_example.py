"""examples/training against ai_edge_litert (the official interpreter).

Runs the built example program (example_train in env SIGRUN_EXAMPLES_DIR, default build/ under the repository
root), parses the loss it prints at every step, rebuilds the same dataset here with the same LCG and runs the
same training steps in LiteRT: the losses must agree at every step. The weights file it writes is parsed
with the format documented in train.c and compared with LiteRT's weights after the same steps; the program's
own round-trip check (a fresh interpreter restored from the file gives the trained outputs bit for bit), its
--restore mode, its refusal of damaged files and its exit codes are checked too, and so is the model in the
repository (signatures, builtin-only operators, and that make_model.py rebuilds it byte for byte).
"""
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import oracle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES_DIR = Path(os.environ.get("SIGRUN_EXAMPLES_DIR", ROOT / "build"))
BINARY = EXAMPLES_DIR / "example_train"
EXAMPLE = ROOT / "examples" / "training"
MODEL = EXAMPLE / "training.tflite"

SAMPLES, FEATURES, CLASSES, BATCH = 120, 4, 3, 24
CENTRES = [[1.0, 0.0, -1.0, 0.5], [0.0, -1.0, 1.0, 0.0], [-1.0, 1.0, 0.0, -0.5]]
EXPECTED_SIGNATURES = {
    "get_weights": {"inputs": [], "outputs": ["b1", "b2", "w1", "w2"]},
    "infer": {"inputs": ["x"], "outputs": ["logits", "probabilities"]},
    "set_weights": {"inputs": ["b1", "b2", "w1", "w2"], "outputs": ["sum_of_squares"]},
    "train": {"inputs": ["x", "y"], "outputs": ["loss"]},
}
WEIGHT_SHAPES = {"b1": (16,), "b2": (3,), "w1": (4, 16), "w2": (16, 3)}


def run_example(*args, timeout=120):
    if not BINARY.exists():
        pytest.fail(f"the example program is not built at {BINARY}: build the project "
                    f"(cmake --build build) or set SIGRUN_EXAMPLES_DIR to the build directory")
    return subprocess.run([str(BINARY), "--model", str(MODEL), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout)


# ---- the dataset, as train.c builds it ----

def dataset():
    state = 12345

    def draw():
        nonlocal state
        state = (state * 1664525 + 1013904223) & 0xFFFFFFFF
        return state

    x = np.zeros((SAMPLES, FEATURES), np.float32)
    y = np.zeros((SAMPLES, CLASSES), np.float32)
    for i in range(SAMPLES):
        c = i % CLASSES
        y[i, c] = 1.0
        for f in range(FEATURES):
            total = sum(draw() >> 8 for _ in range(4))
            # Exact in double (Python floats), rounded once to float32: the same value as in C.
            x[i, f] = np.float32(CENTRES[c][f] + (total - 2.0 * 16777216.0) / 16777216.0)
    return x, y, np.arange(SAMPLES) % CLASSES


def litert_training(steps):
    """LiteRT's losses for `steps` steps, then its weights and infer outputs."""
    x, y, labels = dataset()
    interp = oracle.litert(MODEL.read_bytes())
    train = interp.get_signature_runner("train")
    losses = []
    for step in range(steps):
        first = (step % (SAMPLES // BATCH)) * BATCH
        losses.append(float(train(x=x[first:first + BATCH], y=y[first:first + BATCH])["loss"]))
    weights = interp.get_signature_runner("get_weights")()
    outputs = interp.get_signature_runner("infer")(x=x)
    return losses, weights, outputs, interp


# ---- parsing what the program prints and writes ----

STEP = re.compile(r"^step (\d+) loss (\S+)$", re.M)
ACCURACY = re.compile(r"^(.*) accuracy (\d+)/(\d+) ", re.M)


def printed_losses(stdout):
    found = [(int(i), float(v)) for i, v in STEP.findall(stdout)]
    assert [i for i, _ in found] == list(range(1, len(found) + 1)), stdout
    return [v for _, v in found]


def printed_accuracy(stdout):
    return {what: int(correct) for what, correct, _ in ACCURACY.findall(stdout)}


def read_weights_file(path):
    """The format documented above write_weights in train.c; every field is checked."""
    data = Path(path).read_bytes()
    at = 0

    def take(n):
        nonlocal at
        assert at + n <= len(data), f"file ends at {len(data)}, needed {at + n}"
        at += n
        return data[at - n:at]

    assert take(4) == b"SRWT"
    version, count = struct.unpack("<II", take(8))
    assert version == 1
    weights = {}
    for _ in range(count):
        (name_length,) = struct.unpack("<I", take(4))
        name = take(name_length).decode()
        dtype, rank = struct.unpack("<II", take(8))
        assert dtype == 0, f"{name}: type {dtype}, expected 0 (float32)"
        dims = struct.unpack(f"<{rank}I", take(4 * rank))
        (size,) = struct.unpack("<Q", take(8))
        assert size == 4 * int(np.prod(dims, dtype=np.int64))
        weights[name] = np.frombuffer(take(size), "<f4").reshape(dims)
    assert at == len(data), "bytes after the last tensor"
    return weights


# ---- the model in the repository ----

def test_model_in_repo_has_expected_signatures():
    content = MODEL.read_bytes()
    interp = oracle.litert(content)
    assert interp.get_signature_list() == EXPECTED_SIGNATURES
    train = interp.get_signature_runner("train").get_input_details()
    assert train["x"]["shape"].tolist() == [BATCH, FEATURES]
    assert train["y"]["shape"].tolist() == [BATCH, CLASSES]
    assert interp.get_signature_runner("infer").get_input_details()["x"]["shape_signature"].tolist() == [-1, FEATURES]
    for name, d in interp.get_signature_runner("set_weights").get_input_details().items():
        assert tuple(d["shape"]) == WEIGHT_SHAPES[name] and d["dtype"] == np.float32
    oracle.assert_same_signatures(content)


def test_model_in_repo_uses_builtin_operators_only():
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(MODEL.read_bytes(), 0))
    by_code = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    names = set()
    for sg in model.subgraphs:  # the signatures and the SavedModel initializer
        for op in sg.operators or []:
            oc = model.operatorCodes[op.opcodeIndex]
            names.add(by_code[max(oc.builtinCode, oc.deprecatedBuiltinCode)])
    assert "CUSTOM" not in names
    assert {"VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "CALL_ONCE"} <= names
    assert len(model.subgraphs) == 5  # four signatures and the initializer


def test_make_model_rebuilds_the_file_in_the_repo(tmp_path):
    out = tmp_path / "training.tflite"
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    proc = subprocess.run([sys.executable, str(EXAMPLE / "make_model.py"), str(out)], capture_output=True,
                          text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert out.read_bytes() == MODEL.read_bytes(), "make_model.py no longer produces examples/training/training.tflite"


# ---- the program against LiteRT ----

@pytest.mark.parametrize("steps", [30, 7])
def test_losses_weights_and_round_trip_match_litert(tmp_path, steps):
    weights_path = tmp_path / "model.weights"
    proc = run_example("--steps", steps, "--weights", weights_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    losses = printed_losses(proc.stdout)
    ref_losses, ref_weights, ref_outputs, interp = litert_training(steps)
    assert len(losses) == steps
    np.testing.assert_allclose(losses, ref_losses, rtol=1e-5, err_msg="loss per step, sigrun vs LiteRT")

    # The saved weights are LiteRT's after the same steps.
    saved = read_weights_file(weights_path)
    assert list(saved) == ["b1", "b2", "w1", "w2"]
    for name, value in saved.items():
        assert value.shape == WEIGHT_SHAPES[name]
        np.testing.assert_allclose(value, ref_weights[name], rtol=1e-5, atol=1e-6, err_msg=name)

    # Accuracy of the trained model agrees with LiteRT's infer (allowing one near-tie to fall either way).
    _, _, labels = dataset()
    ref_correct = int((ref_outputs["probabilities"].argmax(axis=1) == labels).sum())
    accuracy = printed_accuracy(proc.stdout)
    assert abs(accuracy["trained"] - ref_correct) <= 1, (accuracy, ref_correct)
    assert accuracy["restored"] == accuracy["trained"]

    # The fresh interpreter starts from the initial weights: LiteRT's fresh infer.
    x, _, _ = dataset()
    fresh = oracle.litert(MODEL.read_bytes()).get_signature_runner("infer")(x=x)
    fresh_correct = int((fresh["probabilities"].argmax(axis=1) == labels).sum())
    assert abs(accuracy["fresh interpreter (initial weights)"] - fresh_correct) <= 1
    assert "fresh interpreter logits differ from the trained ones" in proc.stdout

    # set_weights reports the sum of squares; LiteRT's set_weights on the saved file gives the same.
    printed_sum = float(re.search(r"sum of squares of the weights (\S+)", proc.stdout).group(1))
    ref_sum = interp.get_signature_runner("set_weights")(**saved)["sum_of_squares"]
    np.testing.assert_allclose(printed_sum, ref_sum, rtol=1e-5)
    assert proc.stdout.rstrip().endswith("restored outputs equal the trained ones bit for bit")


def test_restore_mode_reads_the_file_of_an_earlier_run(tmp_path):
    weights_path = tmp_path / "model.weights"
    first = run_example("--steps", 12, "--weights", weights_path)
    assert first.returncode == 0, first.stdout + first.stderr
    second = run_example("--restore", weights_path)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "step " not in second.stdout
    assert printed_accuracy(second.stdout)["restored"] == printed_accuracy(first.stdout)["trained"]


def test_zero_steps_round_trips_the_initial_weights(tmp_path):
    weights_path = tmp_path / "model.weights"
    proc = run_example("--steps", 0, "--weights", weights_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert printed_losses(proc.stdout) == []
    _, ref_weights, _, _ = litert_training(0)
    for name, value in read_weights_file(weights_path).items():
        np.testing.assert_array_equal(value, ref_weights[name], err_msg=name)


# ---- damaged files and usage errors ----

def _record(name, dims, data=None, dtype=0):
    count = int(np.prod(dims, dtype=np.int64))
    payload = data if data is not None else np.zeros(count, "<f4").tobytes()
    return (struct.pack("<I", len(name)) + name.encode() + struct.pack("<II", dtype, len(dims))
            + struct.pack(f"<{len(dims)}I", *dims) + struct.pack("<Q", len(payload)) + payload)


def _file(records, magic=b"SRWT", version=1, count=None):
    return magic + struct.pack("<II", version, len(records) if count is None else count) + b"".join(records)


GOOD = [_record(name, WEIGHT_SHAPES[name]) for name in ("b1", "b2", "w1", "w2")]
DAMAGED = {
    "empty": (b"", "not a weights file"),
    "bad magic": (_file(GOOD, magic=b"SRWX"), "not a weights file"),
    "bad version": (_file(GOOD, version=2), "version"),
    "zero count": (_file([]), "tensor count"),
    "huge count": (_file(GOOD, count=1 << 30), "tensor count"),
    "truncated header": (_file(GOOD)[:10], "tensor count"),
    "truncated name": (_file(GOOD)[:16], "ends inside the name"),
    "truncated data": (_file(GOOD)[:60], "ends inside the data"),
    "missing tensor": (_file(GOOD, count=5), "tensor 4 of 5"),
    "trailing byte": (_file(GOOD) + b"\0", "after the last tensor"),
    "name too long": (_file([_record("w" * 64, (3,))] + GOOD[1:]), "name length"),
    "duplicate name": (_file([GOOD[0], GOOD[0], GOOD[2], GOOD[3]]), "appears twice"),
    "string type": (_file([_record("b1", (16,), dtype=5)] + GOOD[1:]), "fixed-size"),
    "unknown type": (_file([_record("b1", (16,), dtype=99)] + GOOD[1:]), "fixed-size"),
    "rank too high": (_file([_record("b1", (1,) * 9)] + GOOD[1:]), "rank"),
    "wrong data size": (_file([_record("b1", (16,), data=b"\0" * 60)] + GOOD[1:]), "data size"),
    "overflowing dims": (_file([_record("b1", (0x7FFFFFFF, 0x7FFFFFFF), data=b"")] + GOOD[1:]),
                         "too many elements"),
    "unknown weight": (_file([_record("b9", (16,))] + GOOD[1:]), "weight 'b1' is missing"),
    "wrong shape": (_file([_record("b1", (4, 4))] + GOOD[1:]), "type or shape differs"),
    "wrong dtype": (_file([_record("b1", (16,), dtype=2, data=b"\0" * 64)] + GOOD[1:]), "type or shape differs"),
    "one weight short": (_file(GOOD[:3]), "takes 4 weights, the file has 3"),
}


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_damaged_weights_file_is_refused(tmp_path, case):
    content, message = DAMAGED[case]
    path = tmp_path / "damaged.weights"
    path.write_bytes(content)
    proc = run_example("--restore", path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert proc.stderr.startswith("error ("), proc.stderr
    assert message in proc.stderr, proc.stderr
    assert "accuracy" not in proc.stdout


def test_good_handmade_file_is_accepted(tmp_path):
    path = tmp_path / "zeros.weights"
    path.write_bytes(_file(GOOD))
    proc = run_example("--restore", path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "sum of squares of the weights 0\n" in proc.stdout


def test_missing_files_and_usage_errors(tmp_path):
    proc = run_example("--restore", tmp_path / "absent.weights")
    assert proc.returncode == 1 and "cannot open" in proc.stderr, proc.stderr
    proc = run_example("--weights", tmp_path / "no" / "such" / "dir.weights", "--steps", 1)
    assert proc.returncode == 1 and "cannot create" in proc.stderr, proc.stderr
    for args in (["--steps", "-1"], ["--steps", "x"], ["--steps"], ["--bogus", "1"], ["--restore", "f", "--steps", "3"],
                 ["--weights", "f", "--restore", "f"]):
        proc = run_example(*args)
        assert proc.returncode == 2 and proc.stderr.startswith("usage:"), (args, proc.stderr)
    other = ROOT / "examples" / "encode_decode" / "encode_decode.tflite"
    proc = subprocess.run([str(BINARY), "--model", str(other), "--weights", str(tmp_path / "w")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "'train' not found" in proc.stderr, proc.stderr
