"""Writes tests/data/broken/*.tflite: one malformed structure per file, for tests/unit/test_verifier.c.

Each case starts from the same small valid model (two float32 inputs, ADD with a constant, one signature
`serving_default`) built with the official schema bindings that ship with ai_edge_litert, changes one thing,
and records the fragment sigrun's error message must contain in tests/data/broken/EXPECTED.txt.
Regenerate with:  .venv/bin/python tests/data/make_broken_models.py
"""
import copy
import os

import flatbuffers
from ai_edge_litert import schema_py_generated as s

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "broken")


def tensor(name, shape, buffer=0, ttype=s.TensorType.FLOAT32):
    t = s.TensorT()
    t.name, t.shape, t.type, t.buffer = name, shape, ttype, buffer
    return t


def tensor_map(name, index):
    m = s.TensorMapT()
    m.name, m.tensorIndex = name, index
    return m


def valid_model():
    m = s.ModelT()
    m.version = 3
    code = s.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = s.BuiltinOperator.ADD
    code.version = 1
    m.operatorCodes = [code]
    empty, weights = s.BufferT(), s.BufferT()
    weights.data = list(bytes(24))  # six float32 zeros for a [2,3] constant
    m.buffers = [s.BufferT(), empty, weights]
    sg = s.SubGraphT()
    sg.name = "main"
    sg.tensors = [tensor("x", [2, 3], 1), tensor("c", [2, 3], 2), tensor("y", [2, 3], 0)]
    sg.inputs, sg.outputs = [0], [2]
    op = s.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, [0, 1], [2]
    op.builtinOptionsType = s.BuiltinOptions.AddOptions
    op.builtinOptions = s.AddOptionsT()
    sg.operators = [op]
    m.subgraphs = [sg]
    sig = s.SignatureDefT()
    sig.signatureKey, sig.subgraphIndex = "serving_default", 0
    sig.inputs, sig.outputs = [tensor_map("x", 0)], [tensor_map("y", 2)]
    m.signatureDefs = [sig]
    m.description = "sigrun verifier test"
    return m


def pack(m):
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def sparse_constant(m, sg, segments=(0, 1, 3), indices=(2, 0, 1), traversal=(0, 1), dense_size=2, values=3):
    """Makes the [2,3] constant sparse: row 0 keeps column 2, row 1 keeps columns 0 and 1 (CSR on dim 1)."""
    def index_vector(vals):
        v = s.Int32VectorT()
        v.values = list(vals)
        return v

    rows, cols = s.DimensionMetadataT(), s.DimensionMetadataT()
    rows.format, rows.denseSize = s.DimensionType.DENSE, dense_size
    cols.format = s.DimensionType.SPARSE_CSR
    cols.arraySegmentsType = cols.arrayIndicesType = s.SparseIndexVector.Int32Vector
    cols.arraySegments, cols.arrayIndices = index_vector(segments), index_vector(indices)
    sp = s.SparsityParametersT()
    sp.traversalOrder, sp.blockMap, sp.dimMetadata = list(traversal), [], [rows, cols]
    sg.tensors[1].sparsity = sp
    m.buffers[2].data = list(bytes(4 * values))


def add_opcode(m, builtin):
    code = s.OperatorCodeT()
    code.builtinCode = builtin
    code.deprecatedBuiltinCode = min(builtin, 127)
    code.version = 1
    m.operatorCodes.append(code)
    return len(m.operatorCodes) - 1


def add_if(m, sg, then_index, else_index, operand=2):
    """Appends `out = IF(cond, operand)` to sg, and a branch subgraph 1 (identity) if the model lacks one."""
    if len(m.subgraphs) < 2:
        branch = s.SubGraphT()
        branch.name = "branch"
        branch.tensors = [tensor("v", [2, 3])]
        branch.inputs, branch.outputs, branch.operators = [0], [0], []
        m.subgraphs.append(branch)
    sg.tensors.append(tensor("cond", [], 0, s.TensorType.BOOL))
    sg.tensors.append(tensor("if_out", [2, 3]))
    op = s.OperatorT()
    op.opcodeIndex = add_opcode(m, s.BuiltinOperator.IF)
    op.inputs, op.outputs = [len(sg.tensors) - 2, operand], [len(sg.tensors) - 1]
    op.builtinOptionsType = s.BuiltinOptions.IfOptions
    op.builtinOptions = s.IfOptionsT()
    op.builtinOptions.thenSubgraphIndex, op.builtinOptions.elseSubgraphIndex = then_index, else_index
    sg.operators.append(op)


def add_call_once(m, sg, init_index):
    op = s.OperatorT()
    op.opcodeIndex = add_opcode(m, s.BuiltinOperator.CALL_ONCE)
    op.inputs, op.outputs = [], []
    op.builtinOptionsType = s.BuiltinOptions.CallOnceOptions
    op.builtinOptions = s.CallOnceOptionsT()
    op.builtinOptions.initSubgraphIndex = init_index
    sg.operators.insert(0, op)


def case(name):
    m = valid_model()
    return m, m.subgraphs[0]


def main():
    os.makedirs(HERE, exist_ok=True)
    cases = []  # (file name, bytes, expected fragment)

    def add(name, model_or_bytes, expected):
        data = model_or_bytes if isinstance(model_or_bytes, bytes) else pack(model_or_bytes)
        cases.append((name, data, expected))

    add("valid", valid_model(), "")
    good = pack(valid_model())
    add("bad_identifier", good[:4] + b"XXXX" + good[8:], "model identifier is 'XXXX', expected 'TFL3'")
    add("tiny_file", good[:6], "too short")
    add("root_out_of_bounds", b"\xff\xff\x00\x00TFL3" + good[8:], "model root table")
    add("truncated", good[: len(good) // 2], "")  # any clean error; checked for no crash

    m, sg = case("version")
    m.version = 2
    add("version_2", m, "schema version is 2")
    m, sg = case("buffer_index")
    sg.tensors[1].buffer = 7
    add("buffer_index_out_of_range", m, "subgraph 0, tensor 1: buffer 7 is out of range (the model has 3 buffers)")
    m, sg = case("buffer_size")
    m.buffers[2].data = list(bytes(12))
    add("buffer_too_small", m, "subgraph 0, tensor 1: buffer 2 holds 12 bytes, shape [2,3] float32 needs 24")
    m, sg = case("opcode")
    sg.operators[0].opcodeIndex = 3
    add("opcode_index_out_of_range", m, "subgraph 0, operator 0: opcode_index 3 is out of range (1 operator codes)")
    m, sg = case("op_input")
    sg.operators[0].inputs = [0, 9]
    add("operator_input_out_of_range", m, "subgraph 0, operator 0: input 1 is tensor 9, but the subgraph has 3 tensors")
    m, sg = case("op_output")
    sg.operators[0].outputs = [-1]
    add("operator_output_negative", m, "subgraph 0, operator 0: output 0 is tensor -1")
    m, sg = case("sg_input")
    sg.inputs = [5]
    add("subgraph_input_out_of_range", m, "subgraph 0: input 0 is tensor 5, but the subgraph has 3 tensors")
    m, sg = case("sig_subgraph")
    m.signatureDefs[0].subgraphIndex = 4
    add("signature_subgraph_out_of_range", m, "signature 0 ('serving_default'): subgraph_index 4 is out of range (1 subgraphs)")
    m, sg = case("sig_tensor")
    m.signatureDefs[0].inputs[0].tensorIndex = 40
    add("signature_tensor_out_of_range", m, "input 'x' is tensor 40, but subgraph has 3 tensors")
    m, sg = case("dup_key")
    m.signatureDefs.append(copy.deepcopy(m.signatureDefs[0]))
    add("duplicate_signature_key", m, "signature key 'serving_default' appears twice")
    m, sg = case("dup_name")
    m.signatureDefs[0].inputs.append(tensor_map("x", 1))
    add("duplicate_input_name", m, "input name 'x' appears twice")
    m, sg = case("no_key")
    m.signatureDefs[0].signatureKey = None
    add("missing_signature_key", m, "signature 0: missing signature_key")
    m, sg = case("negative_dim")
    sg.tensors[0].shape = [2, -3]
    add("negative_dimension", m, "subgraph 0, tensor 0: shape dimension 1 is negative (-3)")
    m, sg = case("overflow")
    sg.tensors[0].shape = [2147483647, 2147483647, 2147483647]
    add("shape_overflow", m, "subgraph 0, tensor 0: shape element count overflows")
    m, sg = case("sig_rank")
    sg.tensors[0].shapeSignature = [-1]
    add("shape_signature_rank", m, "shape_signature has rank 1 but shape has rank 2")
    m, sg = case("rank9")
    sg.tensors[0].shape = [1] * 9
    add("rank_too_high", m, "shape has rank 9; sigrun supports ranks up to 8")
    m, sg = case("quant_count")
    q = s.QuantizationParametersT()
    q.scale, q.zeroPoint, q.quantizedDimension = [0.5, 0.25, 0.125], [0, 0, 0], 0
    sg.tensors[1].quantization = q
    add("per_channel_count", m, "3 per-channel scales, but dimension 0 has size 2")
    m, sg = case("quant_dim")
    q = s.QuantizationParametersT()
    q.scale, q.zeroPoint, q.quantizedDimension = [0.5, 0.25], [0, 0], 5
    sg.tensors[1].quantization = q
    add("quantized_dimension_out_of_range", m, "quantized_dimension 5 is outside rank 2")
    m, sg = case("zp_count")
    q = s.QuantizationParametersT()
    q.scale, q.zeroPoint = [0.5], [0, 1]
    sg.tensors[1].quantization = q
    add("zero_point_count", m, "quantization has 1 scales but 2 zero points")
    m, sg = case("write_const")
    sg.tensors.append(tensor("k", [2, 3], 2))  # a second constant, written by the ADD
    sg.operators[0].outputs = [3]
    add("output_is_constant", m, "subgraph 0, operator 0 (ADD): output 0 is tensor 3, which holds constant data")
    m, sg = case("in_place")
    sg.operators[0].outputs = [0]
    add("input_is_output", m, "subgraph 0, operator 0 (ADD): tensor 0 is both input 0 and output 0")
    m, sg = case("no_subgraphs")
    m.subgraphs = []
    m.signatureDefs = []
    add("no_subgraphs", m, "the model has no subgraphs")
    m, sg = case("type")
    sg.tensors[2].type = 99
    add("unknown_type", m, "subgraph 0, tensor 2: unknown tensor type 99")
    m, sg = case("offset")
    m.buffers[2].data = None
    m.buffers[2].offset, m.buffers[2].size = 1 << 40, 24
    add("buffer_offset_outside_file", m, "buffer 2: offset 1099511627776 + size 24 lies outside")
    m, sg = case("options_type")
    sg.operators[0].builtinOptionsType = s.BuiltinOptions.Conv2DOptions
    sg.operators[0].builtinOptions = s.Conv2DOptionsT()
    add("options_union_mismatch", m, "builtin options have union type 1, expected 11")

    m, sg = case("sparse")
    sparse_constant(m, sg)
    add("sparse_read_by_add", m, "input 1 is sparse tensor 1; sigrun reads sparse weights only through DENSIFY")
    m, sg = case("sparse_index")
    sparse_constant(m, sg, indices=(2, 0, 5))
    add("sparse_index_out_of_range", m, "subgraph 0, tensor 1: sparsity level 1 index 2 is 5, outside [0, 3)")
    m, sg = case("sparse_segments")
    sparse_constant(m, sg, segments=(0, 2, 1))
    add("sparse_segments_decreasing", m, "sparsity level 1 segment 2 is 1 (previous 2, 3 indices)")
    m, sg = case("sparse_order")
    sparse_constant(m, sg, traversal=(0, 0))
    add("sparse_traversal_not_permutation", m, "sparsity traversal_order[1] = 0 is not a permutation")
    m, sg = case("sparse_values")
    sparse_constant(m, sg, values=2)
    add("sparse_too_few_values", m, "sparse tensor addresses 3 values but its buffer holds 2")
    m, sg = case("sparse_dense")
    sparse_constant(m, sg, dense_size=3)
    add("sparse_dense_size_mismatch", m, "sparsity level 0 is DENSE with size 3, but the shape needs 2")
    m, sg = case("sparse_segments_count")
    sparse_constant(m, sg, segments=(0, 3))
    add("sparse_segment_count", m, "sparsity level 1 has 2 segments for 2 positions (needs 3)")

    # Control flow: subgraph references in range, no recursion (LiteRT overflows its stack on these).
    m, sg = case("if_range")
    add_if(m, sg, then_index=1, else_index=9)
    add("if_subgraph_out_of_range", m, "subgraph 0, operator 1 (IF): calls subgraph 9, but the model has 2 subgraphs")
    m, sg = case("if_self")
    add_if(m, sg, then_index=1, else_index=0)
    add("if_calls_itself", m, "subgraph 0 can call itself")
    m, sg = case("if_cycle")
    add_if(m, sg, then_index=1, else_index=1)
    add_if(m, m.subgraphs[1], then_index=0, else_index=1, operand=0)
    add("if_cycle_through_branch", m, "can call itself through IF/WHILE/CALL_ONCE/composite operators (recursion)")
    m, sg = case("call_once_self")
    add_call_once(m, sg, 0)
    add("call_once_calls_itself", m, "subgraph 0, operator 0 (CALL_ONCE): the initializer subgraph 0 is the calling subgraph")

    m, sg = case("two_producers")
    second = copy.deepcopy(sg.operators[0])
    sg.operators.append(second)
    add("tensor_produced_twice", m, "subgraph 0, operator 1 (ADD): output 0 is tensor 2, which operator 0 already produces")
    m, sg = case("string_const")
    bad = s.BufferT()
    bad.data = list((1).to_bytes(4, "little") + (12).to_bytes(4, "little") + (12).to_bytes(4, "little"))
    m.buffers.append(bad)
    sg.tensors.append(tensor("words", [2], len(m.buffers) - 1, s.TensorType.STRING))
    add("string_buffer_count_mismatch", m,
        "subgraph 0, tensor 3: buffer 3: string buffer holds 1 strings, expected 2 (the tensor's element count)")

    with open(os.path.join(HERE, "EXPECTED.txt"), "w") as f:
        f.write("# file<TAB>fragment the load error must contain (empty: valid, or any clean error for 'truncated')\n")
        for name, data, expected in cases:
            with open(os.path.join(HERE, name + ".tflite"), "wb") as out:
                out.write(data)
            f.write(f"{name}.tflite\t{expected}\n")
    print(f"wrote {len(cases)} models to {HERE}")


if __name__ == "__main__":
    main()
