"""Oracle tests for the recurrent family: LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, BIDIRECTIONAL_SEQUENCE_LSTM, RNN,
UNIDIRECTIONAL_SEQUENCE_RNN, BIDIRECTIONAL_SEQUENCE_RNN and SVDF.

The official converter (tensorflow 2.21 with Keras 3) turns Keras LSTM/GRU/SimpleRNN layers into WHILE loops,
not into these fused ops, so the models here are built directly with the schema's object API: every option and
optional input (CIFG, peephole, projection, layer norm, clipping, time_major, merge_outputs, aux inputs) can be
exercised, in float32, hybrid (int8 weights, float activations, symmetric or asymmetric input quantization) and
full integer (LiteRT's 8x8_16 LSTM with its 5 intermediate tensors; int8/int16 SVDF). Real models from
tests/data/models are compared whole and op by op (a carved single-op copy) where their other ops exist.

Each model runs three invokes in both interpreters: the states are variable tensors that persist, so later
invokes check the state update too.

Tolerances: float LSTM gates are summed by LiteRT's GEMM backend in blocks, sigrun sums in column order, so
float LSTM outputs agree to ~1e-6 absolute, not bit for bit (atol 1e-5). Float RNN/SVDF use LiteRT's portable
column-order sums and match to rounding. Hybrid kernels quantize each row per step exactly as LiteRT does (the
int8 dot products are exact), so they agree to float rounding. Integer LSTM and SVDF are bit-exact (0 quanta).
"""
import os

import flatbuffers
import numpy as np
import op_coverage
import pytest
from ai_edge_litert import schema_py_generated as S

from oracle import assert_quantized_close, litert, ours

MODELS = os.path.join(os.path.dirname(__file__), "..", "data", "models")
F32, I8, I16, I32 = S.TensorType.FLOAT32, S.TensorType.INT8, S.TensorType.INT16, S.TensorType.INT32
NP = {F32: np.float32, I8: np.int8, I16: np.int16, I32: np.int32}


# ---- a one-operator model builder ----


class Graph:
    def __init__(self):
        self.tensors, self.buffers = [], [S.BufferT()]

    def add(self, shape, ttype=F32, data=None, variable=False, scale=None, zp=0, name=None):
        t = S.TensorT()
        t.shape = np.array(shape, dtype=np.int32)
        t.type = ttype
        t.name = name or f"t{len(self.tensors)}"
        t.isVariable = variable
        t.buffer = 0
        if data is not None:
            b = S.BufferT()
            b.data = np.frombuffer(np.ascontiguousarray(np.asarray(data, dtype=NP[ttype])).tobytes(), dtype=np.uint8)
            self.buffers.append(b)
            t.buffer = len(self.buffers) - 1
        if scale is not None:
            q = S.QuantizationParametersT()
            q.scale = [float(scale)]
            q.zeroPoint = [int(zp)]
            t.quantization = q
        self.tensors.append(t)
        return len(self.tensors) - 1

    def build(self, opcode, options_type, options, inputs, outputs, graph_inputs, intermediates=None):
        code = S.OperatorCodeT()
        code.builtinCode = opcode
        code.deprecatedBuiltinCode = min(opcode, 127)
        code.version = 1
        op = S.OperatorT()
        op.opcodeIndex = 0
        op.inputs = np.array(inputs, dtype=np.int32)
        op.outputs = np.array(outputs, dtype=np.int32)
        op.builtinOptionsType = options_type
        op.builtinOptions = options
        if intermediates is not None:
            op.intermediates = np.array(intermediates, dtype=np.int32)
        sg = S.SubGraphT()
        sg.tensors = self.tensors
        sg.inputs = np.array(graph_inputs, dtype=np.int32)
        sg.outputs = np.array(outputs, dtype=np.int32)
        sg.operators = [op]
        m = S.ModelT()
        m.version = 3
        m.operatorCodes = [code]
        m.subgraphs = [sg]
        m.buffers = self.buffers
        b = flatbuffers.Builder(4096)
        b.Finish(m.Pack(b), file_identifier=b"TFL3")
        return bytes(b.Output())


def quantize_sym(w, bits=8):
    """Symmetric per-tensor quantization as the converter's dynamic-range recipe."""
    qmax = 2 ** (bits - 1) - 1
    scale = max(float(np.abs(w).max()), 1e-6) / qmax
    return np.clip(np.round(w / scale), -qmax, qmax).astype(np.int8 if bits == 8 else np.int16), scale


def run_sequence(content, n_invokes=3, seed=0, scale=1.0, ref_content=None):
    """Feeds the same seeded inputs to both interpreters n times; returns the outputs of every invoke.
    ref_content: run LiteRT on this model instead (same inputs and outputs), e.g. the float twin of a hybrid
    model where LiteRT's hybrid kernel is wrong."""
    rng = np.random.default_rng(seed)
    op_coverage.note_model(content)
    ref, got = litert(ref_content or content), ours(content)
    ref.allocate_tensors()
    got.allocate_tensors()
    got_in = {d["name"]: d["index"] for d in got.get_input_details()}
    got_out = {d["name"]: d["index"] for d in got.get_output_details()}
    results = []
    for _ in range(n_invokes):
        for d in ref.get_input_details():
            if np.issubdtype(d["dtype"], np.floating):
                x = (rng.standard_normal(d["shape"]) * scale).astype(d["dtype"])
            else:
                x = rng.integers(-128, 128, d["shape"]).astype(d["dtype"])
            ref.set_tensor(d["index"], x)
            got.set_tensor(got_in[d["name"]], x)
        ref.invoke()
        got.invoke()
        r = {d["name"]: ref.get_tensor(d["index"]) for d in ref.get_output_details()}
        g = {d["name"]: got.get_tensor(got_out[d["name"]]) for d in ref.get_output_details()}
        results.append((r, g))
    return results


def check(content, max_quanta=0, rtol=1e-5, atol=1e-5, **kw):
    for i, (r, g) in enumerate(run_sequence(content, **kw)):
        assert_quantized_close(r, g, max_quanta=max_quanta, rtol=rtol, atol=atol, context=f"invoke {i}")


# ---- LSTM family ----


def lstm_options(op, act=4, cell_clip=0.0, proj_clip=0.0, time_major=False, merge=False, asym=False):
    if op == "uni":
        o = S.UnidirectionalSequenceLSTMOptionsT()
        o.timeMajor = time_major
        t = S.BuiltinOptions.UnidirectionalSequenceLSTMOptions
    elif op == "bi":
        o = S.BidirectionalSequenceLSTMOptionsT()
        o.timeMajor = time_major
        o.mergeOutputs = merge
        t = S.BuiltinOptions.BidirectionalSequenceLSTMOptions
    else:
        o = S.LSTMOptionsT()
        t = S.BuiltinOptions.LSTMOptions
    o.fusedActivationFunction = act
    o.cellClip = cell_clip
    o.projClip = proj_clip
    o.asymmetricQuantizeInputs = asym
    return t, o


def lstm_weights(g, rng, n_in, n_cell, n_out, kind, cifg, peephole, proj, layer_norm, asym_scale=0.5):
    """The 17 weight slots (1..17) plus layer norm (20..23) of one direction; -1 for absent ones."""
    slots = {}

    def weight(shape, s=asym_scale):
        w = (rng.standard_normal(shape) * s).astype(np.float32)
        if kind == "float":
            return g.add(shape, F32, w)
        q, scale = quantize_sym(w)
        return g.add(shape, I8, q, scale=scale)

    def vec(n, s=0.3, center=0.0):
        return g.add([n], F32, (center + rng.standard_normal(n) * s).astype(np.float32))

    for k in range(4):
        present = not (cifg and k == 0)
        slots[1 + k] = weight([n_cell, n_in]) if present else -1
        slots[5 + k] = weight([n_cell, n_out]) if present else -1
        slots[12 + k] = vec(n_cell, center=1.0 if k == 1 else 0.0) if present else -1
    for k in range(3):
        present = peephole and not (cifg and k == 0)
        slots[9 + k] = (weight([n_cell], 0.3) if present else -1)
    slots[16] = weight([n_out, n_cell]) if proj else -1
    slots[17] = vec(n_out) if proj else -1
    for k in range(4):
        slots[20 + k] = vec(n_cell, 0.2, 1.0) if layer_norm and not (cifg and k == 0) else -1
    return slots


UNI_CASES = [
    # batch, time, n_input, n_cell, projection, peephole, cifg, layer_norm, time_major, cell_clip, proj_clip
    (1, 3, 2, 4, False, False, False, False, False, 0.0, 0.0),
    (2, 5, 3, 4, False, False, False, False, True, 0.0, 0.0),
    (3, 4, 5, 6, True, False, False, False, False, 0.0, 0.0),
    (2, 3, 4, 5, True, True, False, False, False, 3.0, 0.5),
    (1, 4, 3, 4, False, True, True, False, True, 0.0, 0.0),
    (2, 3, 3, 4, True, True, False, True, False, 0.0, 0.0),
    (1, 2, 2, 3, False, False, True, True, False, 0.5, 0.0),
    (1, 1, 1, 1, False, False, False, False, False, 0.0, 0.0),
]


def build_uni(case, kind, asym=False, seed=1, op="uni"):
    b, t, n_in, n_cell, proj, peep, cifg, ln, tm, cclip, pclip = case
    n_out = n_cell - 1 if proj and n_cell > 1 else n_cell
    rng = np.random.default_rng(seed)
    g = Graph()
    in_shape = [b, n_in] if op == "lstm" else ([t, b, n_in] if tm else [b, t, n_in])
    x = g.add(in_shape, F32)
    slots = lstm_weights(g, rng, n_in, n_cell, n_out, kind, cifg, peep, proj, ln)
    slots[0] = x
    slots[18] = g.add([b, n_out], F32, variable=True)
    slots[19] = g.add([b, n_cell], F32, variable=True)
    out = g.add(in_shape[:-1] + [n_out], F32)
    code = {"uni": S.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, "lstm": S.BuiltinOperator.LSTM}[op]
    ot, o = lstm_options(op, cell_clip=cclip, proj_clip=pclip, time_major=tm, asym=asym)
    return g.build(code, ot, o, [slots[i] for i in range(24)], [out], [x])


@pytest.mark.parametrize("case", UNI_CASES, ids=[f"uni{i}" for i in range(len(UNI_CASES))])
def test_unidirectional_lstm_float(case):
    check(build_uni(case, "float"), atol=1e-5)


@pytest.mark.parametrize("asym", [False, True], ids=["sym", "asym"])
@pytest.mark.parametrize("case", UNI_CASES[:7], ids=[f"uni{i}" for i in range(7)])
def test_unidirectional_lstm_hybrid(case, asym):
    check(build_uni(case, "hybrid", asym=asym), atol=1e-5)


@pytest.mark.parametrize("kind", ["float", "hybrid"])
@pytest.mark.parametrize("case", [UNI_CASES[0], UNI_CASES[3], UNI_CASES[5]], ids=["plain", "proj_peep", "layer_norm"])
def test_lstm_single_step(case, kind):
    check(build_uni(case, kind, op="lstm"), atol=1e-5)


def build_int8_lstm(b, t, n_in, n_cell, proj, peephole, cifg, tm, cell_clip=0.0, seed=3, hidden_zp=3):
    """A full-integer LSTM as the converter's PTQ emits it: int8 input/output state/weights, int16 cell state
    (scale 2^-11), int32 biases at input_scale x weight_scale, 5 intermediates (4 float, the hidden one int8)."""
    rng = np.random.default_rng(seed)
    n_out = n_cell - 1 if proj else n_cell
    g = Graph()
    s_in, zp_in, s_os, zp_os = 0.02, -5, 0.008, 2
    shape = [t, b, n_in] if tm else [b, t, n_in]
    x = g.add(shape, I8, scale=s_in, zp=zp_in)
    slots = {0: x}
    for k in range(4):
        present = not (cifg and k == 0)
        for base, depth, s_act in ((1, n_in, s_in), (5, n_out, s_os)):
            if present:
                q = rng.integers(-127, 128, [n_cell, depth]).astype(np.int8)
                slots[base + k] = g.add([n_cell, depth], I8, q, scale=0.004 + 0.001 * k)
            else:
                slots[base + k] = -1
        bias = rng.integers(-3000, 3000, n_cell).astype(np.int32)
        slots[12 + k] = g.add([n_cell], I32, bias, scale=s_in * 0.004) if present else -1
    for k in range(3):
        present = peephole and not (cifg and k == 0)
        slots[9 + k] = g.add([n_cell], I16, rng.integers(-2000, 2000, n_cell), scale=1e-4) if present else -1
    if proj:
        slots[16] = g.add([n_out, n_cell], I8, rng.integers(-127, 128, [n_out, n_cell]), scale=0.01)
        slots[17] = g.add([n_out], I32, rng.integers(-500, 500, n_out), scale=1e-4)
    else:
        slots[16] = slots[17] = -1
    slots[18] = g.add([b, n_out], I8, variable=True, scale=s_os, zp=0)
    slots[19] = g.add([b, n_cell], I16, variable=True, scale=2.0 ** -11, zp=0)
    for k in range(20, 24):
        slots[k] = -1
    out = g.add(shape[:-1] + [n_out], I8, scale=s_os, zp=0)
    inter = [g.add([0], F32, name=f"inter{i}") for i in range(4)]
    inter.append(g.add([0], I8, scale=0.007, zp=hidden_zp, name="hidden"))
    ot, o = lstm_options("uni", cell_clip=cell_clip, time_major=tm)
    return g.build(S.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, ot, o, [slots[i] for i in range(24)], [out], [x],
                   intermediates=inter)


INT8_CASES = [
    # batch, time, n_input, n_cell, projection, peephole, cifg, time_major, cell_clip
    (1, 4, 3, 5, False, False, False, False, 0.0),
    (2, 3, 4, 4, False, False, False, True, 0.0),
    (2, 3, 3, 6, True, False, False, False, 0.0),
    (1, 5, 2, 4, False, True, False, False, 4.0),
    (3, 2, 3, 4, True, True, True, False, 0.0),
]


@pytest.mark.parametrize("case", INT8_CASES, ids=[f"int8_{i}" for i in range(len(INT8_CASES))])
def test_unidirectional_lstm_int8(case):
    # Output state zero point 0: LiteRT resets int8 variables to their zero point, sigrun's runner to 0 (see the
    # keras_lstm_mnist_ptq test).
    check(build_int8_lstm(*case), max_quanta=0)


def build_bi_lstm(b, t, n_in, n_cell, kind, merge, tm, proj=False, aux_mode=None, asym=False, seed=5):
    rng = np.random.default_rng(seed)
    g = Graph()
    shape = [t, b, n_in] if tm else [b, t, n_in]
    x = g.add(shape, F32)
    n_out = n_cell - 1 if proj else n_cell
    inputs = [x]
    for _ in range(2):
        s = lstm_weights(g, rng, n_in, n_cell, n_out, kind, False, False, proj, False)
        inputs += [s[i] for i in range(1, 18)]
    for _ in range(2):
        inputs += [g.add([b, n_out], F32, variable=True), g.add([b, n_cell], F32, variable=True)]
    graph_inputs = [x]
    aux_w = [-1] * 8
    if aux_mode is not None:
        aux = g.add(shape[:-1] + [n_in + 1] if aux_mode == "cross" else shape, F32)
        graph_inputs.append(aux)
        inputs.append(aux)
        if aux_mode == "cross":
            for i in range(8):
                w = (rng.standard_normal([n_cell, n_in + 1]) * 0.5).astype(np.float32)
                if kind == "float":
                    aux_w[i] = g.add([n_cell, n_in + 1], F32, w)
                else:
                    q, sc = quantize_sym(w)
                    aux_w[i] = g.add([n_cell, n_in + 1], I8, q, scale=sc)
    else:
        inputs.append(-1)
    inputs += aux_w
    outs = [g.add(shape[:-1] + [2 * n_out if merge else n_out], F32)]
    if not merge:
        outs.append(g.add(shape[:-1] + [n_out], F32))
    ot, o = lstm_options("bi", time_major=tm, merge=merge, asym=asym)
    return g.build(S.BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM, ot, o, inputs, outs, graph_inputs)


BI_CASES = [
    # batch, time, n_input, n_cell, merge, time_major, projection, aux mode
    (1, 3, 2, 3, False, True, False, None),
    (2, 4, 3, 4, True, True, False, None),
    (1, 3, 3, 4, True, False, True, None),
    (2, 2, 2, 3, False, False, False, "cross"),
    (1, 3, 2, 3, True, True, False, "stacked"),
]


@pytest.mark.parametrize("kind", ["float", "hybrid"])
@pytest.mark.parametrize("case", BI_CASES, ids=[f"bi{i}" for i in range(len(BI_CASES))])
def test_bidirectional_lstm(case, kind):
    b, t, n_in, n_cell, merge, tm, proj, aux = case
    check(build_bi_lstm(b, t, n_in, n_cell, kind, merge, tm, proj, aux), atol=1e-5)


# ---- RNN family ----


def rnn_weights(g, rng, units, depth, kind):
    w = (rng.standard_normal([units, depth]) * 0.5).astype(np.float32)
    if kind == "float":
        return g.add([units, depth], F32, w)
    q, s = quantize_sym(w)
    return g.add([units, depth], I8, q, scale=s)


def build_rnn(op, b, t, n_in, units, kind, tm=False, act=1, asym=False, merge=False, aux_mode=None, seed=7):
    rng = np.random.default_rng(seed)
    g = Graph()
    shape = [b, n_in] if op == "rnn" else ([t, b, n_in] if tm else [b, t, n_in])
    x = g.add(shape, F32)
    graph_inputs = [x]

    def cell():
        return [rnn_weights(g, rng, units, n_in, kind), rnn_weights(g, rng, units, units, kind),
                g.add([units], F32, (rng.standard_normal(units) * 0.3).astype(np.float32)),
                g.add([b, units], F32, variable=True)]

    if op == "bi":
        inputs = [x] + cell() + cell()
        if aux_mode is None:
            inputs += [-1, -1, -1]
        else:
            aux = g.add(shape[:-1] + [n_in], F32)
            graph_inputs.append(aux)
            inputs.append(aux)
            if aux_mode == "cross":
                inputs += [rnn_weights(g, rng, units, n_in, kind), rnn_weights(g, rng, units, n_in, kind)]
            else:
                inputs += [-1, -1]
        outs = [g.add(shape[:-1] + [2 * units if merge else units], F32)]
        if not merge:
            outs.append(g.add(shape[:-1] + [units], F32))
        o = S.BidirectionalSequenceRNNOptionsT()
        o.timeMajor, o.mergeOutputs = tm, merge
        ot, code = S.BuiltinOptions.BidirectionalSequenceRNNOptions, S.BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN
    else:
        inputs = [x] + cell()
        outs = [g.add(shape[:-1] + [units], F32)]
        if op == "rnn":
            o = S.RNNOptionsT()
            ot, code = S.BuiltinOptions.RNNOptions, S.BuiltinOperator.RNN
        else:
            o = S.SequenceRNNOptionsT()
            o.timeMajor = tm
            ot, code = S.BuiltinOptions.SequenceRNNOptions, S.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN
    o.fusedActivationFunction = act
    o.asymmetricQuantizeInputs = asym
    return g.build(code, ot, o, inputs, outs, graph_inputs)


RNN_CASES = [
    # op, batch, time, n_input, units, time_major, activation
    ("rnn", 1, 1, 3, 4, False, 1),
    ("rnn", 3, 1, 5, 2, False, 4),
    ("uni", 2, 4, 3, 5, False, 4),
    ("uni", 3, 3, 2, 4, True, 1),
    ("uni", 1, 5, 4, 3, False, 3),
]


@pytest.mark.parametrize("kind,asym", [("float", False), ("hybrid", False), ("hybrid", True)],
                         ids=["float", "hybrid_sym", "hybrid_asym"])
@pytest.mark.parametrize("case", RNN_CASES, ids=[f"{c[0]}{i}" for i, c in enumerate(RNN_CASES)])
def test_rnn(case, kind, asym):
    op, b, t, n_in, units, tm, act = case
    check(build_rnn(op, b, t, n_in, units, kind, tm=tm, act=act, asym=asym), atol=1e-5)


BI_RNN_CASES = [
    # batch, time, n_input, units, time_major, merge, aux mode
    (1, 3, 2, 3, False, False, None),
    (2, 4, 3, 2, True, True, None),
    (2, 3, 2, 3, False, True, "cross"),
    (1, 2, 3, 2, True, False, "stacked"),
]


@pytest.mark.parametrize("kind", ["float", "hybrid"])
@pytest.mark.parametrize("case", BI_RNN_CASES, ids=[f"birnn{i}" for i in range(len(BI_RNN_CASES))])
def test_bidirectional_rnn(case, kind):
    b, t, n_in, units, tm, merge, aux = case
    content = build_rnn("bi", b, t, n_in, units, kind, tm=tm, act=4, merge=merge, aux_mode=aux)
    if kind == "hybrid" and (tm or aux == "stacked"):
        # LiteRT's hybrid BIDIRECTIONAL_SEQUENCE_RNN (EvalHybrid) repeats the whole time-major sweep max_time
        # times, passes `zero_points + k` (non-null garbage for symmetric inputs) when outputs are merged with
        # batch > 1 (it crashes), and feeds `input` instead of the aux input to the backward cell in batch-major
        # stacking mode. sigrun computes the documented semantics, so here it is compared with LiteRT's float
        # kernel on the same weights, within the error of 8-bit weights and inputs (tanh outputs, |y| <= 1).
        float_twin = build_rnn("bi", b, t, n_in, units, "float", tm=tm, act=4, merge=merge, aux_mode=aux)
        for i, (r, g) in enumerate(run_sequence(content, ref_content=float_twin)):
            assert_quantized_close(r, g, rtol=0, atol=0.06, context=f"hybrid vs float, invoke {i}")
        return
    check(content, atol=1e-5)


# ---- SVDF ----


def build_svdf(b, n_in, filters, rank, memory, kind, act=1, asym=False, bias=True, seed=9):
    rng = np.random.default_rng(seed)
    g = Graph()
    units = filters // rank
    wf = (rng.standard_normal([filters, n_in]) * 0.5).astype(np.float32)
    wt = (rng.standard_normal([filters, memory]) * 0.5).astype(np.float32)
    bv = (rng.standard_normal(units) * 0.3).astype(np.float32)
    if kind == "int8":
        x = g.add([b, n_in], I8, scale=0.03, zp=-10)
        f = g.add([filters, n_in], I8, rng.integers(-127, 128, [filters, n_in]), scale=0.006)
        t = g.add([filters, memory], I16, rng.integers(-20000, 20000, [filters, memory]), scale=2e-5)
        bb = g.add([units], I32, rng.integers(-5000, 5000, units), scale=1e-5) if bias else -1
        s = g.add([b, memory * filters], I16, variable=True, scale=0.002)
        out = g.add([b, units], I8, scale=0.05, zp=-128 if act == 1 else 3)
    else:
        x = g.add([b, n_in], F32)
        if kind == "float":
            f = g.add([filters, n_in], F32, wf)
            t = g.add([filters, memory], F32, wt)
        else:
            qf, sf = quantize_sym(wf)
            qt, st = quantize_sym(wt)
            f = g.add([filters, n_in], I8, qf, scale=sf)
            t = g.add([filters, memory], I8, qt, scale=st)
        bb = g.add([units], F32, bv) if bias else -1
        s = g.add([b, memory * filters], F32, variable=True)
        out = g.add([b, units], F32)
    o = S.SVDFOptionsT()
    o.rank, o.fusedActivationFunction, o.asymmetricQuantizeInputs = rank, act, asym
    return g.build(S.BuiltinOperator.SVDF, S.BuiltinOptions.SVDFOptions, o, [x, f, t, bb, s], [out], [x])


SVDF_CASES = [
    # batch, n_input, filters, rank, memory, activation, bias
    (1, 4, 3, 1, 5, 1, True),
    (2, 3, 8, 2, 4, 0, True),
    (3, 5, 6, 3, 3, 1, False),
    (1, 7, 4, 1, 1, 0, True),
]


@pytest.mark.parametrize("kind,asym", [("float", False), ("hybrid", False), ("hybrid", True), ("int8", False)],
                         ids=["float", "hybrid_sym", "hybrid_asym", "int8"])
@pytest.mark.parametrize("case", SVDF_CASES, ids=[f"svdf{i}" for i in range(len(SVDF_CASES))])
def test_svdf(case, kind, asym):
    b, n_in, filters, rank, memory, act, bias = case
    if kind == "int8":
        act = 1  # LiteRT's integer SVDF accepts RELU only (see test_svdf_int8_needs_relu)
    check(build_svdf(b, n_in, filters, rank, memory, kind, act, asym, bias), max_quanta=0, atol=1e-5, n_invokes=4)


def test_svdf_int8_needs_relu():
    content = build_svdf(1, 3, 2, 1, 2, "int8", act=0)
    ref = litert(content)
    ref.allocate_tensors()
    with pytest.raises(RuntimeError, match="kTfLiteActRelu"):
        ref.invoke()
    with pytest.raises(Exception, match="RELU"):
        ours(content).allocate_tensors()


# ---- real models ----


def carve(path, op_index):
    """A copy of the model holding only one operator, whose non-constant inputs become the graph inputs."""
    with open(path, "rb") as f:
        m = S.ModelT.InitFromObj(S.Model.GetRootAsModel(f.read(), 0))
    sg = m.subgraphs[0]
    op = sg.operators[op_index]
    ins = []
    for t in op.inputs:
        if t < 0:
            continue
        T = sg.tensors[t]
        buf = m.buffers[T.buffer]
        if (buf.data is None or len(buf.data) == 0) and not T.isVariable and int(t) not in ins:
            ins.append(int(t))
    sg.operators = [op]
    sg.inputs = np.array(ins, dtype=np.int32)
    sg.outputs = np.array(op.outputs, dtype=np.int32)
    m.signatureDefs = None
    b = flatbuffers.Builder(4096)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def model_path(name):
    return os.path.join(MODELS, name)


@pytest.mark.parametrize("name", ["unidirectional_sequence_lstm.bin", "lstm.bin", "trained_lstm.tflite"])
def test_real_float_lstm_models(name):
    with open(model_path(name), "rb") as f:
        check(f.read(), atol=1e-5)


@pytest.mark.parametrize("name,op", [("trained_lstm.tflite", 0), ("trained_lstm_int8.tflite", 0)])
def test_real_lstm_op(name, op):
    check(carve(model_path(name), op), max_quanta=0, atol=1e-5)


def test_real_keras_lstm_mnist_ptq_first_invoke():
    """LiteRT resets int8 variable tensors to their zero point (-1 here), so the first invoke depends on it."""
    check(carve(model_path("keras_lstm_mnist_ptq.tflite"), 1), max_quanta=0, n_invokes=1)


@pytest.mark.parametrize("op", [1, 3, 5, 7, 9, 10, 11])
def test_real_keyword_scrambled_svdf(op):
    check(carve(model_path("keyword_scrambled.tflite"), op), max_quanta=0, n_invokes=4)


def test_svdf_quantized_bin_rejected_like_litert():
    """Its state has 9 columns where memory x filters = 42: LiteRT fails to prepare, so must sigrun."""
    with open(model_path("svdf_quantized.bin"), "rb") as f:
        content = f.read()
    with pytest.raises(Exception):
        litert(content).allocate_tensors()
    with pytest.raises(Exception, match="state"):
        ours(content).allocate_tensors()
