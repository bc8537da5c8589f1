"""sigrun.Interpreter and sigrun.SignatureRunner: ai_edge_litert.interpreter's API over the sigrun C library.

Ownership: an Interpreter owns one sigrun_model and one sigrun_interpreter (and, for model_content given as
bytes, the bytes the model borrows). One finalizer frees them in that order, once, whether it runs from
close(), __del__, garbage collection of a cycle or interpreter exit. Runners are owned by the C interpreter;
a SignatureRunner only holds its Interpreter, so it keeps the C objects alive and never frees anything.
Calls after close() raise ValueError instead of touching freed memory.
"""
import contextlib
import ctypes
import enum
import os
import threading
import weakref

import numpy as np

from . import _custom
from . import _lib
from . import _tensor
from ._lib import lib


class OpResolverType(enum.Enum):
    """The members of ai_edge_litert's OpResolverType. sigrun has no delegates; BUILTIN_REF selects its
    portable reference kernels, every other member its default kernels."""

    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3


_ALL_TENSORS = object()


def _resolver_member(value):
    """Our member for value; LiteRT's own enum members are accepted by name so scripts can pass either."""
    if isinstance(value, OpResolverType):
        return value
    if isinstance(value, enum.Enum) and value.name in OpResolverType.__members__:
        return OpResolverType[value.name]
    return None


def _destroy(handles):
    """Frees the C objects in dependency order. handles is a mutable list so a second call finds nothing."""
    interpreter, model, owned = handles[0], handles[1], handles[4]
    handles[:] = [None, None, None, None, None]
    for holder in list((owned or {}).values()):  # independent runners die before their interpreter
        _destroy_runner(holder)
    if interpreter:
        lib.sigrun_interpreter_destroy(interpreter)
    if model:
        lib.sigrun_model_destroy(model)


def _destroy_runner(holder):
    """holder: [sigrun_runner*, owning set]; frees the runner once, from its finalizer or its interpreter's."""
    runner, owners = holder[0], holder[1]
    holder[0] = None
    if owners is not None:
        owners.pop(id(holder), None)
    if runner:
        lib.sigrun_runner_destroy(runner)


class SignatureRunner:
    """Runs one SignatureDef by name, as ai_edge_litert's SignatureRunner does.

    Obtain it with Interpreter.get_signature_runner(). Calling it resizes every input to the given value's
    shape, allocates, copies the inputs in, invokes and returns a dict output name -> numpy copy.
    A runner may be used by one thread at a time.
    """

    def __init__(self, interpreter=None, signature_key=None, _independent=False):
        if not interpreter:
            raise ValueError("None interpreter provided.")
        if not signature_key:
            raise ValueError("None signature_key provided.")
        self._interpreter = interpreter
        self._signature_key = signature_key
        signature_defs = interpreter._get_full_signature_list()
        if signature_key not in signature_defs:
            raise ValueError(f'Invalid signature_key provided: "{signature_key}".')
        self._signature_def = signature_defs[signature_key]
        self._inputs = self._signature_def["inputs"]
        self._outputs = self._signature_def["outputs"].items()
        self._holder = None
        self._lock = threading.Lock()  # close() waits for a call in progress instead of freeing under it
        if _independent:
            self._holder = interpreter._create_runner(signature_key)
            self._finalizer = weakref.finalize(self, _destroy_runner, self._holder)
            self._runner = self._holder[0]
        else:
            self._runner = interpreter._runner_for_key(signature_key)
        self._subgraph_index = int(lib.sigrun_runner_subgraph_index(self._runner))

    def _handle(self):
        self._interpreter._checked_handle()
        if self._holder is not None and not self._holder[0]:
            raise ValueError("SignatureRunner was closed.")
        return self._runner

    def close(self):
        """Frees an independent runner now (from Interpreter.create_signature_runner), after any call in progress
        on another thread; no-op for runners from get_signature_runner."""
        if self._holder is not None:
            with self._lock:
                self._interpreter._forget_runner(self._runner)
                self._finalizer()

    def __call__(self, **kwargs):
        """Runs the signature; kwargs are input name -> numpy value, every input required."""
        with self._lock, self._interpreter._calling():
            return self._run(kwargs)

    def _run(self, kwargs):
        runner = self._handle()
        if len(kwargs) != len(self._inputs):
            raise ValueError(
                "Invalid number of inputs provided for running a SignatureDef, "
                "expected %s vs provided %s" % (len(self._inputs), len(kwargs)))
        for input_name, value in kwargs.items():
            if input_name not in self._inputs:
                raise ValueError("Invalid Input name (%s) for SignatureDef" % input_name)
            self._interpreter._resize(runner, input_name, np.array(value.shape, dtype=np.int32), False)
        self._interpreter._allocate(runner)
        for input_name, value in kwargs.items():
            self._interpreter._set_input(runner, input_name, value)
        self._interpreter._invoke(runner)
        result = {}
        for output_name, _ in self._outputs:
            tensor = self._output_tensor(runner, output_name)
            result[output_name] = _tensor.read(tensor, self._interpreter._is_stale(runner, tensor))
        return result

    def _output_tensor(self, runner, name):
        tensor = ctypes.c_void_p()
        _lib.call(lib.sigrun_runner_output, runner, _lib.encode(name), ctypes.byref(tensor), exc_type=ValueError)
        return tensor.value

    def _input_tensor(self, runner, name):
        tensor = ctypes.c_void_p()
        _lib.call(lib.sigrun_runner_input, runner, _lib.encode(name), ctypes.byref(tensor), exc_type=ValueError)
        return tensor.value

    def get_input_details(self):
        """Dict input name -> LiteRT tensor details (name is the tensor's name in the file)."""
        runner = self._handle()
        return {name: _tensor.details(self._input_tensor(runner, name)) for name in self._inputs}

    def get_output_details(self):
        """Dict output name -> LiteRT tensor details."""
        runner = self._handle()
        return {name: _tensor.details(self._output_tensor(runner, name)) for name, _ in self._outputs}


class Interpreter:
    """ai_edge_litert.interpreter.Interpreter over sigrun.

    The index-based methods (get_input_details, set_tensor, invoke, ...) act on the primary subgraph (0)
    through the same runner a signature on subgraph 0 uses, so both views share tensors as in LiteRT.
    Options sigrun has no use for (delegates, delegate clustering, ...) are accepted and ignored.

    Where it differs from LiteRT: texts of errors that come from the C runtime (loading, resizing,
    allocating, invoking) are sigrun's own, with the same exception types; set_tensor writes only inputs of
    subgraph 0; sparsity_parameters is always {}; there is no
    tensor() view; after a failed allocate every non-constant tensor of that runner reads as unallocated
    until an allocate succeeds; and holding a SignatureRunner never blocks allocate_tensors()/invoke() (LiteRT
    raises "There is at least 1 reference to internal data" then).

    custom_ops (sigrun's addition): {custom_code: op} supplies custom operators written in Python; see
    sigrun._custom for the op protocol. LiteRT's C++-only custom_op_registerers have no equivalent.

    allow_unsupported_ops (sigrun's addition): load a model with operators sigrun cannot run (TF Select
    "Flex" ops, unregistered custom ops) anyway; signatures that never reach one run, and invoking one that
    does raises RuntimeError naming the operator. By default such a model is refused with that list.

    max_arena_bytes, max_call_depth, max_while_iterations (sigrun's additions, for untrusted models): the
    limits of sigrun_interpreter_options (docs/security.md): the activation memory of one runner in bytes,
    the nesting of subgraph calls, and the iterations of one WHILE operator per invoke. None or 0 keeps
    the default (no memory limit, depth 64, no iteration cap). Exceeding one raises RuntimeError whose
    .status is sigrun._lib.STATUS_LIMIT.
    """

    def __init__(
        self,
        model_path=None,
        model_content=None,
        experimental_delegates=None,
        num_threads=None,
        experimental_op_resolver_type=OpResolverType.AUTO,
        experimental_preserve_all_tensors=False,
        experimental_disable_delegate_clustering=False,
        experimental_default_delegate_latest_features=False,
        experimental_compress_quantization_zero_points=False,
        experimental_disable_delegate_node_fusion=False,
        experimental_force_delegate_node_profiling=False,
        custom_ops=None,
        allow_unsupported_ops=False,
        max_arena_bytes=None,
        max_call_depth=None,
        max_while_iterations=None,
    ):
        # interpreter, model, bytes the model borrows, custom-op callbacks the interpreter borrows,
        # {id: holder} of independent runners (destroyed before the interpreter)
        self._handles = [None, None, None, None, {}]
        self._finalizer = weakref.finalize(self, _destroy, self._handles)
        self._experimental_compress_quantization_zero_points = experimental_compress_quantization_zero_points
        resolver = _resolver_member(experimental_op_resolver_type)
        if resolver is None:
            raise ValueError("Unrecognized passed in op resolver type: {}".format(experimental_op_resolver_type))
        if num_threads is not None:
            if not isinstance(num_threads, int):
                raise ValueError("type of num_threads should be int")
            if num_threads < 1:
                raise ValueError("num_threads should >= 1")
        if model_path and not model_content:
            self._load_file(os.fspath(model_path))
        elif model_content and not model_path:
            self._load_buffer(model_content)
        elif not model_content and not model_path:
            raise ValueError("`model_path` or `model_content` must be specified.")
        else:
            raise ValueError("Can't both provide `model_path` and `model_content`")
        options = _lib.InterpreterOptions()
        lib.sigrun_interpreter_options_init(ctypes.byref(options))
        options.num_threads = int(num_threads or 1)
        options.reference_kernels_only = 1 if resolver is OpResolverType.BUILTIN_REF else 0
        options.allow_unsupported_ops = 1 if allow_unsupported_ops else 0
        options.preserve_all_tensors = 1 if experimental_preserve_all_tensors else 0
        for name, value in (("max_arena_bytes", max_arena_bytes), ("max_call_depth", max_call_depth),
                            ("max_while_iterations", max_while_iterations)):
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError("{} should be a non-negative int".format(name))
            setattr(options, name, value)
        ops_array, keepalive = _custom.build(custom_ops)
        if ops_array is not None:
            options.custom_ops = ops_array
            options.custom_op_count = len(ops_array)
            self._handles[3] = keepalive
        handle = ctypes.c_void_p()
        _lib.call(lib.sigrun_interpreter_create, self._handles[1], ctypes.byref(options), ctypes.byref(handle),
                  exc_type=ValueError)
        self._handles[0] = handle.value
        self._delegates = list(experimental_delegates or [])
        self._full_signature_defs = None
        self._runners = {}  # signature key -> sigrun_runner* (owned by the C interpreter)
        self._primary = None
        # runner -> tensors whose shape a resize changed since that runner's last successful allocate, or
        # _ALL_TENSORS after a failed allocate. Their memory may be smaller than their shape says until the
        # next successful allocate, so reads and writes are refused as LiteRT refuses them.
        self._stale = {}
        # Calls in progress per thread: close() waits for other threads' calls to finish (it would free memory
        # under them) and refuses to run inside a call of its own thread (from a custom op, say).
        self._calls = threading.Condition()
        self._in_flight = {}
        self._closing = False
        model = self._handles[1]
        self._signature_keys = [_lib.decode(lib.sigrun_model_signature_key(model, i))
                                for i in range(lib.sigrun_model_signature_count(model))]
        self._signature_defs = {key: None for key in self._signature_keys}

    # -- lifetime -------------------------------------------------------------------------------------

    def _load_file(self, path):
        model = ctypes.c_void_p()
        _lib.call(lib.sigrun_model_load_file, _lib.encode(path), ctypes.byref(model), exc_type=ValueError)
        self._handles[1] = model.value

    def _load_buffer(self, content):
        model = ctypes.c_void_p()
        if isinstance(content, bytes):
            # Immutable, so the model may borrow it; the finalizer's list keeps it alive as long as the model.
            self._handles[2] = content
            _lib.call(lib.sigrun_model_load_buffer, ctypes.cast(ctypes.c_char_p(content), ctypes.c_void_p),
                      len(content), 0, ctypes.byref(model), exc_type=ValueError)
        else:
            # bytearray, memoryview, numpy...: the caller may change it later, so sigrun takes a copy.
            view = memoryview(content).cast("B")
            staging = (ctypes.c_ubyte * len(view)).from_buffer_copy(view)
            _lib.call(lib.sigrun_model_load_buffer, ctypes.addressof(staging), len(view), 1, ctypes.byref(model),
                      exc_type=ValueError)
        self._handles[1] = model.value

    def close(self):
        """Frees the C interpreter and model now, after the calls other threads have in progress. Later calls on
        this object or its runners raise ValueError."""
        me = threading.get_ident()
        with self._calls:
            if self._in_flight.get(me):
                raise RuntimeError("Interpreter.close() called from inside one of its own calls")
            self._closing = True  # new calls are refused, so a busy thread cannot hold close() off forever
            self._calls.wait_for(lambda: not self._in_flight)
            self._finalizer()

    @contextlib.contextmanager
    def _calling(self):
        me = threading.get_ident()
        with self._calls:
            self._checked_handle()
            if self._closing and not self._in_flight.get(me):
                raise ValueError("Interpreter is closing.")
            self._in_flight[me] = self._in_flight.get(me, 0) + 1
        try:
            yield
        finally:
            with self._calls:
                left = self._in_flight[me] - 1
                if left:
                    self._in_flight[me] = left
                else:
                    del self._in_flight[me]
                self._calls.notify_all()

    def _forget_runner(self, runner):
        self._stale.pop(runner, None)

    def __del__(self):
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is not None:
            finalizer()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def _checked_handle(self):
        handle = self._handles[0]
        if not handle:
            raise ValueError("Interpreter was not initialized.")
        return handle

    # -- runners ------------------------------------------------------------------------------------------

    def _runner_for_key(self, key):
        interpreter = self._checked_handle()  # before the cache: cached pointers die with the interpreter
        runner = self._runners.get(key)
        if runner is None:
            handle = ctypes.c_void_p()
            _lib.call(lib.sigrun_interpreter_get_runner, interpreter, _lib.encode(key), ctypes.byref(handle),
                      exc_type=ValueError)
            runner = self._runners[key] = handle.value
        return runner

    def _create_runner(self, key):
        interpreter = self._checked_handle()
        handle = ctypes.c_void_p()
        _lib.call(lib.sigrun_runner_create, interpreter, _lib.encode(key), ctypes.byref(handle), exc_type=ValueError)
        owners = self._handles[4]
        holder = [handle.value, owners]
        owners[id(holder)] = holder
        return holder

    def _primary_runner(self):
        interpreter = self._checked_handle()
        if self._primary is None:
            handle = ctypes.c_void_p()
            _lib.call(lib.sigrun_interpreter_get_primary_runner, interpreter, ctypes.byref(handle),
                      exc_type=ValueError)
            self._primary = handle.value
        return self._primary

    def _runner_for_subgraph(self, subgraph_index, details=False):
        self._checked_handle()
        count = lib.sigrun_model_subgraph_count(self._handles[1])
        if subgraph_index < 0 or subgraph_index >= count:
            if details:  # LiteRT words this differently in get_tensor_details and in get_tensor
                raise ValueError(f"subgraph_index is out of range: {subgraph_index} for the model,"
                                 f" which has {count} subgraphs.")
            raise ValueError("Invalid subgraph index %d exceeds max subgraph index %d" % (subgraph_index, count))
        if subgraph_index == 0:
            return self._primary_runner()
        for key in self._signature_keys:
            runner = self._runner_for_key(key)
            if lib.sigrun_runner_subgraph_index(runner) == subgraph_index:
                return runner
        raise ValueError("subgraph %d is not the subgraph of any signature; sigrun only exposes the tensors of "
                         "subgraph 0 and of signature subgraphs" % subgraph_index)

    def _resize(self, runner, name, shape, strict):
        array = np.asarray(shape)
        if array.ndim != 1:
            raise ValueError("Shape should be 1D instead of %d." % array.ndim)
        dims = np.ascontiguousarray(array, dtype=np.int32)
        tensor = ctypes.c_void_p()
        _lib.call(lib.sigrun_runner_input, runner, _lib.encode(name), ctypes.byref(tensor), exc_type=RuntimeError)
        before = _tensor.shape_of(tensor.value)
        function = lib.sigrun_runner_resize_input_strict if strict else lib.sigrun_runner_resize_input
        _lib.call(function, runner, _lib.encode(name), dims.ctypes.data_as(ctypes.POINTER(ctypes.c_int32)),
                  int(dims.shape[0]), exc_type=RuntimeError)
        if _tensor.shape_of(tensor.value) != before and self._stale.get(runner) is not _ALL_TENSORS:
            self._stale.setdefault(runner, set()).add(tensor.value)

    def _is_stale(self, runner, tensor):
        stale = self._stale.get(runner)
        if stale is _ALL_TENSORS:  # constants live in the model and never go stale
            return not (lib.sigrun_tensor_data_const(tensor) and not lib.sigrun_tensor_data(tensor))
        return stale is not None and tensor in stale

    def _allocate(self, runner):
        with self._calling():
            self._allocate_now(runner)

    def _allocate_now(self, runner):
        try:
            _lib.call(lib.sigrun_runner_allocate, runner, exc_type=RuntimeError)
        except RuntimeError:
            # Preparing may have changed output shapes before failing; their memory was not replanned.
            self._stale[runner] = _ALL_TENSORS
            raise
        self._stale.pop(runner, None)

    def _invoke(self, runner):
        with self._calling():
            _lib.call(lib.sigrun_runner_invoke, runner, exc_type=RuntimeError)

    def _set_input(self, runner, name, value):
        tensor = ctypes.c_void_p()
        _lib.call(lib.sigrun_runner_input, runner, _lib.encode(name), ctypes.byref(tensor), exc_type=ValueError)
        array = _tensor.as_input_array(value)
        nbytes = _tensor.check_value(tensor.value, array, self._is_stale(runner, tensor.value))
        if lib.sigrun_tensor_type(tensor.value) == _lib.TYPE_STRING:
            packed = _tensor.pack_strings(array)
            _lib.call(lib.sigrun_runner_set_input, runner, _lib.encode(name), packed, len(packed), exc_type=ValueError)
            return
        _lib.call(lib.sigrun_runner_set_input, runner, _lib.encode(name), array.ctypes.data, nbytes,
                  exc_type=ValueError)

    def _input_name(self, runner, tensor_index):
        """Signature name of the runner input whose tensor index is tensor_index, or None."""
        for position in range(lib.sigrun_runner_input_count(runner)):
            tensor = lib.sigrun_runner_input_at(runner, position)
            if tensor and lib.sigrun_tensor_index(tensor) == tensor_index:
                return _lib.decode(lib.sigrun_runner_input_name(runner, position))
        return None

    def _tensor_at(self, runner, tensor_index):
        count = lib.sigrun_runner_tensor_count(runner)
        tensor_index = int(tensor_index)
        tensor = lib.sigrun_runner_tensor(runner, tensor_index) if 0 <= tensor_index < count else None
        if not tensor:
            raise ValueError("Invalid tensor index %d exceeds max tensor index %d" % (tensor_index, count))
        return tensor

    # -- signatures -----------------------------------------------------------------------------------

    def _get_full_signature_list(self):
        """{key: {'inputs': {name: tensor index}, 'outputs': {...}}} in file order, names sorted."""
        self._checked_handle()
        if self._full_signature_defs is None:
            full = {}
            for key in self._signature_keys:
                runner = self._runner_for_key(key)
                full[key] = {"inputs": self._names(runner, True), "outputs": self._names(runner, False)}
            self._full_signature_defs = full
        return {key: {"inputs": dict(value["inputs"]), "outputs": dict(value["outputs"])}
                for key, value in self._full_signature_defs.items()}

    @staticmethod
    def _names(runner, inputs):
        count = (lib.sigrun_runner_input_count if inputs else lib.sigrun_runner_output_count)(runner)
        name_at = lib.sigrun_runner_input_name if inputs else lib.sigrun_runner_output_name
        tensor_at = lib.sigrun_runner_input_at if inputs else lib.sigrun_runner_output_at
        return {_lib.decode(name_at(runner, i)): int(lib.sigrun_tensor_index(tensor_at(runner, i)))
                for i in range(count)}

    def get_signature_list(self):
        """{key: {'inputs': [names], 'outputs': [names]}}; {} for a model without SignatureDefs."""
        self._checked_handle()
        full = self._get_full_signature_list()
        for signature_def in full.values():
            signature_def["inputs"] = list(signature_def["inputs"].keys())
            signature_def["outputs"] = list(signature_def["outputs"].keys())
        return full

    def get_signature_runner(self, signature_key=None):
        """The SignatureRunner for a key; None only when the model has exactly one SignatureDef."""
        return SignatureRunner(interpreter=self, signature_key=self._key_or_only(signature_key))

    def _key_or_only(self, signature_key):
        """LiteRT's Python rule for a None key: allowed only when the model has exactly one SignatureDef."""
        if signature_key is not None:
            return signature_key
        if len(self._signature_defs) != 1:
            raise ValueError(
                "SignatureDef signature_key is None and model has {0} Signatures. "
                "None is only allowed when the model has 1 SignatureDef".format(len(self._signature_defs)))
        return next(iter(self._signature_defs))

    def create_signature_runner(self, signature_key=None):
        """sigrun's addition for threads: a NEW SignatureRunner with its own activation memory and input/output
        buffers, sharing the model's weights and this interpreter's state (variables, tables, initializer).
        Runners made this way may run at the same time from different threads (one thread per runner); the C
        call releases the GIL. get_signature_runner keeps LiteRT's semantics (one shared runner per key)."""
        return SignatureRunner(interpreter=self, signature_key=self._key_or_only(signature_key), _independent=True)

    # -- index-based API on the primary subgraph --------------------------------------------------------

    def allocate_tensors(self):
        self._allocate(self._primary_runner())

    def invoke(self):
        self._invoke(self._primary_runner())

    def reset_all_variables(self):
        """LiteRT's reset_all_variables: zeroes the stateful (is_variable) tensors of every runner. Resource
        variables keep their values, as in LiteRT; reset_state() (sigrun's addition) restores those too."""
        _lib.call(lib.sigrun_interpreter_reset_variables, self._checked_handle(), exc_type=RuntimeError)

    def cancel(self):
        """sigrun's addition (LiteRT's C++ Cancel): invokes of this interpreter running now raise RuntimeError
        ("cancelled") at their next operator; safe to call from another thread."""
        _lib.call(lib.sigrun_interpreter_cancel, self._checked_handle(), exc_type=RuntimeError)

    def reset_state(self):
        """sigrun's addition: back to a fresh interpreter's state — resource variables unassigned, hash tables
        empty, the SavedModel initializer due to run again on the next invoke."""
        _lib.call(lib.sigrun_interpreter_reset_state, self._checked_handle(), exc_type=RuntimeError)

    def num_subgraphs(self):
        self._checked_handle()
        return int(lib.sigrun_model_subgraph_count(self._handles[1]))

    def get_input_details(self):
        """Details of subgraph 0's inputs in subgraph order; 'index' is the tensor index for set_tensor."""
        runner = self._primary_runner()
        return [_tensor.details(lib.sigrun_runner_subgraph_input(runner, i))
                for i in range(lib.sigrun_runner_subgraph_input_count(runner))]

    def get_output_details(self):
        runner = self._primary_runner()
        return [_tensor.details(lib.sigrun_runner_subgraph_output(runner, i))
                for i in range(lib.sigrun_runner_subgraph_output_count(runner))]

    def _get_tensor_details(self, tensor_index, subgraph_index):
        runner = self._runner_for_subgraph(int(subgraph_index), details=True)
        return _tensor.details(self._tensor_at(runner, tensor_index))

    def get_tensor_details(self, subgraph_index=0):
        """Details of every tensor of a subgraph (0, or one that a signature runs)."""
        runner = self._runner_for_subgraph(int(subgraph_index), details=True)
        result = []
        for index in range(lib.sigrun_runner_tensor_count(runner)):
            try:
                result.append(_tensor.details(self._tensor_at(runner, index)))
            except ValueError:
                pass
        return result

    def set_tensor(self, tensor_index, value):
        """Copies value into an input of subgraph 0 (its 'index' in get_input_details)."""
        runner = self._primary_runner()
        tensor = self._tensor_at(runner, tensor_index)
        name = self._input_name(runner, int(tensor_index))
        if name is None:
            # Writing weights or intermediates in place is not offered: constants may live in read-only memory.
            raise ValueError("Cannot set tensor: tensor %d (%s) is not an input of subgraph 0; sigrun only "
                             "writes input tensors" % (int(tensor_index),
                                                        _lib.decode(lib.sigrun_tensor_name(tensor))))
        self._set_input(runner, name, value)

    def get_tensor(self, tensor_index, subgraph_index=0):
        """A copy of a tensor of subgraph 0 (or of a signature's subgraph)."""
        runner = self._runner_for_subgraph(int(subgraph_index))
        tensor = self._tensor_at(runner, tensor_index)
        return _tensor.read(tensor, self._is_stale(runner, tensor))

    def resize_tensor_input(self, input_index, tensor_size, strict=False):
        """Resizes an input of subgraph 0; takes effect at the next allocate_tensors()."""
        runner = self._primary_runner()
        tensor_size = np.array(tensor_size, dtype=np.int32)
        name = self._input_name(runner, int(input_index))
        if name is None:
            raise RuntimeError("resize_tensor_input: tensor %d is not an input of subgraph 0 (inputs: %s)" % (
                int(input_index), [d["index"] for d in self.get_input_details()]))
        self._resize(runner, name, tensor_size, strict)

    @property
    def experimental_compress_quantization_zero_points(self):
        return self._experimental_compress_quantization_zero_points
