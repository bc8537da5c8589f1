"""Builds the small real SavedModels the converter's C tests read, and what TensorFlow says about each.

    /work/main/.venv/bin/python tests/convert/make_saved_models.py [OUT_DIR [NAME...]]
                                                      (default tests/data/saved_models and the small models)
    build/test_saved_model OUT_DIR/ NAME...           (checks models kept outside the repository)

For every model NAME it writes OUT_DIR/NAME/ (the SavedModel as tf.saved_model.save / model.export wrote it) and
OUT_DIR/NAME.expected.txt with TensorFlow's own view of it, which tests/convert/test_saved_model.c compares
against sigrun's reader. The text form (one record per line, space-separated tokens, see write_expected) is
there so the C test needs no JSON parser. What it holds:
  signatures   key -> method_name, inputs/outputs (key -> TensorInfo name, dtype enum, shape), and "captures":
               the values TF's loader bound to the signature's captured inputs, in capture order (read through the
               restored resource handles of tf.saved_model.load, so TF's own object-graph matching is the oracle)
  checkpoint   every tensor of variables/ (key -> dtype enum, shape, flat values) via tf.train.load_checkpoint
  consts       Const nodes of the function library (function, node, dtype, shape, flat values; strings as hex)
               decoded by tensor_util.MakeNdarray
  inputs       for function-body nodes, each data input resolved to "node:flat_index" by TF's
               function_def_to_graph (the oracle for "node:out_arg:K" resolution)
  attrs        for nodes whose op has defaulted attrs: the effective value (node's own or the OpDef default)
  objects      the number of SavedObjects; variables: object id -> checkpoint key, from TF's object graphs
The models are kept to a few kilobytes of weights.
"""
import os
import shutil
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.protobuf import saved_model_pb2  # noqa: E402
from tensorflow.core.protobuf import trackable_object_graph_pb2  # noqa: E402
from tensorflow.python.framework import function_def_to_graph  # noqa: E402
from tensorflow.python.framework import tensor_util  # noqa: E402

import keras  # noqa: E402


# ---- the models ----

def make_encode_decode(path):
    """The signatures guide's module: string encode/decode, no variables (PartitionedCall)."""

    class Model(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.float32)])
        def encode(self, x):
            result = tf.strings.as_string(x)
            return {"encoded_result": result}

        @tf.function(input_signature=[tf.TensorSpec(shape=[None], dtype=tf.string)])
        def decode(self, x):
            result = tf.strings.to_number(x)
            return {"decoded_result": result}

    m = Model()
    tf.saved_model.save(m, path, signatures={"encode": m.encode.get_concrete_function(),
                                             "decode": m.decode.get_concrete_function()})


def make_dense(path):
    """A Keras Sequential of Dense layers exported with model.export (signatures serve and serving_default)."""
    keras.utils.set_random_seed(1)
    model = keras.Sequential([keras.Input((5,), name="features"), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.export(path)


def make_conv(path):
    """A small Keras conv net: Conv2D, BatchNormalization, ReLU6, MaxPool, DepthwiseConv2D, pooling, Dense."""
    keras.utils.set_random_seed(2)
    inp = keras.Input((8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same")(inp)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU(6.0)(x)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    out = keras.layers.Dense(2, name="logits")(x)
    model = keras.Model(inp, out)
    # Non-trivial BatchNorm statistics, so moving mean/variance are not just zeros and ones.
    bn = model.layers[2]
    bn.moving_mean.assign(np.linspace(-0.5, 0.5, 4).astype(np.float32))
    bn.moving_variance.assign(np.linspace(0.5, 2.0, 4).astype(np.float32))
    model.export(path)


def make_train(path):
    """A module whose `train` signature assigns its variable and whose `infer` signature reads it."""

    class Trainable(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable([1.0, 2.0, 3.0], name="w")
            self.steps = tf.Variable(0, dtype=tf.int64, name="steps")

        @tf.function(input_signature=[tf.TensorSpec([3], tf.float32, name="grad")])
        def train(self, grad):
            self.w.assign_sub(0.1 * grad)
            self.steps.assign_add(1)
            return {"w": tf.identity(self.w), "steps": tf.identity(self.steps)}

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
        def infer(self, x):
            return {"y": tf.reduce_sum(x * self.w, axis=1)}

    m = Trainable()
    tf.saved_model.save(m, path, signatures={"train": m.train, "infer": m.infer})


def make_multi(path):
    """Three signatures sharing one variable, with list-valued ops (Split, Unpack, ConcatV2, Unique, a nested
    function call with two results) so "node:out_arg:K" resolution meets lists, and a captured constant."""

    class Multi(tf.Module):
        def __init__(self):
            super().__init__()
            self.shared = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="shared")
            self.table = {"scale": tf.Variable(np.float32(0.5), name="scale")}
            self.offsets = tf.constant([1.0, -1.0, 0.25], name="offsets")

        @tf.function
        def helper(self, x):
            return x * 2.0, x - 1.0

        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32, name="x")])
        def add(self, x):
            a, b = self.helper(x)
            return {"sum": x + self.shared[0] + self.offsets, "pair": a + b}

        @tf.function(input_signature=[tf.TensorSpec([2, 3], tf.float32, name="x")])
        def mul(self, x):
            parts = tf.split(x * self.shared * self.table["scale"], 3, axis=1)
            rows = tf.unstack(x, axis=0)
            return {"joined": tf.concat([parts[2], parts[0], tf.stack([rows[1], rows[0]])], axis=1)}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.int32, name="ids")])
        def uniq(self, ids):
            values, idx = tf.unique(ids)
            return {"values": values, "idx": idx}

    m = Multi()
    tf.saved_model.save(m, path, signatures={"add": m.add, "mul": m.mul, "uniq": m.uniq})


def make_mobilenet_v2(path):
    """Large (not committed): Keras MobileNetV2, random weights, for scale checks of the reader."""
    keras.utils.set_random_seed(3)
    keras.applications.MobileNetV2(weights=None, input_shape=(96, 96, 3), alpha=0.35, classes=10).export(path)


def make_lstm(path):
    """A Keras LSTM: a While loop whose cond/body functions use ops (Less, LogicalAnd, TensorListGetItem...) that
    TF leaves out of stripped_op_list, so "node:out_arg:K" there needs the reader's registry fallback."""
    keras.utils.set_random_seed(4)
    inp = keras.Input((5, 3), name="seq")
    out = keras.layers.Dense(2)(keras.layers.LSTM(4)(inp))
    keras.Model(inp, out).export(path)


def make_attention(path):
    """Not committed: Keras MultiHeadAttention + LayerNormalization (Einsum, moments)."""
    keras.utils.set_random_seed(5)
    inp = keras.Input((4, 8), name="tokens")
    x = keras.layers.MultiHeadAttention(num_heads=2, key_dim=4)(inp, inp)
    out = keras.layers.LayerNormalization()(x + inp)
    keras.Model(inp, out).export(path)


MODELS = {
    "encode_decode": make_encode_decode,
    "dense": make_dense,
    "conv": make_conv,
    "train": make_train,
    "multi": make_multi,
    "lstm": make_lstm,
}
EXTRA_MODELS = {
    "mobilenet_v2": make_mobilenet_v2,
    "attention": make_attention,
}


# ---- TensorFlow's view ----

def shape_list(shape_proto):
    if shape_proto.unknown_rank:
        return None
    return [d.size for d in shape_proto.dim]


def flat_values(arr):
    arr = np.asarray(arr)
    if arr.dtype.kind in "SO":
        return [bytes(v).hex() for v in arr.reshape(-1)]
    if arr.dtype == np.bool_:
        return [int(v) for v in arr.reshape(-1)]
    if arr.dtype.kind == "f":
        return [float(v) for v in arr.reshape(-1)]
    return [int(v) for v in arr.reshape(-1)]


def tensor_info(info):
    return {"name": info.name, "dtype": int(info.dtype), "shape": shape_list(info.tensor_shape)}


def captures(path, key):
    """Values TF's loader bound to the captured inputs of signature key, in capture order."""
    loaded = tf.saved_model.load(path)
    fn = loaded.signatures[key]
    out = []
    for handle in fn.captured_inputs:
        if handle.dtype == tf.resource:
            dtype = None
            for v in loaded.variables if hasattr(loaded, "variables") else []:
                if v.handle is handle:
                    dtype = v.dtype
            if dtype is None:
                # The handle's dtype lives in its handle data; try the usual dtypes in turn.
                for candidate in (tf.float32, tf.int64, tf.int32):
                    try:
                        value = tf.raw_ops.ReadVariableOp(resource=handle, dtype=candidate)
                        dtype = candidate
                        break
                    except Exception:  # noqa: BLE001 - wrong guess, next dtype
                        continue
            value = tf.raw_ops.ReadVariableOp(resource=handle, dtype=dtype).numpy()
            out.append({"kind": "variable", "dtype": int(dtype.as_datatype_enum), "shape": list(value.shape),
                        "values": flat_values(value)})
        else:
            value = handle.numpy()
            out.append({"kind": "constant", "dtype": int(handle.dtype.as_datatype_enum), "shape": list(value.shape),
                        "values": flat_values(value)})
    return out


def checkpoint(path):
    reader = tf.train.load_checkpoint(os.path.join(path, "variables", "variables"))
    out = {}
    for key, dtype in sorted(reader.get_variable_to_dtype_map().items()):
        if key == "_CHECKPOINTABLE_OBJECT_GRAPH":
            continue
        value = reader.get_tensor(key)
        out[key] = {"dtype": int(dtype.as_datatype_enum), "shape": list(np.shape(value)), "values": flat_values(value)}
    return out


def object_keys(path, meta):
    """SavedObject id -> checkpoint key, by TF's own pairing of the two object graphs (node ids coincide in TF's
    writer; this records what it wrote so the C walk can be checked against it)."""
    reader = tf.train.load_checkpoint(os.path.join(path, "variables", "variables"))
    graph = trackable_object_graph_pb2.TrackableObjectGraph()
    graph.ParseFromString(reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    saved = meta.object_graph_def.nodes
    keys = {}
    queue = [(0, 0)]
    seen = {0}
    while queue:
        s, t = queue.pop(0)
        for attr in graph.nodes[t].attributes:
            if attr.name == "VARIABLE_VALUE" and saved[s].WhichOneof("kind") == "variable":
                keys[str(s)] = attr.checkpoint_key
        by_name = {}
        for child in saved[s].children:
            by_name.setdefault(child.local_name, child.node_id)
        for child in graph.nodes[t].children:
            sid = by_name.get(child.local_name)
            if sid is not None and sid not in seen:
                seen.add(sid)
                queue.append((sid, child.node_id))
    return keys


def library_facts(meta):
    consts, inputs, attrs = [], [], []
    ops = {op.name: op for op in meta.meta_info_def.stripped_op_list.op}
    for f in meta.graph_def.library.function:
        name = f.signature.name
        for node in f.node_def:
            if node.op == "Const" and "value" in node.attr:
                value = tensor_util.MakeNdarray(node.attr["value"].tensor)
                if value.size <= 4096:
                    consts.append({"function": name, "node": node.name, "dtype": int(node.attr["value"].tensor.dtype),
                                   "shape": list(value.shape), "values": flat_values(value)})
            op = ops.get(node.op)
            if op is None:
                continue
            for attr_def in op.attr:
                if not attr_def.HasField("default_value"):
                    continue
                value = node.attr[attr_def.name] if attr_def.name in node.attr else attr_def.default_value
                kind = value.WhichOneof("value")
                entry = {"function": name, "node": node.name, "attr": attr_def.name, "kind": kind,
                         "stripped": attr_def.name not in node.attr}
                if kind == "s":
                    entry["value"] = value.s.hex()
                elif kind in ("i", "b", "type"):
                    entry["value"] = int(getattr(value, kind))
                elif kind == "f":
                    entry["value"] = float(value.f)
                elif kind == "list":
                    entry["value"] = [int(v) for v in value.list.i]
                else:
                    continue
                attrs.append(entry)
        # TF's FunctionDef -> GraphDef rewrite flattens "node:out_arg:K" to "node:flat"; it needs the library's
        # functions registered, hence the import of the whole graph first.
        with tf.Graph().as_default():
            tf.graph_util.import_graph_def(meta.graph_def, name="")
            graph_def, _ = function_def_to_graph.function_def_to_graph_def(f)
        body = {n.name for n in f.node_def}
        for node in graph_def.node:
            if node.name in body:
                inputs.append({"function": name, "node": node.name,
                               "inputs": [i for i in node.input if not i.startswith("^")]})
    return consts, inputs, attrs


def expected(path):
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(path, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    meta = sm.meta_graphs[0]
    sigs = {}
    for key, sig in sorted(meta.signature_def.items()):
        entry = {"method_name": sig.method_name,
                 "inputs": {k: tensor_info(v) for k, v in sorted(sig.inputs.items())},
                 "outputs": {k: tensor_info(v) for k, v in sorted(sig.outputs.items())}}
        if key != "__saved_model_init_op":
            entry["captures"] = captures(path, key)
        sigs[key] = entry
    consts, inputs, attrs = library_facts(meta)
    return {"tensorflow_version": tf.__version__, "signatures": sigs, "checkpoint": checkpoint(path),
            "objects": len(meta.object_graph_def.nodes), "variables": object_keys(path, meta),
            "graph_nodes": len(meta.graph_def.node), "functions": len(meta.graph_def.library.function),
            "consts": consts, "inputs": inputs, "attrs": attrs}


def shape_token(shape):
    return "?" if shape is None else "[" + ",".join(str(d) for d in shape) + "]"


def values_tokens(values):
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v if v else "-")  # hex of a string; "-" for the empty string
        elif isinstance(v, float):
            out.append(repr(v))
        else:
            out.append(str(v))
    return out


def write_expected(facts, path):
    """Record types (first token):
      count objects|graph_nodes|functions N
      signature KEY METHOD_NAME|-                  then for each input / output:
      input|output SIGNATURE KEY TENSOR_NAME DTYPE SHAPE
      capture SIGNATURE INDEX variable|constant DTYPE SHAPE VALUES...
      checkpoint KEY DTYPE SHAPE VALUES...         (strings as hex, "-" when empty)
      variable OBJECT_ID CHECKPOINT_KEY
      const FUNCTION NODE DTYPE SHAPE VALUES...
      inputs FUNCTION NODE FLAT_INPUTS...          ("node:K" for every data input, in order)
      attr FUNCTION NODE ATTR s|i|b|type|f|list STRIPPED(0/1) VALUE...   (s as hex, list as ints)
    SHAPE is [d0,d1,...], [] for a scalar, ? for an unknown rank."""
    lines = [f"count objects {facts['objects']}", f"count graph_nodes {facts['graph_nodes']}",
             f"count functions {facts['functions']}"]
    for key, sig in facts["signatures"].items():
        lines.append(f"signature {key} {sig['method_name'] or '-'}")
        for what in ("inputs", "outputs"):
            for k, info in sig[what].items():
                lines.append(f"{what[:-1]} {key} {k} {info['name']} {info['dtype']} {shape_token(info['shape'])}")
        for i, cap in enumerate(sig.get("captures", [])):
            lines.append(" ".join([f"capture {key} {i} {cap['kind']} {cap['dtype']} {shape_token(cap['shape'])}"] +
                                  values_tokens(cap["values"])))
    for key, t in facts["checkpoint"].items():
        lines.append(" ".join([f"checkpoint {key} {t['dtype']} {shape_token(t['shape'])}"] +
                              values_tokens(t["values"])))
    for obj, key in sorted(facts["variables"].items(), key=lambda kv: int(kv[0])):
        lines.append(f"variable {obj} {key}")
    for c in facts["consts"]:
        lines.append(" ".join([f"const {c['function']} {c['node']} {c['dtype']} {shape_token(c['shape'])}"] +
                              values_tokens(c["values"])))
    for n in facts["inputs"]:
        lines.append(" ".join([f"inputs {n['function']} {n['node']}"] + n["inputs"]))
    for a in facts["attrs"]:
        value = a["value"] if isinstance(a["value"], list) else [a["value"]]
        if a["kind"] == "s":
            value = [v if v else "-" for v in value]
        lines.append(" ".join([f"attr {a['function']} {a['node']} {a['attr']} {a['kind']} {int(a['stripped'])}"] +
                              [repr(v) if isinstance(v, float) else str(v) for v in value]))
    for line in lines:
        if any(c.isspace() for tok in line.split(" ") for c in tok) or "  " in line:
            raise ValueError(f"token with white space in: {line!r}")
    with open(path, "w") as f:
        f.write("# written by tests/convert/make_saved_models.py from TensorFlow " + facts["tensorflow_version"] + "\n")
        f.write("\n".join(lines) + "\n")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data",
                                                                 "saved_models")
    os.makedirs(out_dir, exist_ok=True)
    names = sys.argv[2:] or list(MODELS)
    for name in names:
        make = MODELS.get(name) or EXTRA_MODELS[name]
        path = os.path.join(out_dir, name)
        shutil.rmtree(path, ignore_errors=True)
        make(path)
        facts = expected(path)
        write_expected(facts, os.path.join(out_dir, name + ".expected.txt"))
        size = sum(os.path.getsize(os.path.join(d, x)) for d, _, files in os.walk(path) for x in files)
        print(f"{name}: {size} bytes, {len(facts['signatures'])} signatures, {len(facts['checkpoint'])} tensors")


if __name__ == "__main__":
    main()
