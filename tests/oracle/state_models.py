"""Models and helpers for the issue-4 oracle tests (resource variables, CALL_ONCE, IF/WHILE, on-device
training, streaming state). Models come from the official converter through a SavedModel with resource
variables enabled and are cached per pytest session like oracle.py's; Pair replays one sequence of calls on
a LiteRT and a sigrun interpreter and compares every output of every call."""
import os
import tempfile

import flatbuffers
import numpy as np

import op_coverage
import oracle
import sigrun
from ai_edge_litert import schema_py_generated as schema

MODELS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "models")
BUILTINS = ("TFLITE_BUILTINS",)
WITH_FLEX = ("TFLITE_BUILTINS", "SELECT_TF_OPS")

_cache = {}
_OP_NAMES = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}


def real_model(name):
    with open(os.path.join(MODELS, name), "rb") as f:
        return f.read()


def ops_by_subgraph(content):
    """[(subgraph name, [operator name, ...])] over ALL subgraphs (the interpreter's _get_ops_details() only
    shows subgraph 0); custom operators read "CUSTOM:<code>"."""
    model = schema.Model.GetRootAsModel(content, 0)
    result = []
    for s in range(model.SubgraphsLength()):
        graph, ops = model.Subgraphs(s), []
        for i in range(graph.OperatorsLength()):
            code = model.OperatorCodes(graph.Operators(i).OpcodeIndex())
            builtin = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            if builtin == schema.BuiltinOperator.CUSTOM:
                ops.append("CUSTOM:" + code.CustomCode().decode())
            else:
                ops.append(_OP_NAMES[builtin])
        result.append(((graph.Name() or b"").decode(), ops))
    return result


def all_ops(content):
    return {op for _, ops in ops_by_subgraph(content) for op in ops}


def convert(cache_key, obj, names, ops=BUILTINS):
    """Saves obj (a tf.Module) with its tf.functions `names` as signatures and converts it with resource
    variables on (as LiteRT's on-device training guide does) and the given OpsSet names."""
    if cache_key in _cache:
        return _cache[cache_key]

    def make():
        tf = oracle._tf()
        signatures = {name: getattr(obj, name).get_concrete_function() for name in names}
        with tempfile.TemporaryDirectory() as tmp:
            tf.saved_model.save(obj, tmp, signatures=signatures)
            converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
            converter.experimental_enable_resource_variables = True
            converter.target_spec.supported_ops = [getattr(tf.lite.OpsSet, o) for o in ops]
            return converter.convert()
    # Also on disk when SIGRUN_ORACLE_CACHE is set (oracle.cached); the tuple keeps these keys apart in memory.
    _cache[cache_key] = oracle.cached(("state_models", cache_key), make, "state_models.convert", list(names), list(ops))
    return _cache[cache_key]


def without_call_once(content, subgraph_names=None):
    """The model with its CALL_ONCE operators removed (from the named subgraphs, or all): the initializer then
    never runs there, which makes LiteRT's read-before-assign and lazy-initialization behaviour observable."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
    for graph in model.subgraphs:
        if subgraph_names is not None and (graph.name or b"").decode() not in subgraph_names:
            continue
        graph.operators = [op for op in graph.operators
                           if model.operatorCodes[op.opcodeIndex].builtinCode != schema.BuiltinOperator.CALL_ONCE]
    builder = flatbuffers.Builder(len(content) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def interpreter_pair(content, resolver=None, **sigrun_options):
    """(LiteRT, sigrun) on one model; resolver picks another LiteRT op resolver than oracle.litert's
    (OpResolverType.BUILTIN_REF: LiteRT's reference kernels)."""
    op_coverage.note_model(content)
    if resolver is None:
        ref = oracle.litert(content)
    else:
        ref = oracle.LiteRTInterpreter(model_content=content, experimental_op_resolver_type=resolver)
    return ref, sigrun.Interpreter(model_content=content, **sigrun_options)


class Pair:
    """A LiteRT and a sigrun interpreter on one model, driven through the same signature calls; call()
    compares every output and returns LiteRT's, expect_error() checks that both fail."""

    def __init__(self, content, rtol=1e-5, atol=1e-6, resolver=None, **sigrun_options):
        self.ref, self.got = interpreter_pair(content, resolver, **sigrun_options)
        self.rtol, self.atol = rtol, atol
        self.calls = 0

    def call(self, key, context="", **inputs):
        self.calls += 1
        where = f"call {self.calls} {key!r} {context}"
        ref = self.ref.get_signature_runner(key)(**inputs)
        got = self.got.get_signature_runner(key)(**inputs)
        oracle.assert_outputs_close(ref, got, self.rtol, self.atol, context=where)
        return ref

    def expect_error(self, key, match=None, **inputs):
        """Both interpreters raise RuntimeError for this call; sigrun's message contains `match`."""
        self.calls += 1
        try:
            self.ref.get_signature_runner(key)(**inputs)
        except RuntimeError as e:
            ref_error = str(e)
        else:
            raise AssertionError(f"call {self.calls} {key!r}: LiteRT did not fail; the test's premise is wrong")
        try:
            self.got.get_signature_runner(key)(**inputs)
        except RuntimeError as e:
            got_error = str(e)
        else:
            raise AssertionError(f"call {self.calls} {key!r}: LiteRT failed ({ref_error[:200]}) but sigrun ran")
        if match is not None:
            assert match in got_error, f"sigrun's error {got_error!r} does not name {match!r}"
        return ref_error, got_error

    def reset_all_variables(self):
        self.ref.reset_all_variables()
        self.got.reset_all_variables()


def index_run(interp, inputs):
    """The index-based API on subgraph 0 (models without signatures): set every input, invoke, read every
    output. inputs are in get_input_details() order."""
    for detail, value in zip(interp.get_input_details(), inputs):
        interp.set_tensor(detail["index"], value)
    interp.invoke()
    return [interp.get_tensor(d["index"]) for d in interp.get_output_details()]


# --- converted models ----------------------------------------------------------------------------------

def _variables_module():
    tf = oracle._tf()

    class Variables(tf.Module):
        """Variables of four dtypes and three ranks, shared by every signature."""

        def __init__(self):
            self.f = tf.Variable([1.0, -2.0, 3.5], name="f")
            self.s = tf.Variable(5, dtype=tf.int32, name="s")
            self.l = tf.Variable([[1, 2, 3], [4, 5, 6]], dtype=tf.int64, name="l")
            self.b = tf.Variable([True, False, True], name="b")
            self.m = tf.Variable([[0.5, 1.0, 1.5], [2.0, 2.5, 3.0]], name="m")

        @tf.function(input_signature=[])
        def get(self):
            return {"f": self.f.read_value(), "s": self.s.read_value(), "l": self.l.read_value(),
                    "b": self.b.read_value(), "m": self.m.read_value()}

        @tf.function(input_signature=[tf.TensorSpec([3], tf.float32), tf.TensorSpec([], tf.int32)])
        def add(self, x, n):
            self.f.assign_add(x)
            self.s.assign_add(n)
            self.l.assign(self.l * 2 + tf.cast(n, tf.int64))
            self.b.assign(tf.logical_not(self.b))
            self.m.assign(self.m + x)
            return {"f": self.f.read_value(), "s": self.s.read_value()}

        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def scale(self, k):
            self.m.assign(self.m * k)
            self.f.assign(self.f * k)
            return {"m": self.m.read_value(), "total": tf.reduce_sum(self.m) + tf.reduce_sum(self.f)}

        @tf.function(input_signature=[tf.TensorSpec([3], tf.float32), tf.TensorSpec([], tf.int32),
                                      tf.TensorSpec([2, 3], tf.int64), tf.TensorSpec([3], tf.bool),
                                      tf.TensorSpec([2, 3], tf.float32)])
        def set(self, f, s, l, b, m):  # noqa: E741
            self.f.assign(f)
            self.s.assign(s)
            self.l.assign(l)
            self.b.assign(b)
            self.m.assign(m)
            return {"ok": tf.constant(1)}

        @tf.function(input_signature=[])
        def reset(self):
            self.f.assign(tf.zeros([3]))
            self.s.assign(0)
            self.l.assign(tf.ones([2, 3], tf.int64))
            self.b.assign(tf.zeros([3], tf.bool))
            self.m.assign(tf.fill([2, 3], -1.0))
            return {"done": tf.constant(1)}

    return Variables()


VARIABLE_SIGNATURES = ("get", "add", "scale", "set", "reset")


def variables_model():
    """Five variables (float32 [3], int32 scalar, int64 [2,3], bool [3], float32 [2,3]); signatures get,
    add(x, n), scale(k), set(f, s, l, b, m), reset(); the converter adds an init subgraph and CALL_ONCE."""
    return convert("variables", _variables_module(), VARIABLE_SIGNATURES)


def _trainer_module(with_flex):
    tf = oracle._tf()
    rng = np.random.default_rng(7)

    class Trainer(tf.Module):
        """A 4-8-3 perceptron trained by plain SGD on softmax cross-entropy. ReLU is written as maximum(x, 0)
        so its gradient is GREATER_EQUAL + SELECT_V2 rather than TF's ReluGrad, which has no builtin."""

        def __init__(self):
            self.w1 = tf.Variable(rng.normal(0, 0.5, (4, 8)).astype(np.float32), name="w1")
            self.b1 = tf.Variable(rng.normal(0, 0.1, (8,)).astype(np.float32), name="b1")
            self.w2 = tf.Variable(rng.normal(0, 0.5, (8, 3)).astype(np.float32), name="w2")
            self.b2 = tf.Variable(np.zeros(3, np.float32), name="b2")

        def weights(self):
            return {"w1": self.w1, "b1": self.b1, "w2": self.w2, "b2": self.b2}

        def logits(self, x):
            hidden = tf.maximum(tf.matmul(x, self.w1) + self.b1, 0.0)
            return tf.matmul(hidden, self.w2) + self.b2

        @tf.function(input_signature=[tf.TensorSpec([TRAIN_BATCH, 4], tf.float32),
                                      tf.TensorSpec([TRAIN_BATCH, 3], tf.float32)])
        def train(self, x, y):
            variables = list(self.weights().values())
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(-tf.reduce_sum(y * tf.nn.log_softmax(self.logits(x)), axis=-1))
            for variable, gradient in zip(variables, tape.gradient(loss, variables)):
                variable.assign_sub(LEARNING_RATE * gradient)
            return {"loss": loss}

        @tf.function(input_signature=[tf.TensorSpec([TRAIN_BATCH, 4], tf.float32)])
        def infer(self, x):
            logits = self.logits(x)
            return {"output": tf.nn.softmax(logits, axis=-1), "logits": logits}

        @tf.function(input_signature=[])
        def get_weights(self):
            return {name: v.read_value() for name, v in self.weights().items()}

        @tf.function(input_signature=[tf.TensorSpec([4, 8]), tf.TensorSpec([8]), tf.TensorSpec([8, 3]),
                                      tf.TensorSpec([3])])
        def set_weights(self, w1, b1, w2, b2):
            for variable, value in zip(self.weights().values(), (w1, b1, w2, b2)):
                variable.assign(value)
            return {"ok": tf.constant(1)}

    if not with_flex:
        return Trainer()

    class FlexTrainer(Trainer):
        """The guide's save/restore: tf.raw_ops.Save/Restore are TF Select (Flex) ops."""

        @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
        def save(self, checkpoint_path):
            names = list(self.weights())
            tf.raw_ops.Save(filename=checkpoint_path, tensor_names=names,
                            data=[v.read_value() for v in self.weights().values()], name="save")
            return {"checkpoint_path": checkpoint_path}

        @tf.function(input_signature=[tf.TensorSpec([], tf.string)])
        def restore(self, checkpoint_path):
            restored = {}
            for name, variable in self.weights().items():
                value = tf.raw_ops.Restore(file_pattern=checkpoint_path, tensor_name=name, dt=tf.float32,
                                           name="restore")
                value = tf.reshape(value, variable.shape)
                variable.assign(value)
                restored[name] = value
            return restored

    return FlexTrainer()


TRAIN_BATCH = 6
LEARNING_RATE = 0.1
TRAIN_SIGNATURES = ("train", "infer", "get_weights", "set_weights")


def training_model():
    """Builtin-only training model: train(x, y)->{loss}, infer(x)->{output, logits}, get_weights()->{w1, b1,
    w2, b2}, set_weights(w1, b1, w2, b2)->{ok}; converted with TFLITE_BUILTINS only."""
    return convert("training", _trainer_module(False), TRAIN_SIGNATURES)


def flex_training_model():
    """The same model plus the guide's save/restore (tf.raw_ops.Save/Restore -> FlexSave/FlexRestore),
    converted with TFLITE_BUILTINS + SELECT_TF_OPS."""
    return convert("training-flex", _trainer_module(True), TRAIN_SIGNATURES + ("save", "restore"), WITH_FLEX)


def training_batch(seed):
    """A seeded batch: x ~ N(0, 1), one-hot y from a fixed linear rule so the model has something to learn."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((TRAIN_BATCH, 4)).astype(np.float32)
    labels = np.argmax(x[:, :3] + 0.5 * x[:, 3:], axis=1)
    return x, np.eye(3, dtype=np.float32)[labels]


def with_state_outputs(content):
    """The model with every value that subgraph 0 writes into a variable (ASSIGN_VARIABLE's second input)
    and every FULLY_CONNECTED output added as extra outputs of subgraph 0 and of its signature ("state_<k>",
    "fc_<k>"), so a test sees the streaming state itself and not only a saturating final output."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
    graph = model.subgraphs[0]
    extra = []
    for op in graph.operators:
        code = model.operatorCodes[op.opcodeIndex].builtinCode
        if code == schema.BuiltinOperator.ASSIGN_VARIABLE:
            extra.append((f"state_{len(extra)}", int(op.inputs[1])))
        elif code == schema.BuiltinOperator.FULLY_CONNECTED:
            extra.append((f"fc_{len(extra)}", int(op.outputs[0])))
    graph.outputs = list(graph.outputs) + [index for _, index in extra]
    signature = next(s for s in model.signatureDefs if s.subgraphIndex == 0)
    for name, index in extra:
        tensor_map = schema.TensorMapT()
        tensor_map.name, tensor_map.tensorIndex = name, index
        signature.outputs.append(tensor_map)
    builder = flatbuffers.Builder(len(content) + 4096)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
