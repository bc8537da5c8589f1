"""Builds the hostile SavedModels of tests/convert/test_lower.c: a tiny real SavedModel (one signature calling a
nested function, no variables) whose saved_model.pb is then edited into graphs no TensorFlow writer produces —
recursion, cycles, dangling references, absurd attributes and shapes — each of which the converter must refuse
with an error naming the place, never crash on.

    /work/main/.venv/bin/python tests/convert/make_hostile_saved_models.py [OUT_DIR]
        (default tests/data/saved_models/hostile; writes CASE.pb for every case below)

The save/restore functions and the saver nodes are stripped first, so each file is a few kilobytes.
"""
import copy
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402
from tensorflow.core.framework import tensor_pb2  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402


def base_model():
    class M(tf.Module):
        @tf.function
        def helper(self, x):
            return x * 2.0 + 1.0

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
        def f(self, x):
            return {"y": tf.nn.relu(self.helper(x))}

    m = M()
    with tempfile.TemporaryDirectory() as tmp:
        tf.saved_model.save(m, tmp, signatures={"serving_default": m.f})
        sm = saved_model_pb2.SavedModel()
        with open(os.path.join(tmp, "saved_model.pb"), "rb") as f:
            sm.ParseFromString(f.read())
    mg = sm.meta_graphs[0]
    lib = mg.graph_def.library
    keep = [fn for fn in lib.function if "traced" not in fn.signature.name]
    del lib.function[:]
    lib.function.extend(keep)
    keep_nodes = [n for n in mg.graph_def.node if n.name in ("serving_default_x", "PartitionedCall", "NoOp")]
    del mg.graph_def.node[:]
    mg.graph_def.node.extend(keep_nodes)
    return sm


def functions(sm):
    return {fn.signature.name: fn for fn in sm.meta_graphs[0].graph_def.library.function}


def helper(sm):
    """The nested function the user function calls (Mul then AddV2)."""
    return functions(sm)[node(caller(sm), "PartitionedCall").attr["f"].func.name]


def node(fn, name):
    return next(n for n in fn.node_def if n.name == name)


def caller(sm):
    """The user function (calls helper, applies Relu)."""
    return next(fn for fn in functions(sm).values() if any(n.op == "Relu" for n in fn.node_def))


def wrapper(sm):
    return next(fn for fn in functions(sm).values() if "signature_wrapper" in fn.signature.name)


def const_tensor(dtype, shape, values=None, content=None):
    t = tensor_pb2.TensorProto(dtype=dtype)
    for d in shape:
        t.tensor_shape.dim.add().size = d
    if content is not None:
        t.tensor_content = content
    elif values is not None:
        if dtype == tf.int32.as_datatype_enum:
            t.int_val.extend(values)
        else:
            t.float_val.extend(values)
    return t


def add_const(fn, name, tensor):
    n = fn.node_def.add(name=name, op="Const")
    n.attr["dtype"].type = tensor.dtype
    n.attr["value"].tensor.CopyFrom(tensor)
    return n


def add_op_def(sm, name, build):
    """Adds an OpDef to stripped_op_list (for ops the base model does not use)."""
    ops = sm.meta_graphs[0].meta_info_def.stripped_op_list.op
    if any(o.name == name for o in ops):
        return
    o = ops.add(name=name)
    build(o)


def reroute_helper_output(fn, node_name, out_arg):
    """Makes helper's result (its Identity) read node_name instead of add."""
    node(fn, "Identity").input[0] = f"{node_name}:{out_arg}:0"


# ---- the cases ----

def case_self_call(sm):
    """helper calls itself: unbounded inlining."""
    h = helper(sm)
    n = h.node_def.add(name="again", op="PartitionedCall", input=["add:z:0"])
    n.attr["f"].func.name = h.signature.name
    n.attr["Tin"].list.type.append(tf.float32.as_datatype_enum)
    n.attr["Tout"].list.type.append(tf.float32.as_datatype_enum)
    reroute_helper_output(h, "again", "output")


def case_mutual_call(sm):
    """helper calls the signature wrapper, which calls the user function, which calls helper."""
    h = helper(sm)
    w = wrapper(sm)
    n = h.node_def.add(name="back", op="StatefulPartitionedCall", input=["add:z:0"])
    n.attr["f"].func.name = w.signature.name
    n.attr["Tin"].list.type.append(tf.float32.as_datatype_enum)
    n.attr["Tout"].list.type.append(tf.float32.as_datatype_enum)
    reroute_helper_output(h, "back", "output")


def case_cycle(sm):
    """mul reads add, add reads mul."""
    node(helper(sm), "mul").input[0] = "add:z:0"


def case_self_loop(sm):
    """add reads itself."""
    node(helper(sm), "add").input[0] = "add:z:0"


def case_dangling_input(sm):
    node(helper(sm), "add").input[0] = "nowhere:z:0"


def case_bad_out_arg(sm):
    node(helper(sm), "add").input[0] = "mul:nonsense:0"


def case_bad_out_index(sm):
    node(helper(sm), "add").input[0] = "mul:z:7"


def case_missing_function(sm):
    node(caller(sm), "PartitionedCall").attr["f"].func.name = "__inference_not_there_1"


def case_arity_mismatch(sm):
    """The call passes two arguments to a one-parameter function."""
    c = caller(sm)
    n = node(c, "PartitionedCall")
    n.input.append("x")
    n.attr["Tin"].list.type.append(tf.float32.as_datatype_enum)


def case_deep_calls(sm):
    """A chain of 70 functions each calling the next: deeper than the converter follows (64)."""
    lib = sm.meta_graphs[0].graph_def.library
    h = helper(sm)
    previous = h.signature.name
    for i in range(70):
        fn = copy.deepcopy(caller(sm))
        fn.signature.name = f"__inference_level_{i}"
        node(fn, "PartitionedCall").attr["f"].func.name = previous
        lib.function.append(fn)
        previous = fn.signature.name
    node(caller(sm), "PartitionedCall").attr["f"].func.name = previous


def case_reshape_negative(sm):
    """Reshape to [-5, 2]."""
    h = helper(sm)
    add_const(h, "shape", const_tensor(tf.int32.as_datatype_enum, [2], [-5, 2]))
    n = h.node_def.add(name="reshape", op="Reshape", input=["add:z:0", "shape:output:0"])
    n.attr["T"].type = tf.float32.as_datatype_enum
    n.attr["Tshape"].type = tf.int32.as_datatype_enum
    add_op_def(sm, "Reshape", lambda o: (o.input_arg.add(name="tensor", type_attr="T"),
                                         o.input_arg.add(name="shape", type_attr="Tshape"),
                                         o.output_arg.add(name="output", type_attr="T")))
    reroute_helper_output(h, "reshape", "output")


def case_reshape_too_many_dims(sm):
    """Reshape to a rank-12 shape."""
    h = helper(sm)
    add_const(h, "shape", const_tensor(tf.int32.as_datatype_enum, [12], [1] * 11 + [-1]))
    n = h.node_def.add(name="reshape", op="Reshape", input=["add:z:0", "shape:output:0"])
    n.attr["T"].type = tf.float32.as_datatype_enum
    n.attr["Tshape"].type = tf.int32.as_datatype_enum
    add_op_def(sm, "Reshape", lambda o: (o.input_arg.add(name="tensor", type_attr="T"),
                                         o.input_arg.add(name="shape", type_attr="Tshape"),
                                         o.output_arg.add(name="output", type_attr="T")))
    reroute_helper_output(h, "reshape", "output")


def case_huge_dim(sm):
    """A Fill of [2^40, 4]: a dim LiteRT cannot represent."""
    h = helper(sm)
    t = tensor_pb2.TensorProto(dtype=tf.int64.as_datatype_enum)
    t.tensor_shape.dim.add().size = 2
    t.int64_val.extend([1 << 40, 4])
    add_const(h, "dims", t)
    add_const(h, "value", const_tensor(tf.float32.as_datatype_enum, [], [1.0]))
    n = h.node_def.add(name="fill", op="Fill", input=["dims:output:0", "value:output:0"])
    n.attr["T"].type = tf.float32.as_datatype_enum
    n.attr["index_type"].type = tf.int64.as_datatype_enum
    add_op_def(sm, "Fill", lambda o: (o.input_arg.add(name="dims", type_attr="index_type"),
                                      o.input_arg.add(name="value", type_attr="T"),
                                      o.output_arg.add(name="output", type_attr="T")))
    m = h.node_def.add(name="mix", op="AddV2", input=["add:z:0", "fill:output:0"])
    m.attr["T"].type = tf.float32.as_datatype_enum
    reroute_helper_output(h, "mix", "z")


def case_gather_out_of_range(sm):
    h = helper(sm)
    add_const(h, "params", const_tensor(tf.float32.as_datatype_enum, [3], [1.0, 2.0, 3.0]))
    add_const(h, "indices", const_tensor(tf.int32.as_datatype_enum, [1], [1000]))
    add_const(h, "axis", const_tensor(tf.int32.as_datatype_enum, [], [0]))
    n = h.node_def.add(name="gather", op="GatherV2", input=["params:output:0", "indices:output:0", "axis:output:0"])
    n.attr["Tparams"].type = tf.float32.as_datatype_enum
    n.attr["Tindices"].type = tf.int32.as_datatype_enum
    n.attr["Taxis"].type = tf.int32.as_datatype_enum
    add_op_def(sm, "GatherV2", lambda o: (o.input_arg.add(name="params", type_attr="Tparams"),
                                          o.input_arg.add(name="indices", type_attr="Tindices"),
                                          o.input_arg.add(name="axis", type_attr="Taxis"),
                                          o.output_arg.add(name="output", type_attr="Tparams")))
    m = h.node_def.add(name="mix", op="AddV2", input=["add:z:0", "gather:output:0"])
    m.attr["T"].type = tf.float32.as_datatype_enum
    reroute_helper_output(h, "mix", "z")


def case_strided_slice_zero_stride(sm):
    h = helper(sm)
    for name, v in (("begin", [0]), ("end", [1]), ("strides", [0])):
        add_const(h, name, const_tensor(tf.int32.as_datatype_enum, [1], v))
    n = h.node_def.add(name="slice", op="StridedSlice",
                       input=["add:z:0", "begin:output:0", "end:output:0", "strides:output:0"])
    n.attr["T"].type = tf.float32.as_datatype_enum
    n.attr["Index"].type = tf.int32.as_datatype_enum
    add_op_def(sm, "StridedSlice", lambda o: (o.input_arg.add(name="input", type_attr="T"),
                                              o.input_arg.add(name="begin", type_attr="Index"),
                                              o.input_arg.add(name="end", type_attr="Index"),
                                              o.input_arg.add(name="strides", type_attr="Index"),
                                              o.output_arg.add(name="output", type_attr="T")))
    reroute_helper_output(h, "slice", "output")


def case_conv_bad_filter(sm):
    """Conv2D whose filter is a vector and whose strides are zero."""
    h = helper(sm)
    add_const(h, "filter", const_tensor(tf.float32.as_datatype_enum, [4], [1.0, 2.0, 3.0, 4.0]))
    n = h.node_def.add(name="conv", op="Conv2D", input=["add:z:0", "filter:output:0"])
    n.attr["T"].type = tf.float32.as_datatype_enum
    n.attr["strides"].list.i.extend([1, 0, 0, 1])
    n.attr["padding"].s = b"SAME"
    add_op_def(sm, "Conv2D", lambda o: (o.input_arg.add(name="input", type_attr="T"),
                                        o.input_arg.add(name="filter", type_attr="T"),
                                        o.output_arg.add(name="output", type_attr="T")))
    reroute_helper_output(h, "conv", "output")


def case_unknown_op(sm):
    """Two ops the converter has no lowering for: one no TF release has, and Erf outside a GELU."""
    h = helper(sm)
    n = h.node_def.add(name="mystery", op="NoSuchOp", input=["add:z:0"])
    n.attr["T"].type = tf.float32.as_datatype_enum
    add_op_def(sm, "NoSuchOp", lambda o: (o.input_arg.add(name="x", type_attr="T"),
                                          o.output_arg.add(name="y", type_attr="T")))
    e = h.node_def.add(name="erf", op="Erf", input=["mul:z:0"])
    e.attr["T"].type = tf.float32.as_datatype_enum
    add_op_def(sm, "Erf", lambda o: (o.input_arg.add(name="x", type_attr="T"), o.output_arg.add(name="y", type_attr="T")))
    m = h.node_def.add(name="mix", op="AddV2", input=["erf:y:0", "mystery:y:0"])
    m.attr["T"].type = tf.float32.as_datatype_enum
    reroute_helper_output(h, "mix", "z")


CASES = {name[len("case_"):]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data", "saved_models",
                                                                "hostile")
    os.makedirs(out, exist_ok=True)
    base = base_model()
    with open(os.path.join(out, "base.pb"), "wb") as f:
        f.write(base.SerializeToString())
    for name, edit in CASES.items():
        sm = copy.deepcopy(base)
        edit(sm)
        with open(os.path.join(out, name + ".pb"), "wb") as f:
            f.write(sm.SerializeToString())
        print(name)


if __name__ == "__main__":
    main()
