"""Real .tflite files written by the official converter (tests/data/models, provenance in SOURCES.md):
sigrun must expose the same signatures and give the same outputs as ai_edge_litert's reference kernels, and
must reject the deliberately broken or unsupported ones with a clear error."""
import os

import numpy as np
import pytest

import oracle
import sigrun

MODELS = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "data", "models"))

# Models that use only the kernels sigrun ships; float tolerance is relative to each output's scale.
RUNNABLE = [
    "1x3_square_int32.tflite",
    "3in3out_model_swaps_input_2_and_0.tflite",
    "add.bin",
    "add_unknown_dimensions.bin",
    "call_once_mul.bin",
    "conv_huge_im2col.bin",
    "dynamic_shapes.bin",
    "empty_model.bin",
    "face_detection_full_range_sparse.tflite",
    "face_detection_short_range.tflite",
    "feedback_tensor_test_model.tflite",
    "gather_string.tflite",
    "hand_landmark_lite.tflite",
    "hand_recrop.tflite",
    "hello_world_float.tflite",
    "hello_world_int8.tflite",
    "int64.bin",
    "keras_lstm_mnist_ptq.tflite",
    "keyword_scrambled.tflite",
    "knift_float.tflite",
    "lstm.bin",
    "matmul_quant.tflite",
    "micro_speech_quantized.tflite",
    "mixed16x8.bin",
    "mixed_input_model.tflite",
    "mobilenet_v1_0.25_128_quant.tflite",
    "mul_add_signature_def.bin",
    "multi_add.bin",
    "multi_signature_def.bin",
    "multi_signatures.bin",
    "multi_subgraphs_while.bin",
    "no_signatures.bin",
    "no_signatures_no_tensor_names.bin",
    "norm.tflite",
    "odml_sdpa_composite_mha.tflite.bin",
    "okay_nabu.tflite",
    "palm_detection_lite.tflite",
    "pc_conv.bin",
    "pose_detection.tflite",
    "reverse_signature_model.bin",
    "simple_add_dynamic_shape.tflite",
    "simple_add_model.tflite",
    "simple_atan2_op.tflite",
    "simple_ceil_op.tflite",
    "simple_elu_op.tflite",
    "simple_floor_mod.tflite",
    "simple_floor_op.tflite",
    "simple_l2_norm.tflite",
    "simple_log_softmax_op.tflite",
    "simple_logical_or_op.tflite",
    "simple_mirror_pad_reflect_op.tflite",
    "simple_mirror_pad_symmetric_op.tflite",
    "simple_reduceall_op.tflite",
    "simple_reduceany_op.tflite",
    "simple_reducemin_op.tflite",
    "simple_relu0to1_op.tflite",
    "simple_relu1_op.tflite",
    "simple_round_op.tflite",
    "simple_scatter_nd_op.tflite",
    "simple_sign_op.tflite",
    "simple_tile_op.tflite",
    "simple_topk_op.tflite",
    "simple_topk_op_runtime_k.tflite",
    "single_add_default_a16w8_recipe_quantized.tflite",
    "single_mul_default_a8w8_recipe_quantized.tflite",
    "split_concat.tflite",
    "string.bin",
    "string_input_model.bin",
    "test_model_redux_precision.bin",
    "test_single_signature_key_model.tflite",
    "tf2_mobilenet_v2_1.0_224_ptq.tflite",
    "tile_with_bool_input.bin",
    "traffic_model.tflite",
    "trained_lstm.tflite",
    "trained_lstm_int8.tflite",
    "unidirectional_sequence_lstm.bin",
    "where.bin",
    "zero_size_constant.bin",
]

# LiteRT raises ValueError for malformed files and RuntimeError for operators it cannot run; so do we.
# Inputs that must be resized before allocation (unknown rank in the file): the same shapes in both runtimes.
INPUT_SHAPES = {"simple_squeeze.tflite": [(2, 1, 3)]}

REJECTED = {
    "invalid_model.bin": (ValueError, "model identifier"),
    "test_model_broken.bin": (ValueError, "model identifier"),
    "0_subgraphs.bin": (ValueError, "no subgraphs"),
    # LiteRT fails at allocate ("Tensor 1 is both input 0 and output 0"); sigrun rejects the graph at load.
    "add_shared_tensors.bin": (ValueError, "tensor 1 is both input 0 and output 0"),
    "multi_add_flex.bin": (RuntimeError, "Flex ops are TensorFlow"),
    "custom_sinh.bin": (RuntimeError, "Sinh"),
    # Their first ADD declares a float32 output for uint8/int8 inputs and feeds it to a second, quantized ADD.
    # LiteRT runs them without complaint (its kernels dispatch on one tensor's type and reinterpret the
    # other's bytes); sigrun refuses the type mismatch instead of computing on reinterpreted bytes.
    "add_quantized.bin": (RuntimeError, "output 0 \\(tensor 0\\) has type float32, expected uint8"),
    "add_quantized_int8.bin": (RuntimeError, "output 0 \\(tensor 0\\) has type float32, expected int8"),
    # Custom ops that LiteRT does not ship either (both refuse them by name).
    "audio_preprocessor_int8.tflite": (RuntimeError, "SignalWindow \\(custom op\\)"),
    "hair_segmentation.tflite": (RuntimeError, "MaxPoolingWithArgmax2D \\(custom op\\)"),
    "model_invoking_error.tflite": (RuntimeError, "fake-op-double \\(custom op\\)"),
    # A sparse input to a custom op: LiteRT refuses the unknown op, sigrun the sparse read.
    "sparse_tensor.bin": (RuntimeError, "sigrun reads sparse weights only through DENSIFY"),
    # LiteRT refuses these too: a CONV_2D whose filter is wider than its input, a bad quantized dimension.
    "melspectrogram.tflite": (RuntimeError, "operator 3 \\(CONV_2D\\)"),
    "no_subgraphs.bin": (ValueError, "no subgraphs"),
    # TF Select ops: refused by name unless allow_unsupported_ops (tests/oracle/test_training.py).
    "training_model_flex.tflite": (RuntimeError, "FlexRestoreV2 \\(custom op\\)"),
}


def read(name):
    with open(os.path.join(MODELS, name), "rb") as f:
        return f.read()


# Integer inputs that are counts or multiples, not data: values a user would pass (random ones are invalid).
VALID_INTEGERS = {
    "serving_default_k:0": (1, 20),  # simple_topk_op_runtime_k: k of TOPK_V2 over 128 values
    "multiplier": (1, 4),  # tile_with_bool_input: TILE multiples (LiteRT cannot read a 0-sized output)
    "indices": (0, 10),  # gather_string: GATHER over 10 strings
    "arg0": (0, 1),  # simple_scatter_nd_op: index tuples into [1,128,4,128]
}


def random_for(details, rng, shape=None):
    shape = shape if shape is not None else tuple(int(x) for x in details["shape"])
    dtype = details["dtype"]
    if details["name"] in VALID_INTEGERS:
        return rng.integers(*VALID_INTEGERS[details["name"]], shape).astype(dtype)
    if np.issubdtype(dtype, np.floating):
        return rng.standard_normal(shape).astype(dtype)
    if dtype == np.bool_:
        return rng.integers(0, 2, shape).astype(np.bool_)
    return rng.integers(-50, 50, shape).astype(dtype)


def run_primary(interp, inputs):
    for d, value in zip(interp.get_input_details(), inputs):
        if tuple(d["shape"]) != value.shape:
            interp.resize_tensor_input(d["index"], value.shape)
    interp.allocate_tensors()
    for d, value in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], value)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


def assert_close(got, ref, context):
    assert got.dtype == ref.dtype and got.shape == ref.shape, context
    if np.issubdtype(ref.dtype, np.floating):
        scale = max(1.0, float(np.max(np.abs(ref))) if ref.size else 1.0)
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-5 * scale, err_msg=context)
    else:
        np.testing.assert_array_equal(got, ref, err_msg=context)


@pytest.mark.parametrize("name", RUNNABLE)
def test_real_model_matches_litert(name):
    content = read(name)
    oracle.assert_same_signatures(content)
    ref, got = oracle.litert(content), oracle.ours(content)
    rng = np.random.default_rng(7)
    # The interpreter-level (index-based) API on the primary subgraph.
    assert [d["name"] for d in got.get_input_details()] == [d["name"] for d in ref.get_input_details()]
    assert [d["index"] for d in got.get_output_details()] == [d["index"] for d in ref.get_output_details()]
    shapes = INPUT_SHAPES.get(name) or [None] * len(ref.get_input_details())
    inputs = [random_for(d, rng, shape) for d, shape in zip(ref.get_input_details(), shapes)]
    for i, (g, r) in enumerate(zip(run_primary(got, inputs), run_primary(ref, inputs))):
        assert_close(g, r, f"{name} output {i}")
    # Every signature, called twice on the same runner.
    for key in ref.get_signature_list():
        rr, gr = ref.get_signature_runner(key), got.get_signature_runner(key)
        for call in range(2):
            feed = {n: random_for(d, rng) for n, d in rr.get_input_details().items()}
            r_out, g_out = rr(**feed), gr(**feed)
            assert list(g_out) == list(r_out)
            for out_name in r_out:
                assert_close(g_out[out_name], r_out[out_name], f"{name} {key} call {call} {out_name}")


def test_person_detect_runs_where_litert_refuses_its_metadata():
    """TFLM's person_detect gives its depthwise biases (rank 1, one scale per element) the filter's
    quantized_dimension 3. LiteRT refuses the file ("quantized_dimension" check); sigrun reads such scales
    along the only axis (kernels never read a bias's scales). With that dimension set to 0 in a copy, LiteRT
    runs it, and sigrun's results on the original file equal LiteRT's on the copy bit for bit."""
    from ai_edge_litert import schema_py_generated as S
    import flatbuffers

    content = read("person_detect.tflite")
    with pytest.raises(ValueError, match="quantized_dimension"):
        oracle.litert(content)
    model = S.ModelT.InitFromObj(S.Model.GetRootAsModel(content, 0))
    fixed_count = 0
    for sg in model.subgraphs:
        for t in sg.tensors:
            q = t.quantization
            if q is not None and q.scale is not None and len(q.scale) > 1 and len(t.shape) == 1 and q.quantizedDimension:
                q.quantizedDimension = 0
                fixed_count += 1
    assert fixed_count > 0
    builder = flatbuffers.Builder(len(content))
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    ref, got = oracle.litert(bytes(builder.Output())), oracle.ours(content)
    rng = np.random.default_rng(11)
    for _ in range(3):
        x = rng.integers(-128, 128, (1, 96, 96, 1)).astype(np.int8)
        (g,) = run_primary(got, [x])
        (r,) = run_primary(ref, [x])
        np.testing.assert_array_equal(g, r)


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_broken_or_unsupported_model_is_rejected(name):
    error, fragment = REJECTED[name]
    with pytest.raises(error, match=fragment):
        sigrun.Interpreter(model_content=read(name)).allocate_tensors()


def test_dynamic_batch_resized_through_runner():
    content = read("multi_signatures.bin")  # x: float32[-1]
    for n in (1, 3, 17, 0):
        x = np.arange(n, dtype=np.float32)
        ref, got = oracle.run_both(content, {"x": x}, "sub")
        oracle.assert_outputs_close(ref, got, context=f"batch {n}")
        assert got["output_0"].shape == (n,)


def test_while_loop_forwarding_a_string_input():
    """while_op_with_forwarding_input.bin: a WHILE loop counts to num_iterations and carries a string input through
    unchanged. The int32 outputs are compared with LiteRT; LiteRT's Python get_tensor cannot read the string output
    once the loop has run ("Invalid tensor size"), so that one is checked against the input it forwards."""
    content = read("while_op_with_forwarding_input.bin")
    ref, got = oracle.litert(content), oracle.ours(content)
    for interp in (ref, got):
        interp.allocate_tensors()
    for n, word in ((3, b"ab"), (0, b""), (5, b"hello world")):
        for interp in (ref, got):
            by_name = {d["name"]: d["index"] for d in interp.get_input_details()}
            interp.set_tensor(by_name["num_iterations"], np.array([n], np.int32))
            interp.set_tensor(by_name["increment_value"], np.array([word]))
            interp.invoke()
        outs = got.get_output_details()
        for d in outs[:2]:
            assert_close(got.get_tensor(d["index"]), ref.get_tensor(d["index"]), f"n={n} {d['name']}")
        assert got.get_tensor(outs[2]["index"]).tolist() == [word]
        try:  # readable in LiteRT only when the loop did not run
            assert ref.get_tensor(outs[2]["index"]).tolist() == [word]
        except ValueError as e:
            assert "Invalid tensor size" in str(e) and n > 0


def test_melspectrogram_resized_matches_litert():
    """openWakeWord's melspectrogram stores a [1,1] input (signature [-1,-1]) that its first CONV_2D cannot
    take (both runtimes refuse it, see REJECTED); resized to audio lengths it runs, and matches LiteRT."""
    content = read("melspectrogram.tflite")
    ref, got = oracle.litert(content), oracle.ours(content)
    rng = np.random.default_rng(3)
    for samples in (1760, 4000):
        x = (rng.standard_normal((1, samples)) * 1000).astype(np.float32)
        outs = []
        for interp in (ref, got):
            index = interp.get_input_details()[0]["index"]
            interp.resize_tensor_input(index, [1, samples])
            interp.allocate_tensors()
            interp.set_tensor(index, x)
            interp.invoke()
            outs.append(interp.get_tensor(interp.get_output_details()[0]["index"]))
        r, g = outs
        assert g.shape == r.shape and g.shape[2] > 1, samples
        # log-mel values up to ~100; LiteRT's BATCH_MATMUL sums in another order: 1e-5 relative to the scale.
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-5 * float(np.max(np.abs(r))))


def test_segment_sum_invalid_buffer_is_refused_at_load():
    """LiteRT's segment_sum_invalid_buffer.bin: SEGMENT_SUM reads tensor 2 ("pyx/y"), which has no buffer, is no
    input and no operator writes. LiteRT allocates it and fails at invoke ("Input tensor 2 lacks data"); sigrun
    refuses the file at load (it used to plan the tensor and read whatever the arena held)."""
    content = read("segment_sum_invalid_buffer.bin")
    ref = oracle.litert(content)
    ref.allocate_tensors()
    with pytest.raises(RuntimeError, match="Input tensor 2 lacks data"):
        ref.invoke()
    with pytest.raises(ValueError, match=r'operator 0 \(SEGMENT_SUM\): input 1 is tensor 2 \("pyx/y"\), which has no data'):
        sigrun.Interpreter(model_content=content)
