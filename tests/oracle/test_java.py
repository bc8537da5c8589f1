"""The Java binding (bindings/java) against the Python oracle: sigrun's Python package and ai_edge_litert.

Builds the binding with bindings/java/build.sh into a temporary directory, linking libsigrun.a from the CMake
build directory in env SIGRUN_BUILD_DIR (default build/ under the repository root), or uses a prebuilt one
from env SIGRUN_JAVA_DIR (holding sigrun.jar, libsigrun_jni.so and test-classes/; for one built with
sanitizers, env SIGRUN_JAVA_LD_PRELOAD names their runtimes, preloaded into the JVM only). Then:
- the assertion main org.sigrun.tests.InterpreterTest (API facts and every error path) runs under -Xcheck:jni;
- the EncodeDecode example runs and its printed matrices are compared with LiteRT's;
- org.sigrun.tests.OracleDriver runs scripted cases (runSignature with resizing, the index-based run API,
  arrays of every Java type, direct/heap/typed buffers, strings, errors) and its outputs are compared with
  ai_edge_litert's and sigrun Python's on the same inputs.
A machine without a JDK fails these tests with a message saying so; they are never skipped.
"""
import os
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest

import oracle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "encode_decode" / "encode_decode.tflite"
MODELS = ROOT / "tests" / "data" / "models"

DTYPES = {np.dtype(np.float32): "float32", np.dtype(np.int32): "int32", np.dtype(np.int64): "int64",
          np.dtype(np.int16): "int16", np.dtype(np.uint8): "uint8", np.dtype(np.int8): "int8",
          np.dtype(np.bool_): "bool"}
NUMPY = {name: dtype for dtype, name in DTYPES.items()}


def _jdk():
    javac = shutil.which("javac")
    if javac is None:
        pytest.fail("javac is not on PATH: the Java binding needs a JDK (Debian: apt-get install "
                    "openjdk-17-jdk-headless); set SIGRUN_JAVA_DIR to use a prebuilt binding")
    return Path(os.path.realpath(javac)).parent


@pytest.fixture(scope="module")
def java_dir(tmp_path_factory):
    prebuilt = os.environ.get("SIGRUN_JAVA_DIR")
    if prebuilt:
        out = Path(prebuilt)
    else:
        _jdk()
        build = Path(os.environ.get("SIGRUN_BUILD_DIR", ROOT / "build"))
        if not (build / "libsigrun.a").exists():
            pytest.fail(f"{build}/libsigrun.a is missing: build sigrun first (cmake --build {build}) or set "
                        "SIGRUN_BUILD_DIR")
        out = tmp_path_factory.mktemp("java")
        done = subprocess.run(["bash", str(ROOT / "bindings" / "java" / "build.sh"), str(build), str(out)],
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, f"build.sh failed:\n{done.stdout}\n{done.stderr}"
    for name in ("sigrun.jar", "libsigrun_jni.so", "test-classes"):
        assert (out / name).exists(), f"{out / name} is missing"
    return out


def java(java_dir, main, *args, check_jni=False):
    java_bin = _jdk() / "java"
    command = [str(java_bin), f"-Djava.library.path={java_dir}", "-cp",
               f"{java_dir}/sigrun.jar{os.pathsep}{java_dir}/test-classes"]
    if check_jni:
        command.append("-Xcheck:jni")
    env = dict(os.environ)
    preload = os.environ.get("SIGRUN_JAVA_LD_PRELOAD")
    if preload:  # a sanitized binding: the runtime must come first, for the JVM only (not this Python)
        env["LD_PRELOAD"] = preload
        env.setdefault("ASAN_OPTIONS", "detect_leaks=0:handle_segv=0:allow_user_segv_handler=1")
    return subprocess.run(command + [main, *map(str, args)], capture_output=True, text=True, timeout=600, cwd=ROOT,
                          env=env)


# ---- the scripted driver -------------------------------------------------------------------------------------

def _write_strings(path, values):
    flat = [v if isinstance(v, bytes) else str(v).encode() for v in np.asarray(values, dtype=object).reshape(-1)]
    with open(path, "wb") as f:
        f.write(struct.pack("<i", len(flat)))
        for item in flat:
            f.write(struct.pack("<i", len(item)) + item)


def _read_strings(path, shape):
    data = Path(path).read_bytes()
    (count,), at, items = struct.unpack_from("<i", data), 4, []
    for _ in range(count):
        (length,) = struct.unpack_from("<i", data, at)
        items.append(data[at + 4:at + 4 + length])
        at += 4 + length
    return np.array(items, dtype=object).reshape(shape)


class Script:
    """Builds an OracleDriver spec, runs it, and returns per-run outputs or errors."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.lines, self.runs, self.files = [], [], 0

    def _file(self):
        self.files += 1
        return self.dir / f"v{self.files}.bin"

    def model(self, path, how="file"):
        self.lines.append(f"model\t{path}\t{how}")

    def signatures(self):
        self.lines.append("signatures")

    def run(self, mode, key, inputs, outputs, form="array", output_form=None):
        """inputs: {name or index: array}; outputs: {name or index: (dtype name, shape)}; form: how values
        cross (array, direct, heap or typed buffers), output_form: the outputs' if different."""
        self.lines.append(f"run\t{mode}\t{key or '-'}")
        for name, value in inputs.items():
            path = self._file()
            if isinstance(value, np.ndarray) and value.dtype.kind in "SUO":
                _write_strings(path, value)
                dtype = "string"
            else:
                value = np.asarray(value)
                dtype = DTYPES[value.dtype]
                path.write_bytes(value.astype(value.dtype.newbyteorder("<")).tobytes())
            shape = ",".join(str(d) for d in np.shape(value))
            self.lines.append(f"in\t{name}\t{dtype}\t{shape}\t{path}\t{form if dtype != 'string' else 'array'}")
        spec = {}
        for name, (dtype, shape) in outputs.items():
            path = self._file()
            spec[name] = (dtype, tuple(shape), path)
            out_form = "array" if dtype == "string" else output_form or form
            self.lines.append(f"out\t{name}\t{dtype}\t{','.join(map(str, shape))}\t{path}\t{out_form}")
        self.lines.append("end")
        self.runs.append(spec)

    def execute(self, java_dir):
        spec, result = self.dir / "spec.txt", self.dir / "result.txt"
        spec.write_text("\n".join(self.lines) + "\n")
        done = java(java_dir, "org.sigrun.tests.OracleDriver", spec, result, check_jni=True)
        assert done.returncode == 0, f"driver failed:\n{done.stdout}\n{done.stderr}"
        assert "WARNING" not in done.stderr and "FATAL" not in done.stderr, done.stderr
        lines = [line.split("\t") for line in result.read_text().splitlines()]
        signatures = [line for line in lines if line[0] in ("signature", "input", "output")]
        statuses = [line for line in lines if line[0] in ("ok", "error")]
        assert len(statuses) == len(self.runs), lines
        outcomes = []
        for status, spec_outputs in zip(statuses, self.runs):
            if status[0] == "error":
                outcomes.append(("error", status[1], status[2]))
                continue
            values = {}
            for name, (dtype, shape, path) in spec_outputs.items():
                if dtype == "string":
                    values[name] = _read_strings(path, shape)
                else:
                    raw = np.frombuffer(Path(path).read_bytes(), dtype=np.dtype(NUMPY[dtype]).newbyteorder("<"))
                    values[name] = raw.astype(NUMPY[dtype]).reshape(shape)
            outcomes.append(values)
        return signatures, outcomes


def litert_run(content, key, inputs):
    return oracle.litert(content).get_signature_runner(key)(**inputs)


def sigrun_run(content, key, inputs):
    return oracle.ours(content).get_signature_runner(key)(**inputs)


def assert_same(got, ref, context, exact=False):
    assert sorted(got) == sorted(ref), f"{context}: outputs {sorted(got)} != {sorted(ref)}"
    for name, r in ref.items():
        g = got[name]
        assert g.shape == r.shape, f"{context}: {name} shape {g.shape} != {r.shape}"
        if r.dtype == object or r.dtype.kind == "S":
            assert [bytes(v) for v in g.reshape(-1)] == [bytes(v) for v in r.reshape(-1)], f"{context}: {name}"
        elif np.issubdtype(r.dtype, np.floating) and not exact:
            np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-6, err_msg=f"{context}: {name}")
        else:
            np.testing.assert_array_equal(g, r.astype(g.dtype), err_msg=f"{context}: {name}")


# ---- models ------------------------------------------------------------------------------------------------

def multi_signature_model():
    """Two signatures with a dynamic batch: float/bool outputs and int32/int64 outputs."""
    tf = oracle._tf()

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x"),
                                  tf.TensorSpec([None, 3], tf.float32, name="w")])
    def blend(x, w):
        return {"sum": tf.reduce_sum(x * w, axis=1), "positive": x > 0.0, "scaled": x * 2.0 + w}

    @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.int32, name="ids")])
    def widen(ids):
        return {"doubled": ids * 2, "wide": tf.cast(ids, tf.int64) * 3}

    return oracle.convert_module("java_multi_signature", {"blend": blend, "widen": widen})


def int8_model():
    tf = oracle._tf()

    @tf.function(input_signature=[tf.TensorSpec([1, 8], tf.float32, name="x")])
    def dense(x):
        w = tf.constant(np.linspace(-1.0, 1.0, 8 * 4, dtype=np.float32).reshape(8, 4))
        return {"y": tf.nn.relu(tf.matmul(x, w) + 0.25)}

    return oracle.convert_quantized("java_int8_io", dense, "int8_io")


def blend_inputs(batch, seed=0):
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal((batch, 3)).astype(np.float32),
            "w": rng.standard_normal((batch, 3)).astype(np.float32)}


def blend_outputs(batch):
    return {"positive": ("bool", (batch, 3)), "scaled": ("float32", (batch, 3)), "sum": ("float32", (batch,))}


# ---- tests -------------------------------------------------------------------------------------------------

def test_interpreter_test_main(java_dir):
    done = java(java_dir, "org.sigrun.tests.InterpreterTest", EXAMPLE, MODELS / "no_signatures.bin", check_jni=True)
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}"
    assert done.stdout.strip().splitlines()[-1].endswith(" passed, 0 failed"), done.stdout
    assert "WARNING" not in done.stderr and "FATAL" not in done.stderr, done.stderr


def test_encode_decode_example(java_dir):
    done = java(java_dir, "EncodeDecode")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "  input  x        float32 (1, 4)" in lines and "  output decoded  float32 (1, 4)" in lines
    encoded = np.array([[float(v) for v in line.split()] for line in lines[lines.index(
        "encode(x) -> encoded (2, 2):") + 1:][:2]], dtype=np.float32)
    decoded = np.array([[float(v) for v in line.split()] for line in lines[lines.index(
        "decode(encoded) -> decoded (2, 4):") + 1:][:2]], dtype=np.float32)
    content = EXAMPLE.read_bytes()
    x = np.array([[1, 2, 3, 4], [-1, 0.5, 0, 2]], dtype=np.float32)
    for run in (litert_run, sigrun_run):
        ref_encoded = run(content, "encode", {"x": x})["encoded"]
        ref_decoded = run(content, "decode", {"y": ref_encoded})["decoded"]
        np.testing.assert_allclose(encoded, ref_encoded, atol=1e-5)  # printed with 5 decimals
        np.testing.assert_allclose(decoded, ref_decoded, atol=1e-5)
    assert lines[-1] == "output shape after the run: [2, 4]"


@pytest.mark.parametrize("name", ["example", "multi", "multi_signature_def.bin"])
def test_signature_listing_matches_litert(java_dir, tmp_path, name):
    if name == "example":
        path = EXAMPLE
    elif name == "multi":
        path = tmp_path / "multi.tflite"
        path.write_bytes(multi_signature_model())
    else:
        path = MODELS / name
    script = Script(tmp_path)
    script.model(path)
    script.signatures()
    listing, _ = script.execute(java_dir)
    ref = oracle.litert(path.read_bytes())
    expected = []
    for key, signature in ref.get_signature_list().items():
        expected.append(["signature", key])
        runner = ref.get_signature_runner(key)
        for kind, details in (("input", runner.get_input_details()), ("output", runner.get_output_details())):
            assert list(details) == signature[kind + "s"]
            for tensor_name, d in details.items():
                size = int(np.prod(d["shape"])) * np.dtype(d["dtype"]).itemsize
                expected.append([kind, key, tensor_name, DTYPES[np.dtype(d["dtype"])].upper(),
                                 ",".join(map(str, d["shape"])), ",".join(map(str, d["shape_signature"])),
                                 str(size)])
    assert listing == expected


@pytest.mark.parametrize("form", ["array", "direct", "heap", "typed"])
def test_multi_signature_dynamic_batch(java_dir, tmp_path, form):
    content = multi_signature_model()
    path = tmp_path / "multi.tflite"
    path.write_bytes(content)
    script = Script(tmp_path)
    script.model(path)
    # Arrays resize the inputs (batch 1 -> 3 -> 5); buffers never resize, so each buffer run follows an
    # array run that set the batch.
    cases = [("blend", blend_inputs(3, 1), blend_outputs(3)),
             ("widen", {"ids": np.array([[1, -2], [3, 40000], [-5, 6], [7, 8]], np.int32)},
              {"doubled": ("int32", (4, 2)), "wide": ("int64", (4, 2))}),
             ("blend", blend_inputs(5, 2), blend_outputs(5))]
    for key, inputs, outputs in cases:
        script.run("signature", key, inputs, outputs)
        if form != "array":
            script.run("signature", key, inputs, outputs, form=form)
    _, outcomes = script.execute(java_dir)
    expanded = [case for case in cases for _ in range(1 if form == "array" else 2)]
    for (key, inputs, _), got in zip(expanded, outcomes):
        assert isinstance(got, dict), got
        assert_same(got, litert_run(content, key, inputs), f"{key} vs LiteRT")
        assert_same(got, sigrun_run(content, key, inputs), f"{key} vs sigrun Python", exact=True)


def test_model_from_byte_buffers(java_dir, tmp_path):
    content = multi_signature_model()
    path = tmp_path / "multi.tflite"
    path.write_bytes(content)
    script = Script(tmp_path)
    inputs = blend_inputs(2, 7)
    for how in ("file", "direct", "heap"):
        script.model(path, how)
        script.run("signature", "blend", inputs, blend_outputs(2))
    _, outcomes = script.execute(java_dir)
    ref = litert_run(content, "blend", inputs)
    for got in outcomes:
        assert_same(got, ref, "model from a buffer")


def test_int8_model(java_dir, tmp_path):
    content = int8_model()
    path = tmp_path / "int8.tflite"
    path.write_bytes(content)
    details = oracle.litert(content).get_signature_runner().get_input_details()["x"]
    assert details["dtype"] == np.int8
    rng = np.random.default_rng(3)
    script = Script(tmp_path)
    script.model(path)
    samples = [rng.integers(-128, 128, (1, 8)).astype(np.int8) for _ in range(3)]
    for x in samples:
        script.run("signature", None, {"x": x}, {"y": ("int8", (1, 4))})  # null key: the only signature
        script.run("index", None, {0: x}, {0: ("int8", (1, 4))})
    _, outcomes = script.execute(java_dir)
    for i, x in enumerate(samples):
        ref = litert_run(content, "serving_default", {"x": x})
        assert_same(outcomes[2 * i], ref, "int8 runSignature", exact=True)
        assert_same({"y": outcomes[2 * i + 1][0]}, ref, "int8 run()", exact=True)


def _litert_index_run(path, inputs):
    """LiteRT's index-based flow: resize each input to its value, allocate, set, invoke, read every output."""
    interpreter = oracle.litert(Path(path).read_bytes())
    for i, value in enumerate(inputs):
        interpreter.resize_tensor_input(interpreter.get_input_details()[i]["index"], np.shape(value))
    interpreter.allocate_tensors()
    for i, value in enumerate(inputs):
        interpreter.set_tensor(interpreter.get_input_details()[i]["index"], value)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]


@pytest.mark.parametrize("form", ["array", "direct"])
def test_models_without_signatures(java_dir, tmp_path, form):
    rng = np.random.default_rng(5)
    cases = [
        (MODELS / "no_signatures.bin", [rng.standard_normal(4).astype(np.float32),
                                        rng.standard_normal(4).astype(np.float32)]),
        (MODELS / "mixed_input_model.tflite", [rng.integers(-50, 50, (1, 10)).astype(np.int32),
                                               rng.standard_normal((1, 10)).astype(np.float32)]),
    ]
    script = Script(tmp_path)
    expected = []
    for path, inputs in cases:
        ref = _litert_index_run(path, inputs)
        expected.append(ref)
        script.model(path)
        outputs = {i: (DTYPES[r.dtype], r.shape) for i, r in enumerate(ref)}
        script.run("index", None, dict(enumerate(inputs)), outputs)  # arrays: resizes to (4,) where needed
        if form == "direct":
            script.run("index", None, dict(enumerate(inputs)), outputs, form="direct")
    _, outcomes = script.execute(java_dir)
    expanded = [ref for ref in expected for _ in range(1 if form == "array" else 2)]
    for ref, got in zip(expanded, outcomes):
        assert isinstance(got, dict), got
        assert_same({str(k): v for k, v in got.items()}, {str(i): r for i, r in enumerate(ref)}, "no signatures")


def test_strings(java_dir, tmp_path):
    script = Script(tmp_path)
    # runSignature with a dynamic batch of strings (an identity model), resized from (1, 3) to (2, 3).
    identity = MODELS / "string_input_model_with_signature.bin"
    words = np.array([["alpha", "", "gamma"], ["déjà vu", "e", "a longer string with spaces"]], dtype=object)
    script.model(identity)
    script.run("signature", "serving_default", {"a": words}, {"output_0": ("string", (2, 3))})
    # run() with a string input and an int64 input (GATHER over strings).
    gather = MODELS / "gather_string.tflite"
    table = np.array([f"s{i}" * (i + 1) for i in range(10)], dtype=object)
    indices = np.array([9, 0, 4], dtype=np.int64)
    script.model(gather)
    script.run("index", None, {0: table, 1: indices}, {0: ("string", (3,))})
    _, outcomes = script.execute(java_dir)
    encoded = np.array([w.encode() for w in words.reshape(-1)], dtype=object).reshape(2, 3)
    ref = litert_run(identity.read_bytes(), "serving_default", {"a": encoded.astype(bytes)})
    assert_same(outcomes[0], {"output_0": encoded}, "string identity (expected)")
    assert_same(outcomes[0], {k: v.astype(object) for k, v in ref.items()}, "string identity vs LiteRT")
    (gathered,) = _litert_index_run(gather, [table.astype(bytes), indices])
    assert_same({"0": outcomes[1][0]}, {"0": gathered.astype(object)}, "gather strings vs LiteRT")


def test_scalar_signatures(java_dir, tmp_path):
    """Rank-0 inputs as boxed Floats (Java arrays cannot have rank 0); rank-0 outputs need a buffer."""
    path = MODELS / "multi_signature_def.bin"
    content = path.read_bytes()
    script = Script(tmp_path)
    script.model(path)
    cases = [("add", {"a": np.float32(1.5), "b": np.float32(-4.25)}, "add_result"),
             ("sub", {"x": np.float32(2.0), "y": np.float32(0.5)}, "sub_result")]
    for key, inputs, output in cases:
        script.run("signature", key, inputs, {output: ("float32", ())}, output_form="direct")
    _, outcomes = script.execute(java_dir)
    for (key, inputs, _), got in zip(cases, outcomes):
        assert_same(got, litert_run(content, key, inputs), f"{key} vs LiteRT")


def test_errors_carry_sigrun_messages(java_dir, tmp_path):
    """Java raises LiteRT's exception types with LiteRT's prefixes and sigrun's own message after them."""
    content = multi_signature_model()
    path = tmp_path / "multi.tflite"
    path.write_bytes(content)
    script = Script(tmp_path)
    script.model(path)
    bad = {"x": np.zeros((2, 3), np.float32), "w": np.zeros((2, 4), np.float32)}  # batch ok, widths disagree
    script.run("signature", "blend", bad, blend_outputs(2))
    script.run("signature", "blend", blend_inputs(2), blend_outputs(2))  # recovers
    script.run("signature", "nope", blend_inputs(2), blend_outputs(2))
    script.run("signature", None, blend_inputs(2), blend_outputs(2))
    script.run("signature", "blend", {"x": np.zeros((2, 3), np.int32), "w": np.zeros((2, 3), np.float32)},
               blend_outputs(2))
    script.run("signature", "blend", blend_inputs(2), {"sum": ("float32", (3,))})
    script.run("signature", "blend", blend_inputs(2), {"sum": ("float32", (1,))}, form="direct")
    script.model(MODELS / "no_signatures.bin")
    script.run("index", None, {0: np.zeros(2, np.float32), 1: np.zeros(3, np.float32)}, {0: ("float32", (2,))})
    _, outcomes = script.execute(java_dir)

    with pytest.raises(Exception) as python_error:
        sigrun_run(content, "blend", bad)
    with pytest.raises(Exception):
        litert_run(content, "blend", bad)
    kind, cls, message = outcomes[0]
    assert cls == "java.lang.IllegalStateException"
    assert message == "Internal error: Unexpected failure when preparing tensor allocations: " + str(
        python_error.value)
    assert isinstance(outcomes[1], dict)
    assert outcomes[2][1:] == ("java.lang.IllegalArgumentException", "Input error: Signature nope not found.")
    assert outcomes[3][1] == "java.lang.IllegalArgumentException"
    assert outcomes[3][2].endswith("Available Signatures: [blend, widen]")
    assert outcomes[4][1] == "java.lang.IllegalArgumentException"
    assert "tensor with type FLOAT32 and a Java object of type [[I" in outcomes[4][2]
    assert outcomes[5][1] == "java.lang.IllegalArgumentException"
    assert "with shape [2] to a Java object with shape [3]." in outcomes[5][2]
    assert outcomes[6][1] == "java.lang.IllegalArgumentException" and "with 8 bytes to a Java Buffer with 4 bytes" \
        in outcomes[6][2]
    # Inputs of different lengths make ADD fail while preparing, in Java as in Python.
    with pytest.raises(Exception) as index_error:
        interpreter = oracle.ours((MODELS / "no_signatures.bin").read_bytes())
        for i, n in enumerate((2, 3)):
            interpreter.resize_tensor_input(interpreter.get_input_details()[i]["index"], [n])
        interpreter.allocate_tensors()
    assert outcomes[7][1] == "java.lang.IllegalStateException"
    assert outcomes[7][2].endswith(str(index_error.value))
