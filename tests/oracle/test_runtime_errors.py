"""Runtime data errors (issue 5) that earlier files leave open, each through a real invoke with runtime data and
against LiteRT: GATHER indices that arrive as an input (test_ops_data.py has constant ones), integer
FLOOR_DIV/FLOOR_MOD by zero for the types the other files skip, shapes that stop fitting after a resize, and a
WHILE whose condition is not one bool. After every error the same interpreter must run good data correctly,
so a failed invoke leaves nothing half-done behind. docs/security.md lists these with the older tests."""
import flatbuffers
import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as S

from one_op import TENSOR_TYPES, _tensor_map, model, options
from oracle import litert, ours


def i32(v):
    return np.array(v, np.int32)


def rnd(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def both_reject_then_recover(content, bad, good, fragment, signature=None):
    """Both runtimes refuse `bad`; then both give the same result for `good` on the same interpreters."""
    ref, got = litert(content), ours(content)
    with pytest.raises((RuntimeError, ValueError)):
        ref.get_signature_runner(signature)(**bad)
    with pytest.raises(RuntimeError, match=fragment):
        got.get_signature_runner(signature)(**bad)
    want, have = ref.get_signature_runner(signature)(**good), got.get_signature_runner(signature)(**good)
    assert list(want) == list(have)
    for name in want:
        np.testing.assert_array_equal(have[name], want[name], err_msg=name)


# ---- GATHER with runtime indices ----

X = rnd((3, 4))


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
@pytest.mark.parametrize("axis,bad", [(0, [0, 3]), (0, [-1, 1]), (1, [4, 0]), (1, [2, -5])])
def test_gather_runtime_indices_out_of_range(dtype, axis, bad):
    idx = np.array(bad, dtype)
    content = model("GATHER", [("x", X), ("idx", idx)], [np.float32], options("GatherOptions", axis=axis))
    good = np.array([2, 0], dtype)
    both_reject_then_recover(content, {"x": X, "idx": idx}, {"x": X, "idx": good}, "out of range")


# ---- integer division by zero in the types the other files skip ----

@pytest.mark.parametrize("op,dtype", [("FLOOR_DIV", np.int16), ("FLOOR_DIV", np.int8), ("FLOOR_MOD", np.int32),
                                      ("FLOOR_MOD", np.int64), ("FLOOR_MOD", np.int8), ("DIV", np.int32)])
def test_integer_division_by_zero(op, dtype):
    x, y = np.array([7, -7, 5], dtype), np.array([2, 0, 3], dtype)
    content = model(op, [("x", x), ("y", y)], [dtype])
    both_reject_then_recover(content, {"x": x, "y": y}, {"x": x, "y": np.array([2, -3, 3], dtype)},
                             "division by zero")


# ---- shapes that stop fitting after a resize ----

def resize_then(content, shapes):
    """Both interpreters after resizing inputs (by index) to `shapes`; returns (litert error, sigrun error)."""
    errors = []
    for make in (litert, ours):
        it = make(content)
        for index, shape in shapes.items():
            it.resize_tensor_input(it.get_input_details()[index]["index"], shape)
        try:
            it.allocate_tensors()
            errors.append(None)
        except (RuntimeError, ValueError) as e:
            errors.append(str(e))
    return errors


@pytest.mark.parametrize("case", ["add_no_broadcast", "batch_matmul_inner", "reshape_count", "concat_dims"])
def test_resize_into_a_shape_the_graph_cannot_take(case):
    if case == "add_no_broadcast":
        content = model("ADD", [("a", rnd((2, 3))), ("b", rnd((2, 3)))], [(np.float32, (2, 3))])
        shapes, fragment = {0: [2, 3], 1: [2, 4]}, "broadcast"
    elif case == "batch_matmul_inner":
        content = model("BATCH_MATMUL", [("a", rnd((2, 3))), ("b", rnd((3, 4)))], [(np.float32, (2, 4))])
        shapes, fragment = {0: [2, 5]}, "contracted sizes 5 and 3 differ"
    elif case == "reshape_count":
        content = model("RESHAPE", [("x", rnd((2, 6))), ("", i32([3, 4]))], [(np.float32, (3, 4))])
        shapes, fragment = {0: [2, 5]}, "10 elements"
    else:
        content = model("CONCATENATION", [("a", rnd((2, 3))), ("b", rnd((2, 3)))], [(np.float32, (2, 6))],
                        options("ConcatenationOptions", axis=1))
        shapes, fragment = {0: [2, 3], 1: [3, 3]}, "CONCATENATION"
    ref_error, our_error = resize_then(content, shapes)
    assert ref_error is not None, "LiteRT accepted the resize"
    assert our_error is not None and fragment in our_error, our_error
    # The interpreter stays usable: after the failed allocate it refuses to invoke, and resized back to the
    # file's shapes it runs as LiteRT does.
    it, ref = ours(content), litert(content)
    original = [list(d["shape"]) for d in it.get_input_details()]
    for index, shape in shapes.items():
        it.resize_tensor_input(it.get_input_details()[index]["index"], shape)
    with pytest.raises(RuntimeError):
        it.allocate_tensors()
    with pytest.raises(RuntimeError):
        it.invoke()
    feeds = [rnd(shape, seed=k) for k, shape in enumerate(original)]
    for interp in (it, ref):
        details = interp.get_input_details()
        for d, shape in zip(details, original):
            interp.resize_tensor_input(d["index"], shape)
        interp.allocate_tensors()
        for d, value in zip(details, feeds):
            interp.set_tensor(d["index"], value)
        interp.invoke()
    # ADD, RESHAPE and CONCATENATION are exact; BATCH_MATMUL's fast kernel sums with FMA where LiteRT's
    # reference kernel rounds each product, so its float results may differ in the last bit (1e-6 relative).
    got, want = it.get_tensor(it.get_output_details()[0]["index"]), ref.get_tensor(ref.get_output_details()[0]["index"])
    if case == "batch_matmul_inner":
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, want)


def test_fully_connected_resized_to_a_partial_row():
    """Where the runtimes differ on purpose: input [1, 3] against weights [5, 4]. LiteRT 2.3's FULLY_CONNECTED
    divides 3 elements by the depth 4 and silently produces a [0, 5] output (the 3 values are dropped); sigrun
    refuses at allocate, since no row of the input matches the weights."""
    content = model("FULLY_CONNECTED", [("x", rnd((1, 4))), ("", rnd((5, 4))), ("", rnd(5))], [(np.float32, (1, 5))],
                    options("FullyConnectedOptions"))
    ref = litert(content)
    ref.resize_tensor_input(ref.get_input_details()[0]["index"], [1, 3])
    ref.allocate_tensors()
    ref.set_tensor(ref.get_input_details()[0]["index"], np.ones((1, 3), np.float32))
    ref.invoke()
    assert ref.get_tensor(ref.get_output_details()[0]["index"]).shape == (0, 5)
    _, our_error = resize_then(content, {0: [1, 3]})
    assert "has 3 elements, not a multiple of the weights' depth 4" in our_error


def test_reshape_to_a_runtime_shape_that_does_not_fit():
    """The new shape is data: only invoke can see that 12 elements do not make [5, 3]."""
    x = rnd((3, 4))
    content = model("RESHAPE", [("x", x), ("shape", i32([4, 3]))], [(np.float32, (4, 3))])
    both_reject_then_recover(content, {"x": x, "shape": i32([5, 3])}, {"x": x, "shape": i32([6, 2])}, "RESHAPE")


# ---- WHILE whose condition is not one bool ----

def while_model(cond_shape, cond_kind="less"):
    """main(x: float32 cond_shape) = WHILE(cond, body)(x); body: x + 1; cond: x < 10 (bool of cond_shape), or
    x itself (float32) for cond_kind "float"."""
    m = S.ModelT()
    m.version = 3
    codes = []
    for name in ("WHILE", "LESS", "ADD"):
        oc = S.OperatorCodeT()
        oc.builtinCode = oc.deprecatedBuiltinCode = getattr(S.BuiltinOperator, name)
        oc.version = 1
        codes.append(oc)
    m.operatorCodes, m.buffers = codes, [S.BufferT()]

    def const(value):
        b = S.BufferT()
        b.data = np.ascontiguousarray(value).tobytes()
        m.buffers.append(b)
        return len(m.buffers) - 1

    def tensor(sg, name, dtype, shape, buffer=0):
        t = S.TensorT()
        t.name, t.type, t.shape, t.buffer = name, TENSOR_TYPES[np.dtype(dtype).type], list(shape), buffer
        sg.tensors.append(t)
        return len(sg.tensors) - 1

    def operator(code, inputs, outputs, opts=None):
        op = S.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = code, inputs, outputs
        if opts is not None:
            op.builtinOptionsType = getattr(S.BuiltinOptions, type(opts).__name__[:-1])
            op.builtinOptions = opts
        return op

    main, cond, body = S.SubGraphT(), S.SubGraphT(), S.SubGraphT()
    for sg, name in ((main, "main"), (cond, "cond"), (body, "body")):
        sg.tensors, sg.name = [], name
    x, y = tensor(main, "x", np.float32, cond_shape), tensor(main, "y", np.float32, cond_shape)
    main.inputs, main.outputs = [x], [y]
    main.operators = [operator(0, [x], [y], options("WhileOptions", condSubgraphIndex=1, bodySubgraphIndex=2))]
    cx = tensor(cond, "cx", np.float32, cond_shape)
    if cond_kind == "float":
        cond.inputs, cond.outputs, cond.operators = [cx], [cx], []
    else:
        ten = tensor(cond, "ten", np.float32, cond_shape, const(np.full(cond_shape, 10, np.float32)))
        c = tensor(cond, "c", np.bool_, cond_shape)
        cond.inputs, cond.outputs, cond.operators = [cx], [c], [operator(1, [cx, ten], [c])]
    bx = tensor(body, "bx", np.float32, cond_shape)
    one = tensor(body, "one", np.float32, cond_shape, const(np.ones(cond_shape, np.float32)))
    by = tensor(body, "by", np.float32, cond_shape)
    body.inputs, body.outputs = [bx], [by]
    body.operators = [operator(2, [bx, one], [by], options("AddOptions"))]
    m.subgraphs = [main, cond, body]
    sig = S.SignatureDefT()
    sig.signatureKey, sig.subgraphIndex = "serving_default", 0
    sig.inputs, sig.outputs = [_tensor_map("x", x)], [_tensor_map("y", y)]
    m.signatureDefs = [sig]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def test_while_with_scalar_bool_condition_matches_litert():
    content = while_model([])
    for x in (np.float32(2.5), np.float32(12)):
        want = litert(content).get_signature_runner()(x=np.array(x))
        have = ours(content).get_signature_runner()(x=np.array(x))
        np.testing.assert_array_equal(have["y"], want["y"])


def test_while_condition_with_two_bools_fails():
    """cond gives bool[2]: sigrun refuses at invoke, whatever the values (LiteRT's behaviour is recorded)."""
    content = while_model([2])
    x = np.array([1, 20], np.float32)
    with pytest.raises(RuntimeError, match="condition subgraph 1 must give one bool, gave 2 elements"):
        ours(content).get_signature_runner()(x=x)
    with pytest.raises((RuntimeError, ValueError)):
        litert(content).get_signature_runner()(x=x)


def test_while_condition_that_is_not_bool_fails():
    content = while_model([], cond_kind="float")
    with pytest.raises(RuntimeError, match="condition subgraph 1 gives float32, expected bool"):
        ours(content).get_signature_runner()(x=np.array(1, np.float32))
    with pytest.raises((RuntimeError, ValueError)):
        litert(content).get_signature_runner()(x=np.array(1, np.float32))
