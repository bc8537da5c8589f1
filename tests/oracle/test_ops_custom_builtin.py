"""Oracle tests for the custom operators sigrun ships built in: TFLite_Detection_PostProcess.

The converter does not emit this op from TensorFlow code (it comes from the Object Detection API's export),
so the models are one-op flatbuffers written with the official schema's object API, with their options as a
FlexBuffer map written by the `flatbuffers` package's flexbuffers Builder (the same format LiteRT reads).
Each case compares sigrun with LiteRT on seeded random boxes, scores and anchors: fast and regular NMS,
float32 and uint8 (quantized) class predictions, uint8 box encodings and anchors, constant anchors, a
background class or none, ties everywhere (uint8 scores), several option sets. Bit-exact: numbers of
detections, boxes, classes and scores are compared with ==.

Rows LiteRT does not fill (past num_detections, and in the fast path the columns past num_classes when
max_classes_per_detection > num_classes) hold whatever its arena held; sigrun writes zeros there, so only
filled rows are compared with LiteRT and the rest are checked to be zero.

The real SSD model (traffic_model.tflite) is tested through its own post-processing node: LiteRT runs the
whole model with all tensors preserved, and the node's three inputs feed a one-op model carrying the real
custom options bytes and quantization; the whole model is compared too once sigrun has all its other ops.
"""
import os

import flatbuffers
import numpy as np
import op_coverage
import pytest
from ai_edge_litert import schema_py_generated as S
from ai_edge_litert.interpreter import Interpreter, OpResolverType
from flatbuffers import flexbuffers as fx

import sigrun
from oracle import litert, ours

MODELS = os.path.join(os.path.dirname(__file__), "..", "data", "models")
TENSOR_TYPES = {np.float32: 0, np.uint8: 3, np.int8: 9}
OUTPUTS = ["detection_boxes", "detection_classes", "detection_scores", "num_detections"]
DPP = "TFLite_Detection_PostProcess"


def build(boxes, scores, anchors, options, quant=None, const_anchors=False):
    """One TFLite_Detection_PostProcess model. options: dict (FlexBuffer map via fx.Dumps) or raw bytes;
    quant: {input position: (scale, zero_point)}."""
    m = S.ModelT()
    m.version = 3
    oc = S.OperatorCodeT()
    oc.builtinCode, oc.deprecatedBuiltinCode, oc.customCode, oc.version = 32, 32, DPP, 1
    m.operatorCodes, m.buffers = [oc], [S.BufferT()]
    sg = S.SubGraphT()
    sg.tensors, sg.inputs, sg.outputs = [], [], []
    op = S.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [], []
    sig = S.SignatureDefT()
    sig.signatureKey, sig.subgraphIndex, sig.inputs, sig.outputs = "serving_default", 0, [], []

    def tensor(name, dtype, shape, q=None):
        t = S.TensorT()
        t.name, t.type, t.shape, t.buffer = name, TENSOR_TYPES[np.dtype(dtype).type], list(shape), 0
        if q is not None:
            qp = S.QuantizationParametersT()
            qp.scale, qp.zeroPoint = [q[0]], [q[1]]
            t.quantization = qp
        sg.tensors.append(t)
        return t, len(sg.tensors) - 1

    def io(lst, name, index):
        tm = S.TensorMapT()
        tm.name, tm.tensorIndex = name, index
        lst.append(tm)

    for pos, (name, arr) in enumerate([("boxes", boxes), ("scores", scores), ("anchors", anchors)]):
        t, i = tensor(name, arr.dtype, arr.shape, (quant or {}).get(pos))
        if name == "anchors" and const_anchors:
            b = S.BufferT()
            b.data = np.ascontiguousarray(arr).tobytes()
            m.buffers.append(b)
            t.buffer = len(m.buffers) - 1
        else:
            sg.inputs.append(i)
            io(sig.inputs, name, i)
        op.inputs.append(i)
    for name in OUTPUTS:
        _, i = tensor(name, np.float32, [])
        op.outputs.append(i)
        sg.outputs.append(i)
        io(sig.outputs, name, i)
    raw = options if isinstance(options, (bytes, bytearray)) else fx.Dumps(options)
    op.customOptions = list(raw)
    sg.operators = [op]
    m.subgraphs, m.signatureDefs = [sg], [sig]
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


BASE = dict(max_detections=10, max_classes_per_detection=1, detections_per_class=5, nms_score_threshold=0.3,
            nms_iou_threshold=0.5, num_classes=3, y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0,
            use_regular_nms=False)


def random_case(n, classes_with_bg, seed, stride=4, uint8_scores=None, uint8_boxes=False):
    """Encodings ~ N(0,1), scores uniform, anchors with positive sizes. uint8_scores = number of levels."""
    rng = np.random.default_rng(seed)
    boxes = rng.normal(0, 1, (1, n, stride)).astype(np.float32)
    scores = rng.uniform(0, 1, (1, n, classes_with_bg)).astype(np.float32)
    anchors = np.stack([rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.uniform(0.05, 0.5, n),
                        rng.uniform(0.05, 0.5, n)], 1).astype(np.float32)
    quant = {}
    if uint8_scores:
        scores = rng.integers(0, uint8_scores, scores.shape).astype(np.uint8)
        quant[1] = (0.1, 1) if uint8_scores < 256 else (1 / 256, 0)
    if uint8_boxes:
        boxes = rng.integers(0, 256, boxes.shape).astype(np.uint8)
        anchors = rng.integers(1, 256, anchors.shape).astype(np.uint8)
        quant[0], quant[2] = (0.03, 128), (0.004, 0)
    return boxes, scores, anchors, quant


def compare(ref, got, options):
    """Filled rows equal LiteRT's bit for bit; sigrun's unfilled rows are zero."""
    assert list(got) == list(ref)
    for name in ref:
        assert got[name].dtype == ref[name].dtype == np.float32, name
        assert got[name].shape == ref[name].shape, (name, got[name].shape, ref[name].shape)
    count = int(ref["num_detections"][0])
    np.testing.assert_array_equal(got["num_detections"], ref["num_detections"])
    per = 1 if options.get("use_regular_nms") else options["max_classes_per_detection"]
    filled = np.zeros(ref["detection_classes"].shape[1], bool)
    for k in range(count):
        cats = per if options.get("use_regular_nms") else min(per, options["num_classes"])
        filled[k * per:k * per + cats] = True
    for name in OUTPUTS[:3]:
        r, g = ref[name][0], got[name][0]
        np.testing.assert_array_equal(g[filled], r[filled], err_msg=name)
        assert not np.any(g[~filled]), f"{name}: unfilled rows are not zero"


def run_case(boxes, scores, anchors, options, quant, const_anchors=False):
    content = build(boxes, scores, anchors, options, quant, const_anchors)
    feeds = {"boxes": boxes, "scores": scores}
    if not const_anchors:
        feeds["anchors"] = anchors
    op_coverage.note_model(content)
    ref = litert(content).get_signature_runner()(**feeds)
    got = ours(content).get_signature_runner()(**feeds)
    compare(ref, got, fx.Loads(options) if isinstance(options, (bytes, bytearray)) else options)
    return got


# id -> (option overrides, case arguments)
CASES = {
    "fast_float": ({}, dict(n=40, classes_with_bg=4)),
    "fast_no_background": ({}, dict(n=40, classes_with_bg=3)),
    "fast_three_classes_per_box": (dict(max_classes_per_detection=3, num_classes=5), dict(n=30, classes_with_bg=6)),
    "fast_more_classes_per_box_than_classes": (dict(max_classes_per_detection=5), dict(n=30, classes_with_bg=4)),
    "fast_uint8_ties": (dict(max_classes_per_detection=4, num_classes=7, nms_score_threshold=0.15),
                        dict(n=50, classes_with_bg=8, uint8_scores=4)),
    "fast_uint8_full_range": (dict(nms_score_threshold=0.5), dict(n=60, classes_with_bg=4, uint8_scores=256)),
    "fast_uint8_boxes": (dict(max_classes_per_detection=2), dict(n=40, classes_with_bg=4, uint8_scores=256,
                                                                  uint8_boxes=True)),
    "fast_box_stride_6": ({}, dict(n=25, classes_with_bg=4, stride=6)),
    "fast_iou_one": (dict(nms_iou_threshold=1.0, max_detections=30), dict(n=40, classes_with_bg=4)),
    "fast_nothing_above_threshold": (dict(nms_score_threshold=2.0), dict(n=20, classes_with_bg=4)),
    "fast_no_boxes": ({}, dict(n=0, classes_with_bg=4)),
    "fast_zero_detections": (dict(max_detections=0), dict(n=10, classes_with_bg=4)),
    "regular_float": (dict(use_regular_nms=True), dict(n=40, classes_with_bg=4)),
    "regular_no_background": (dict(use_regular_nms=True, detections_per_class=20, max_detections=25),
                              dict(n=60, classes_with_bg=3)),
    "regular_uint8_ties": (dict(use_regular_nms=True, num_classes=6, max_detections=30, detections_per_class=8,
                                nms_score_threshold=0.05), dict(n=50, classes_with_bg=7, uint8_scores=5)),
    "regular_uint8_boxes": (dict(use_regular_nms=True, max_classes_per_detection=3),
                            dict(n=40, classes_with_bg=4, uint8_scores=256, uint8_boxes=True)),
    "regular_per_class_above_max": (dict(use_regular_nms=True, detections_per_class=50, max_detections=7),
                                    dict(n=40, classes_with_bg=4)),
    "regular_no_boxes": (dict(use_regular_nms=True), dict(n=0, classes_with_bg=4)),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_detection_postprocess(case, seed):
    overrides, args = CASES[case]
    options = dict(BASE, **overrides)
    boxes, scores, anchors, quant = random_case(seed=seed, **args)
    run_case(boxes, scores, anchors, options, quant, const_anchors=seed == 1)


def test_uint8_score_dequantization_last_bit():
    """LiteRT's optimized Dequantize rounds twice (q*scale + bias) in blocks of 8 and once in the tail: with
    scale 0.1, zero point 1 and q = 3 the two give 0.20000002 and 0.2, and equal scores order the output."""
    boxes, _, anchors, _ = random_case(3, 3, seed=5)
    scores = np.full((1, 3, 3), 3, np.uint8)
    options = dict(BASE, use_regular_nms=True, max_detections=9, detections_per_class=3, nms_score_threshold=0.0,
                   nms_iou_threshold=1.0)
    got = run_case(boxes, scores, anchors, options, {1: (0.1, 1)})
    assert got["detection_scores"][0][-1] == np.float32(0.2) and got["detection_scores"][0][0] > np.float32(0.2)


def test_options_defaults_and_value_kinds():
    """detections_per_class and use_regular_nms may be absent (100, false); values may be unsigned, indirect,
    32- or 64-bit, as LiteRT's FlexBuffer accessors convert them."""
    b = fx.Builder()
    with b.Map():
        b.Key("max_detections")
        b.UInt(12)
        b.Key("max_classes_per_detection")
        b.IndirectInt(2)
        b.Key("nms_score_threshold")
        b.IndirectFloat(0.25)
        b.Key("nms_iou_threshold")
        b.Float(0.6)
        b.Key("num_classes")
        b.Int(3)
        for key, value in (("y_scale", 10.0), ("x_scale", 10.0), ("h_scale", 5.0), ("w_scale", 5.0)):
            b.Key(key)
            b.Float(value)
    raw = bytes(b.Finish())
    boxes, scores, anchors, quant = random_case(30, 4, seed=7)
    run_case(boxes, scores, anchors, raw, quant)
    options = {k: v for k, v in dict(BASE, max_detections=12, max_classes_per_detection=2).items()
               if k not in ("detections_per_class", "use_regular_nms")}
    run_case(boxes, scores, anchors, dict(options, max_classes_per_detection=2), quant)
    run_case(boxes, scores, anchors, dict(options, use_regular_nms=True, max_classes_per_detection=1), quant)


@pytest.mark.parametrize("seed", range(6))
def test_random_option_sets(seed):
    rng = np.random.default_rng(100 + seed)
    nc, bg = int(rng.integers(1, 8)), int(rng.integers(0, 2))
    options = dict(max_detections=int(rng.integers(1, 15)), max_classes_per_detection=int(rng.integers(1, 5)),
                   detections_per_class=int(rng.integers(1, 10)),
                   nms_score_threshold=float(rng.choice([-1.0, 0.0, 0.2, 0.5])),
                   nms_iou_threshold=float(rng.choice([0.1, 0.3, 0.5, 1.0])), num_classes=nc,
                   y_scale=float(rng.choice([1.0, 10.0])), x_scale=10.0, h_scale=5.0,
                   w_scale=float(rng.choice([2.0, 5.0])), use_regular_nms=bool(seed % 2))
    boxes, scores, anchors, quant = random_case(int(rng.integers(1, 60)), nc + bg, seed,
                                                uint8_scores=[None, 4, 256][seed % 3], uint8_boxes=seed >= 3)
    run_case(boxes, scores, anchors, options, quant, const_anchors=seed % 2 == 0)


@pytest.mark.parametrize("seed", range(4))
def test_nan_and_inf_scores(seed):
    """NaN and infinite class scores and overflowing box sizes: NMS drops NaN scores, and the fast path's
    best class follows LiteRT's ArgMaxVector, whose NaN handling on x86 differs from a plain first maximum.
    Rows whose lane-0 scores (classes 0, 4, 8, ...) are all NaN are avoided: LiteRT reads out of bounds there."""
    rng = np.random.default_rng(seed)
    nc = [3, 6, 9, 13][seed]
    boxes, scores, anchors, quant = random_case(30, nc + 1, seed)
    for value, share in ((np.nan, 0.25), (np.inf, 0.1), (-np.inf, 0.1)):
        scores[rng.random(scores.shape) < share] = value
    lane0 = scores[..., 1:1 + 4 * max(nc // 4, 1):4]
    scores[..., 1] = np.where(np.all(np.isnan(lane0), axis=-1) & (nc >= 4), 0.25, scores[..., 1])
    boxes[rng.random(boxes.shape) < 0.05] = 80.0  # exp overflows to infinite box sizes
    for regular, per_box in ((False, 1), (False, 3), (True, 1)):
        options = dict(BASE, num_classes=nc, max_classes_per_detection=per_box, use_regular_nms=regular,
                       nms_score_threshold=-np.inf if seed % 2 else 0.3, max_detections=12)
        run_case(boxes, scores, anchors, options, quant)


def test_more_anchors_than_boxes():
    boxes, scores, anchors, quant = random_case(20, 4, seed=9)
    extra = np.concatenate([anchors, anchors[:5]])
    run_case(boxes, scores, extra, dict(BASE, use_regular_nms=True), quant, const_anchors=True)
    run_case(boxes, scores, extra, BASE, quant)


def expect_both_fail(content, feeds, fragment):
    with pytest.raises(Exception):
        litert(content).get_signature_runner()(**feeds)
    with pytest.raises(Exception) as info:
        ours(content).get_signature_runner()(**feeds)
    assert fragment in str(info.value), str(info.value)


def test_errors_match_litert():
    boxes, scores, anchors, _ = random_case(10, 4, seed=3)
    feeds = {"boxes": boxes, "scores": scores, "anchors": anchors}
    # int8 class predictions: LiteRT supports float32 and uint8 only.
    q = np.zeros((1, 10, 4), np.int8)
    expect_both_fail(build(boxes, q, anchors, BASE, {1: (0.1, 0)}), dict(feeds, scores=q), "int8")
    # An anchor with negative height decodes to an inverted box.
    bad = anchors.copy()
    bad[4, 2] = -0.2
    expect_both_fail(build(boxes, scores, bad, BASE), dict(feeds, anchors=bad), "decoded box 4 is inverted")
    # IoU threshold outside (0, 1]; regular NMS without detections.
    expect_both_fail(build(boxes, scores, anchors, dict(BASE, nms_iou_threshold=0.0)), feeds, "nms_iou_threshold")
    expect_both_fail(build(boxes, scores, anchors, dict(BASE, use_regular_nms=True, max_detections=0)), feeds,
                     "regular NMS needs")
    # num_classes that the class predictions cannot hold.
    expect_both_fail(build(boxes, scores, anchors, dict(BASE, num_classes=1)), feeds, "expected num_classes 1")


def test_options_that_are_not_a_map():
    boxes, scores, anchors, _ = random_case(10, 4, seed=3)
    for raw, fragment in ((fx.Dumps([1, 2]), "expected a map"), (b"\x00\x01", "too short"),
                          (fx.Dumps(BASE)[:-1] + b"\x03", "byte width")):
        with pytest.raises(Exception) as info:
            ours(build(boxes, scores, anchors, raw))
        assert fragment in str(info.value), str(info.value)


# ---- the real SSD model ----


def traffic_node_inputs():
    """LiteRT's view of the model's post-processing node on a seeded image: its inputs and outputs."""
    path = os.path.join(MODELS, "traffic_model.tflite")
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
                     experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    rng = np.random.default_rng(0)
    # The image and the two recurrent state inputs (init_lstm_c, init_lstm_h), all uint8.
    feeds = [rng.integers(0, 256, d["shape"]).astype(d["dtype"]) for d in it.get_input_details()]
    for d, value in zip(it.get_input_details(), feeds):
        it.set_tensor(d["index"], value)
    it.invoke()
    model = S.ModelT.InitFromPackedBuf(open(path, "rb").read(), 0)
    sg = model.subgraphs[0]
    op = next(o for o in sg.operators if model.operatorCodes[o.opcodeIndex].customCode == DPP.encode())
    tensors = [sg.tensors[i] for i in op.inputs]
    quant = {k: (float(t.quantization.scale[0]), int(t.quantization.zeroPoint[0])) for k, t in enumerate(tensors)}
    values = [it.get_tensor(i) for i in op.inputs]
    outputs = {name: it.get_tensor(i) for name, i in zip(OUTPUTS, op.outputs)}
    return path, feeds, values, quant, bytes(op.customOptions), outputs


def test_traffic_model_postprocess_node():
    """The real node: 26880 anchors, uint8 boxes/scores/anchors, fast NMS, heavy score ties."""
    _, _, (boxes, scores, anchors), quant, raw, ref = traffic_node_inputs()
    options = fx.Loads(raw)
    assert options["max_detections"] == 40 and not options["use_regular_nms"]
    got = ours(build(boxes, scores, anchors, raw, quant, const_anchors=True)).get_signature_runner()(
        boxes=boxes, scores=scores)
    compare(ref, got, options)
    # Regular NMS on the same data (the node's options with the mode switched).
    regular = dict(options, use_regular_nms=True)
    run_case(boxes, scores, anchors, regular, quant, const_anchors=True)


def test_traffic_model_whole():
    path, feeds, _, _, _, _ = traffic_node_inputs()
    interp = sigrun.Interpreter(model_path=path)
    interp.allocate_tensors()
    ref_it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
    ref_it.allocate_tensors()
    for it in (interp, ref_it):
        for d, value in zip(it.get_input_details(), feeds):
            it.set_tensor(d["index"], value)
        it.invoke()
    ref = [ref_it.get_tensor(d["index"]) for d in ref_it.get_output_details()]
    got = [interp.get_tensor(d["index"]) for d in interp.get_output_details()]
    count = int(ref[3][0])
    np.testing.assert_array_equal(got[3], ref[3])
    for r, g in zip(ref[:3], got[:3]):
        np.testing.assert_array_equal(g[0][:count], r[0][:count])
    for r, g in zip(ref[4:], got[4:]):
        np.testing.assert_array_equal(g, r)
