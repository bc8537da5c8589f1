"""The `sigrun` command-line tool against ai_edge_litert (the official interpreter).

Runs the built binary (env SIGRUN_CLI, default build/sigrun under the repository root) on the shipped
example, on the real models in tests/data/models and on models converted at test time: `inspect --json`
must agree with LiteRT's signature list and tensor details, `run` outputs (printed and written as .npy)
with the results of LiteRT's reference kernels; error cases check exit codes (0 ok, 1 model/runtime
error, 2 usage error) and messages.
"""
import json
import os
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

ai_edge_litert = pytest.importorskip("ai_edge_litert")
from ai_edge_litert import schema_py_generated as schema  # noqa: E402
from ai_edge_litert.interpreter import Interpreter as _LiteRTInterpreter  # noqa: E402
from ai_edge_litert.interpreter import OpResolverType  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(os.environ.get("SIGRUN_CLI", ROOT / "build" / "sigrun"))
DATA = ROOT / "tests" / "data" / "models"
EXAMPLE = ROOT / "examples" / "encode_decode" / "encode_decode.tflite"

if not CLI.exists():
    pytest.skip(f"sigrun CLI not built at {CLI} (set SIGRUN_CLI)", allow_module_level=True)


def sigrun(*args, cwd=None):
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd)


def Interpreter(model_path):
    # LiteRT's builtin reference kernels (not XNNPACK) are the numeric reference, as in oracle.py.
    return _LiteRTInterpreter(model_path=str(model_path),
                              experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)


def model_path(name):
    return EXAMPLE if name == "example" else Path(name) if os.path.isabs(name) else DATA / name


# ---- parsing the tool's printed outputs ----

HEADER = re.compile(r"^(.*): (\w+) \(([-\d, ]*)\)$")


def parse_printed(stdout):
    """{name: (dtype, shape, value text)} from `sigrun run` output."""
    outputs, current = {}, None
    for line in stdout.splitlines():
        m = HEADER.match(line)
        if m:
            shape = tuple(int(d) for d in m.group(3).replace(" ", "").split(",") if d)
            current = m.group(1)
            outputs[current] = [m.group(2), shape, ""]
        elif current is not None:
            outputs[current][2] += line + "\n"
    return {k: tuple(v) for k, v in outputs.items()}


def printed_values(text, dtype):
    tokens = [t for t in re.split(r"[\[\],\s]+", text) if t and t != "..."]
    if dtype == np.bool_:
        return np.array([t == "True" for t in tokens])
    return np.array([float(t) for t in tokens]).astype(dtype)


# ---- LiteRT side ----

def placeholder_names(details, prefix):
    """LiteRT's placeholder signature names I/O after their tensors, "input<i>"/"output<i>" when unnamed."""
    return {(d["name"] or f"{prefix}{i}"): d for i, d in enumerate(details)}


def litert_run(path, key, inputs):
    interp = Interpreter(path)
    if key is None and not interp.get_signature_list():
        # The placeholder signature: the interpreter-level API over subgraph 0.
        details = placeholder_names(interp.get_input_details(), "input")
        for name, value in inputs.items():
            interp.resize_tensor_input(details[name]["index"], value.shape)
        interp.allocate_tensors()
        for name, value in inputs.items():
            interp.set_tensor(details[name]["index"], value)
        interp.invoke()
        outputs = placeholder_names(interp.get_output_details(), "output")
        return {name: interp.get_tensor(d["index"]) for name, d in outputs.items()}
    runner = interp.get_signature_runner(key)
    return runner(**inputs)


def random_inputs(details, rng, dynamic=2):
    out = {}
    for name, d in details.items():
        shape = [dynamic if s < 0 else int(s) for s in d["shape_signature"]] if len(d["shape_signature"]) else list(
            d["shape"])
        dt = d["dtype"]
        if dt == np.bool_:
            out[name] = rng.random(shape) < 0.5
        elif np.issubdtype(dt, np.integer):
            info = np.iinfo(dt)
            out[name] = rng.integers(max(info.min, -100), min(info.max, 100), size=shape, endpoint=True).astype(dt)
        else:
            out[name] = rng.standard_normal(shape).astype(dt)
    return out


def compare(actual, expected, name):
    assert actual.dtype == expected.dtype, name
    assert actual.shape == expected.shape, name
    if np.issubdtype(expected.dtype, np.floating):
        # Tolerance relative to the output's scale, as in test_real_models.py (deep nets sum in other orders).
        scale = max(1.0, float(np.max(np.abs(expected)))) if expected.size else 1.0
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * scale, err_msg=name)
    elif expected.dtype in (np.int8, np.uint8, np.int16):
        # Quantized kernels may differ by one step from LiteRT's optimized ones.
        assert np.max(np.abs(actual.astype(np.int64) - expected.astype(np.int64)), initial=0) <= 1, name
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=name)


# ---- inspect ----

INSPECT_MODELS = ["example", "multi_signatures.bin", "multi_signature_def.bin", "mul_add_signature_def.bin",
                  "reverse_signature_model.bin", "multi_add.bin", "add.bin", "no_signatures.bin",
                  "no_signatures_no_tensor_names.bin", "hello_world_float.tflite", "mixed_input_model.tflite",
                  "face_detection_short_range.tflite", "zero_size_constant.bin", "add_unknown_dimensions.bin",
                  "empty_model.bin"]


def op_counts(path):
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(path.read_bytes(), 0))
    by_code = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    result = []
    for sg in model.subgraphs:
        counts = {}
        for op in sg.operators or []:
            oc = model.operatorCodes[op.opcodeIndex]
            code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
            name = by_code[code] if code != schema.BuiltinOperator.CUSTOM else oc.customCode.decode()
            counts[name] = counts.get(name, 0) + 1
        result.append(((sg.name or b"").decode(), counts))
    return result


def check_tensor(js, d):
    assert js["tensor"] == d["name"]
    assert js["index"] == d["index"]
    assert js["dtype"] == ("string" if d["dtype"] == np.bytes_ else np.dtype(d["dtype"]).name)
    assert js["shape"] == list(d["shape"])
    assert js["shape_signature"] == list(d["shape_signature"])
    q = d["quantization_parameters"]
    if len(q["scales"]):
        assert js["quantization"]["zero_points"] == list(q["zero_points"])
        np.testing.assert_allclose(js["quantization"]["scales"], q["scales"], rtol=1e-7)
        assert js["quantization"]["quantized_dimension"] == q["quantized_dimension"]
    else:
        assert "quantization" not in js


@pytest.mark.parametrize("name", INSPECT_MODELS)
def test_inspect_json_matches_litert(name):
    check_inspect_json(model_path(name))


def test_inspect_json_quantized(int8_model):
    js = check_inspect_json(int8_model)
    assert js["signatures"][0]["inputs"][0]["quantization"]["scales"][0] > 0


def check_inspect_json(path):
    proc = sigrun("inspect", path, "--json")
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    interp = Interpreter(path)
    sigs = interp.get_signature_list()
    assert [s["key"] for s in js["signatures"]] == list(sigs)
    for s in js["signatures"]:
        runner = interp.get_signature_runner(s["key"])
        assert [t["name"] for t in s["inputs"]] == sigs[s["key"]]["inputs"]
        assert [t["name"] for t in s["outputs"]] == sigs[s["key"]]["outputs"]
        for t in s["inputs"]:
            check_tensor(t, runner.get_input_details()[t["name"]])
        for t in s["outputs"]:
            check_tensor(t, runner.get_output_details()[t["name"]])
    if sigs:
        assert js["placeholder"] is None
    else:
        ph = js["placeholder"]
        assert ph["key"] == "<placeholder signature>" and ph["subgraph"] == 0
        for role, details in (("inputs", interp.get_input_details()), ("outputs", interp.get_output_details())):
            want = placeholder_names(details, role[:-1])
            assert [t["name"] for t in ph[role]] == sorted(want)
            for t in ph[role]:
                check_tensor(t, want[t["name"]])
    expected = op_counts(path)
    assert [(s["name"], s["operators"]) for s in js["subgraphs"]] == expected
    assert [s["operator_count"] for s in js["subgraphs"]] == [sum(c.values()) for _, c in expected]
    return js


def test_inspect_text():
    proc = sigrun("inspect", EXAMPLE)
    assert proc.returncode == 0, proc.stderr
    assert "signatures: 2" in proc.stdout
    assert re.search(r"encode -> subgraph \d", proc.stdout)
    assert 'input  x: float32 (1, 4) signature (-1, 4) tensor 0 "encode_x:0"' in proc.stdout
    assert "FULLY_CONNECTED" in proc.stdout and "TANH" in proc.stdout


def test_inspect_quantized_text(int8_model):
    proc = sigrun("inspect", int8_model)
    assert proc.returncode == 0, proc.stderr
    d = Interpreter(int8_model).get_signature_runner("serving_default").get_input_details()["x"]
    scale, zero_point = d["quantization"]
    m = re.search(r"input  x: int8 \(1, 4\) signature \(-1, 4\) tensor \d+ \S+\n"
                  r"      quantization: scale (\S+) zero_point (-?\d+)\n", proc.stdout)
    assert m, proc.stdout
    assert np.float32(m.group(1)) == np.float32(scale) and int(m.group(2)) == zero_point


# ---- run ----

RUN_CASES = [
    ("example", "encode"), ("example", "decode"), ("multi_signatures.bin", "add"), ("multi_signatures.bin", "sub"),
    ("multi_signature_def.bin", "add"), ("multi_signature_def.bin", "sub"), ("mul_add_signature_def.bin", None),
    ("reverse_signature_model.bin", None), ("multi_add.bin", None), ("add.bin", None), ("no_signatures.bin", None),
    ("no_signatures_no_tensor_names.bin", None), ("hello_world_float.tflite", None),
    ("mixed_input_model.tflite", None), ("zero_size_constant.bin", None), ("simple_add_dynamic_shape.tflite", None),
    ("add_unknown_dimensions.bin", None), ("face_detection_short_range.tflite", None),
]


@pytest.mark.parametrize("name,key", RUN_CASES)
def test_run_npy_matches_litert(name, key, tmp_path):
    path = model_path(name)
    interp = Interpreter(path)
    sigs = interp.get_signature_list()
    if key is None and sigs:
        key = next(iter(sigs))
    if key is not None:
        details = interp.get_signature_runner(key).get_input_details()
    else:
        details = placeholder_names(interp.get_input_details(), "input")
    inputs = random_inputs(details, np.random.default_rng(7), dynamic=3)
    args = ["run", path]
    if key is not None and len(sigs) > 1:
        args += ["--signature", key]
    for n, v in inputs.items():
        np.save(tmp_path / f"in_{n}.npy", v)
        args += ["--input", f"{n}=@{tmp_path / f'in_{n}.npy'}"]
    out_dir = tmp_path / "out"
    proc = sigrun(*args, "--output-dir", out_dir)
    assert proc.returncode == 0, proc.stderr
    expected = litert_run(path, key, inputs)
    printed = parse_printed(proc.stdout)
    assert sorted(printed) == sorted(expected)
    for n, want in expected.items():
        got = np.load(out_dir / f"{n}.npy")
        compare(got, want, n)
        dtype, shape, text = printed[n]
        assert dtype == np.dtype(want.dtype).name and shape == want.shape
        if want.size > 1000:
            assert "..." in text  # elided like numpy
            continue
        # Printed floats use the fewest digits that round-trip, so they equal the saved values exactly.
        np.testing.assert_array_equal(printed_values(text, got.dtype), got.reshape(-1))


def test_run_comma_list_shapes():
    # Three values for a (1,) input: resized to (3,).
    proc = sigrun("run", model_path("multi_signatures.bin"), "-s", "add", "-i", "x=1, 2,3")
    assert proc.returncode == 0, proc.stderr
    want = litert_run(DATA / "multi_signatures.bin", "add", {"x": np.array([1, 2, 3], np.float32)})["output_0"]
    assert proc.stdout == "output_0: float32 (3,)\n[%s]\n" % ", ".join(
        "%g." % v if float(v).is_integer() else repr(float(v)) for v in want)
    # Eight values for a (1, 8) input keep its shape.
    vals = ",".join(str(i / 4) for i in range(8))
    proc = sigrun("run", model_path("reverse_signature_model.bin"), "-i", "x=" + vals, "-i", "y=" + vals)
    assert proc.returncode == 0, proc.stderr
    printed = parse_printed(proc.stdout)
    x = np.arange(8, dtype=np.float32).reshape(1, 8) / 4
    expected = litert_run(DATA / "reverse_signature_model.bin", "serving_default", {"x": x, "y": x})
    for n, want in expected.items():
        assert printed[n][1] == (1, 8)
        np.testing.assert_array_equal(printed_values(printed[n][2], np.float32), want.reshape(-1))


def test_run_scalar_inputs():
    proc = sigrun("run", model_path("multi_signature_def.bin"), "-s", "sub", "-i", "x=5", "-i", "y=0.25")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "sub_result: float32 ()\n4.75\n"


def test_run_int32_comma_list():
    path = model_path("mixed_input_model.tflite")
    ints = np.arange(-5, 5, dtype=np.int32).reshape(1, 10)
    floats = np.linspace(-1, 1, 10, dtype=np.float32).reshape(1, 10)
    proc = sigrun("run", path, "-i", "int_input=" + ",".join(map(str, ints.reshape(-1))),
                  "-i", "float_input=" + ",".join(repr(float(v)) for v in floats.reshape(-1)))
    assert proc.returncode == 0, proc.stderr
    want = litert_run(path, None, {"int_input": ints, "float_input": floats})["Identity"]
    dtype, shape, text = parse_printed(proc.stdout)["Identity"]
    assert (dtype, shape) == ("float32", (1, 10))
    compare(printed_values(text, np.float32).reshape(shape), want, "Identity")
    proc = sigrun("run", path, "-i", "int_input=1.5", "-i", "float_input=1")
    assert proc.returncode == 2 and "value 1 ('1.5') is not a valid int32" in proc.stderr


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_run_npy_versions(version, tmp_path):
    x = np.array([[1.5, -2.0], [0.25, 8.0]], np.float32)
    f = tmp_path / "x.npy"
    with open(f, "wb") as fh:
        np.lib.format.write_array(fh, x, version=version)
    proc = sigrun("run", model_path("multi_signatures.bin"), "-s", "sub", "-i", f"x=@{f}", "-o", tmp_path)
    assert proc.returncode == 0, proc.stderr
    want = litert_run(DATA / "multi_signatures.bin", "sub", {"x": x})["output_0"]
    compare(np.load(tmp_path / "output_0.npy"), want, "output_0")
    assert "output_0: float32 (2, 2)\n[[" in proc.stdout


def test_run_large_output_is_elided(tmp_path):
    x = np.arange(3000, dtype=np.float32).reshape(1000, 3)
    np.save(tmp_path / "x.npy", x)
    proc = sigrun("run", model_path("multi_signatures.bin"), "-s", "add", "-i", f"x=@{tmp_path / 'x.npy'}")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("output_0: float32 (1000, 3)\n[[2., 3., 4.],\n [5., 6., 7.],\n [8., 9., 10.],\n ...,\n")
    assert proc.stdout.endswith(" [2999., 3000., 3001.]]\n")


@pytest.fixture(scope="module")
def awkward_names_model(tmp_path_factory):
    """A signature whose output names need sanitizing and collide after it."""
    tf = pytest.importorskip("tensorflow")

    class M(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="x")])
        def f(self, x):
            return {"a/b": x + 1.0, "a_b": x * 2.0, "c:0": x - 3.0, "..": tf.nn.relu(x)}

    m = M()
    d = tmp_path_factory.mktemp("awkward")
    tf.saved_model.save(m, str(d / "sm"), signatures={"serving_default": m.f.get_concrete_function()})
    path = d / "awkward.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_saved_model(str(d / "sm")).convert())
    return path


@pytest.fixture(scope="module")
def int8_model(tmp_path_factory):
    """A fully int8-quantized FULLY_CONNECTED model (int8 input and output), converted at test time."""
    tf = pytest.importorskip("tensorflow")

    class M(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3))

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
        def f(self, x):
            return {"y": tf.nn.relu(tf.matmul(x, self.w))}

    m = M()
    d = tmp_path_factory.mktemp("int8")
    tf.saved_model.save(m, str(d / "sm"), signatures={"serving_default": m.f.get_concrete_function()})
    converter = tf.lite.TFLiteConverter.from_saved_model(str(d / "sm"))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    converter.representative_dataset = lambda: ([rng.standard_normal((1, 4)).astype(np.float32)] for _ in range(20))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    path = d / "int8.tflite"
    path.write_bytes(converter.convert())
    return path


def test_output_file_names_are_sanitized(awkward_names_model, tmp_path):
    out = tmp_path / "new_dir"
    proc = sigrun("run", awkward_names_model, "-i", "x=-1,2", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["_..npy", "a_b.npy", "a_b_2.npy", "c_0.npy"]
    expected = litert_run(awkward_names_model, "serving_default", {"x": np.array([-1, 2], np.float32)})
    compare(np.load(out / "a_b.npy"), expected["a/b"], "a/b")
    compare(np.load(out / "a_b_2.npy"), expected["a_b"], "a_b")
    compare(np.load(out / "c_0.npy"), expected["c:0"], "c:0")
    compare(np.load(out / "_..npy"), expected[".."], "..")


# ---- errors ----

def test_help_and_version():
    for args in (["--help"], ["-h"], ["help"], ["help", "run"], ["inspect", "--help"], ["run", "--help"]):
        proc = sigrun(*args)
        assert proc.returncode == 0 and proc.stdout.startswith("usage: sigrun"), args
    assert "Exit codes" in sigrun("--help").stdout
    assert "NAME=@FILE.npy" in sigrun("run", "--help").stdout
    proc = sigrun("--version")
    assert proc.returncode == 0 and re.fullmatch(r"sigrun \d+\.\d+\.\d+\n", proc.stdout)


@pytest.mark.parametrize("args,fragment", [
    ([], "usage: sigrun"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["help", "frobnicate"], "unknown command 'frobnicate'"),
    (["inspect"], "missing MODEL"),
    (["inspect", "a", "b"], "unexpected argument 'b'"),
    (["inspect", "--yaml", "a"], "unknown option '--yaml'"),
    (["run"], "missing MODEL"),
    (["run", "m.tflite", "--input"], "--input needs a value"),
    (["run", "m.tflite", "--input", "novalue"], "NAME=VALUES"),
    (["run", "m.tflite", "-i", "x=1", "-i", "x=2"], "input 'x' is given twice"),
])
def test_usage_errors(args, fragment):
    proc = sigrun(*args)
    assert proc.returncode == 2
    assert fragment in proc.stderr


def test_broken_models():
    for cmd in (["inspect"], ["run"]):
        proc = sigrun(*cmd, DATA / "invalid_model.bin")
        assert proc.returncode == 1
        assert proc.stderr.startswith("sigrun: ") and "invalid_model.bin" in proc.stderr
        assert proc.stdout == ""
    proc = sigrun("inspect", "/nonexistent/model.tflite")
    assert proc.returncode == 1 and "/nonexistent/model.tflite" in proc.stderr


def test_signature_errors():
    path = model_path("multi_signatures.bin")
    proc = sigrun("run", path, "-i", "x=1")
    assert proc.returncode == 2 and "choose one with --signature" in proc.stderr and "add sub" in proc.stderr
    proc = sigrun("run", path, "--signature", "mul", "-i", "x=1")
    assert proc.returncode == 2 and "'mul'" in proc.stderr and "'add'" in proc.stderr and "'sub'" in proc.stderr


def test_input_name_errors():
    path = model_path("multi_signature_def.bin")
    proc = sigrun("run", path, "-s", "add", "-i", "a=1", "-i", "z=2")
    assert proc.returncode == 2
    assert "unknown input 'z' for signature 'add'; inputs: a b" in proc.stderr
    proc = sigrun("run", path, "-s", "add")
    assert proc.returncode == 2 and "missing inputs" in proc.stderr and "a, b" in proc.stderr
    proc = sigrun("run", path, "-s", "add", "-i", "b=1")
    assert proc.returncode == 2 and re.search(r"missing inputs.*: a$", proc.stderr.strip())


@pytest.mark.parametrize("value,fragment", [
    ("abc", "value 1 ('abc') is not a valid float32"),
    ("1,,2", "value 2 ('') is not a valid float32"),
    ("1,2x", "value 2 ('2x') is not a valid float32"),
])
def test_bad_float_values(value, fragment):
    proc = sigrun("run", model_path("multi_signatures.bin"), "-s", "add", "-i", "x=" + value)
    assert proc.returncode == 2 and fragment in proc.stderr


def test_bad_int_values(int8_model):
    for value, fragment in (("300", "('300') is not a valid int8"), ("1.5", "('1.5') is not a valid int8"),
                            ("-129", "('-129') is not a valid int8")):
        proc = sigrun("run", int8_model, "-i", "x=" + value)
        assert proc.returncode == 2 and fragment in proc.stderr, proc.stderr


def test_bad_npy_inputs(tmp_path):
    path = model_path("multi_signatures.bin")
    good = tmp_path / "good.npy"
    np.save(good, np.ones((2, 3), np.float32))
    raw = good.read_bytes()
    cases = {
        "garbage.npy": (b"hello world", "not a .npy file"),
        "truncated.npy": (raw[:-5], "(truncated)"),
        "trailing.npy": (raw + b"xx", "(trailing bytes)"),
        "header.npy": (raw[:20] + b"!" + raw[21:], "(header)"),
    }
    for fname, (content, fragment) in cases.items():
        (tmp_path / fname).write_bytes(content)
        proc = sigrun("run", path, "-s", "add", "-i", f"x=@{tmp_path / fname}")
        assert proc.returncode == 2, fname
        assert fragment in proc.stderr and fname in proc.stderr, (fname, proc.stderr)
        assert proc.stdout == ""
    np.save(tmp_path / "f64.npy", np.ones(3))
    proc = sigrun("run", path, "-s", "add", "-i", f"x=@{tmp_path / 'f64.npy'}")
    assert proc.returncode == 2 and "input 'x' is float32 but" in proc.stderr and "holds float64" in proc.stderr
    np.save(tmp_path / "fortran.npy", np.asfortranarray(np.ones((2, 3), np.float32)))
    proc = sigrun("run", path, "-s", "add", "-i", f"x=@{tmp_path / 'fortran.npy'}")
    assert proc.returncode == 2 and "fortran_order is True" in proc.stderr
    np.save(tmp_path / "big.npy", np.ones(3, ">f4"))
    proc = sigrun("run", path, "-s", "add", "-i", f"x=@{tmp_path / 'big.npy'}")
    assert proc.returncode == 2 and "big-endian" in proc.stderr
    proc = sigrun("run", path, "-s", "add", "-i", f"x=@{tmp_path / 'missing.npy'}")
    assert proc.returncode == 2 and "cannot open" in proc.stderr
    proc = sigrun("run", path, "-s", "add", "-i", f"x=@{tmp_path}")
    assert proc.returncode == 2 and "not a regular file" in proc.stderr


def test_incompatible_shapes_are_runtime_errors(tmp_path):
    # ADD of (2,) and (3,) cannot broadcast: the runtime refuses when preparing.
    proc = sigrun("run", model_path("multi_signature_def.bin"), "-s", "add", "-i", "a=1,2", "-i", "b=1,2,3")
    assert proc.returncode == 1, proc.stderr
    assert "preparing signature 'add'" in proc.stderr
    assert proc.stdout == ""


def test_output_dir_errors(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = sigrun("run", model_path("multi_signatures.bin"), "-s", "add", "-i", "x=1", "-o", blocker / "sub")
    assert proc.returncode == 1 and "cannot create output directory" in proc.stderr


def test_placeholder_names_for_unnamed_tensors():
    path = model_path("no_signatures_no_tensor_names.bin")
    proc = sigrun("run", path, "-i", "input0=1,2,3,4", "-i", "input1=0.5,0.5,0.5,0.5")
    assert proc.returncode == 0, proc.stderr
    interp = Interpreter(path)
    interp.allocate_tensors()
    for i, d in enumerate(interp.get_input_details()):
        interp.set_tensor(d["index"], (np.arange(1, 5) if i == 0 else np.full(4, 0.5)).astype(np.float32).reshape(
            d["shape"]))
    interp.invoke()
    want = interp.get_tensor(interp.get_output_details()[0]["index"])
    dtype, shape, text = parse_printed(proc.stdout)["output0"]
    assert shape == want.shape
    np.testing.assert_array_equal(printed_values(text, np.float32), want.reshape(-1))
