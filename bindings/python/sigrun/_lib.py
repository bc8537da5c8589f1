"""ctypes declarations of the sigrun C API (include/sigrun.h) and the error plumbing.

The functions live in the `sigrun._native` extension file, which setup.py builds from every library
source. Loading it with ctypes.CDLL (not PyDLL) means every foreign call releases the GIL, so runners can
execute on several Python threads at once. Every function used anywhere in the package is declared here
with its argtypes and restype; nothing else in the package touches ctypes signatures.
"""
import ctypes
import importlib.util
import os

# Statuses and types as in include/sigrun.h (the numbers are part of the C ABI).
STATUS_OK = 0
STATUS_BAD_MODEL = 1
STATUS_UNSUPPORTED = 2
STATUS_BAD_ARGUMENT = 3
STATUS_NOT_FOUND = 4
STATUS_BAD_STATE = 5
STATUS_NO_MEMORY = 6
STATUS_IO = 7
STATUS_RUNTIME = 8
STATUS_CANCELLED = 9
STATUS_LIMIT = 10

TYPE_FLOAT32 = 0
TYPE_FLOAT16 = 1
TYPE_INT32 = 2
TYPE_UINT8 = 3
TYPE_INT64 = 4
TYPE_STRING = 5
TYPE_BOOL = 6
TYPE_INT16 = 7
TYPE_COMPLEX64 = 8
TYPE_INT8 = 9
TYPE_FLOAT64 = 10
TYPE_COMPLEX128 = 11
TYPE_UINT64 = 12
TYPE_RESOURCE = 13
TYPE_VARIANT = 14
TYPE_UINT32 = 15
TYPE_UINT16 = 16
TYPE_INT4 = 17
TYPE_BFLOAT16 = 18

ERROR_MESSAGE_SIZE = 512


class Error(ctypes.Structure):
    """sigrun_error: caller-owned, one per call so concurrent calls never share it."""

    _fields_ = [("status", ctypes.c_int), ("message", ctypes.c_char * ERROR_MESSAGE_SIZE)]

    def text(self):
        return decode(self.message)


# sigrun_custom_op's callbacks (include/sigrun.h, "Custom operators").
CUSTOM_INIT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                               ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(Error))
CUSTOM_FREE = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
CUSTOM_CALL = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)


class CustomOp(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("user_data", ctypes.c_void_p),
        ("init", CUSTOM_INIT),
        ("free", CUSTOM_FREE),
        ("prepare", CUSTOM_CALL),
        ("invoke", CUSTOM_CALL),
        ("thread_safe", ctypes.c_int),
    ]


class InterpreterOptions(ctypes.Structure):
    _fields_ = [
        ("num_threads", ctypes.c_int),
        ("max_arena_bytes", ctypes.c_size_t),
        ("reference_kernels_only", ctypes.c_int),
        ("custom_ops", ctypes.POINTER(CustomOp)),
        ("custom_op_count", ctypes.c_int),
        ("allow_unsupported_ops", ctypes.c_int),
        ("max_call_depth", ctypes.c_int),
        ("max_while_iterations", ctypes.c_int64),
        ("preserve_all_tensors", ctypes.c_int),
    ]


class Quantization(ctypes.Structure):
    _fields_ = [
        ("count", ctypes.c_int),
        ("scales", ctypes.POINTER(ctypes.c_float)),
        ("zero_points", ctypes.POINTER(ctypes.c_int64)),
        ("quantized_dimension", ctypes.c_int),
    ]


def decode(raw):
    """C strings to str; names that are not UTF-8 survive a round trip through encode()."""
    if raw is None:
        return None
    return raw.decode("utf-8", errors="surrogateescape")


def encode(text):
    return text.encode("utf-8", errors="surrogateescape")


def _native_path():
    spec = importlib.util.find_spec("sigrun._native")
    if spec is None or not spec.origin or not os.path.exists(spec.origin):
        raise ImportError(
            "sigrun._native (the compiled C library) is missing; install the package with `pip install .` "
            "from the sigrun repository root")
    return spec.origin


_P = ctypes.c_void_p  # every opaque handle: sigrun_model*, sigrun_interpreter*, sigrun_runner*, sigrun_tensor*
_PP = ctypes.POINTER(ctypes.c_void_p)
_ERR = ctypes.POINTER(Error)
_S = ctypes.c_int  # sigrun_status
_STR = ctypes.c_char_p
_I32P = ctypes.POINTER(ctypes.c_int32)
_INT = ctypes.c_int
_SIZE = ctypes.c_size_t

# name: (restype, argtypes)
_SIGNATURES = {
    "sigrun_version": (_STR, []),
    "sigrun_status_string": (_STR, [_S]),
    "sigrun_type_name": (_STR, [_INT]),
    "sigrun_type_size": (_SIZE, [_INT]),
    "sigrun_model_load_file": (_S, [_STR, _PP, _ERR]),
    "sigrun_model_load_buffer": (_S, [_P, _SIZE, _INT, _PP, _ERR]),
    "sigrun_model_destroy": (None, [_P]),
    "sigrun_model_signature_count": (_INT, [_P]),
    "sigrun_model_signature_key": (_STR, [_P, _INT]),
    "sigrun_model_subgraph_count": (_INT, [_P]),
    "sigrun_model_subgraph_name": (_STR, [_P, _INT]),
    "sigrun_model_operator_count": (_INT, [_P, _INT]),
    "sigrun_model_operator_name": (_STR, [_P, _INT, _INT]),
    "sigrun_model_description": (_STR, [_P]),
    "sigrun_interpreter_options_init": (None, [ctypes.POINTER(InterpreterOptions)]),
    "sigrun_interpreter_create": (_S, [_P, ctypes.POINTER(InterpreterOptions), _PP, _ERR]),
    "sigrun_interpreter_destroy": (None, [_P]),
    "sigrun_interpreter_get_runner": (_S, [_P, _STR, _PP, _ERR]),
    "sigrun_interpreter_reset_variables": (_S, [_P, _ERR]),
    "sigrun_interpreter_reset_state": (_S, [_P, _ERR]),
    "sigrun_interpreter_cancel": (_S, [_P, _ERR]),
    "sigrun_interpreter_get_primary_runner": (_S, [_P, _PP, _ERR]),
    "sigrun_runner_create": (_S, [_P, _STR, _PP, _ERR]),
    "sigrun_runner_destroy": (None, [_P]),
    "sigrun_runner_signature_key": (_STR, [_P]),
    "sigrun_runner_subgraph_index": (_INT, [_P]),
    "sigrun_runner_input_count": (_INT, [_P]),
    "sigrun_runner_output_count": (_INT, [_P]),
    "sigrun_runner_input_name": (_STR, [_P, _INT]),
    "sigrun_runner_output_name": (_STR, [_P, _INT]),
    "sigrun_runner_input": (_S, [_P, _STR, _PP, _ERR]),
    "sigrun_runner_output": (_S, [_P, _STR, _PP, _ERR]),
    "sigrun_runner_input_at": (_P, [_P, _INT]),
    "sigrun_runner_output_at": (_P, [_P, _INT]),
    "sigrun_runner_subgraph_input_count": (_INT, [_P]),
    "sigrun_runner_subgraph_output_count": (_INT, [_P]),
    "sigrun_runner_subgraph_input": (_P, [_P, _INT]),
    "sigrun_runner_subgraph_output": (_P, [_P, _INT]),
    "sigrun_runner_tensor_count": (_INT, [_P]),
    "sigrun_runner_tensor": (_P, [_P, _INT]),
    "sigrun_runner_resize_input": (_S, [_P, _STR, _I32P, _INT, _ERR]),
    "sigrun_runner_resize_input_strict": (_S, [_P, _STR, _I32P, _INT, _ERR]),
    "sigrun_runner_allocate": (_S, [_P, _ERR]),
    "sigrun_runner_set_input": (_S, [_P, _STR, _P, _SIZE, _ERR]),
    "sigrun_runner_invoke": (_S, [_P, _ERR]),
    "sigrun_runner_get_output": (_S, [_P, _STR, _P, _SIZE, _ERR]),
    "sigrun_tensor_name": (_STR, [_P]),
    "sigrun_tensor_index": (_INT, [_P]),
    "sigrun_tensor_type": (_INT, [_P]),
    "sigrun_tensor_rank": (_INT, [_P]),
    "sigrun_tensor_dims": (_I32P, [_P]),
    "sigrun_tensor_signature_rank": (_INT, [_P]),
    "sigrun_tensor_signature_dims": (_I32P, [_P]),
    "sigrun_tensor_element_count": (_SIZE, [_P]),
    "sigrun_tensor_byte_size": (_SIZE, [_P]),
    "sigrun_tensor_data": (_P, [_P]),
    "sigrun_tensor_data_const": (_P, [_P]),
    "sigrun_tensor_quantization": (Quantization, [_P]),
    "sigrun_op_context_input_count": (_INT, [_P]),
    "sigrun_op_context_output_count": (_INT, [_P]),
    "sigrun_op_context_input": (_P, [_P, _INT]),
    "sigrun_op_context_output": (_P, [_P, _INT]),
    "sigrun_op_context_resize_output": (_S, [_P, _INT, _INT, _I32P]),
    "sigrun_op_context_fail": (_S, None),  # variadic: (context, status, format, ...)
}


class ConvertOptions(ctypes.Structure):
    """sigrun_convert_options (include/sigrun.h, "Converter")."""

    _fields_ = [
        ("signature_keys", ctypes.POINTER(ctypes.c_char_p)),
        ("n_signature_keys", ctypes.c_int),
        ("weights", ctypes.c_int),
        ("progress", ctypes.c_void_p),
        ("progress_user", ctypes.c_void_p),
        ("error_details", ctypes.POINTER(ctypes.c_void_p)),
    ]


CONVERT_FLOAT32 = 0
CONVERT_FLOAT16 = 1
CONVERT_DYNAMIC_RANGE = 2

# The converter's functions: in the Python extension (setup.py compiles src/convert), but absent from a bare
# runtime library, so they are bound only when present (sigrun.Converter reports their absence).
_CONVERTER_SIGNATURES = {
    "sigrun_convert_options_init": (None, [ctypes.POINTER(ConvertOptions)]),
    "sigrun_convert_saved_model": (_S, [_STR, ctypes.POINTER(ConvertOptions), _PP, ctypes.POINTER(_SIZE), _ERR]),
    "sigrun_convert_free": (None, [_P]),
}


def _bind(lib, signatures, optional=False):
    for name, (restype, argtypes) in signatures.items():
        fn = getattr(lib, name, None)
        if fn is None and optional:
            continue
        if fn is None:
            raise AttributeError(name)
        fn.restype = restype
        if argtypes is not None:
            fn.argtypes = argtypes


def _load():
    lib = ctypes.CDLL(_native_path())
    _bind(lib, _SIGNATURES)
    _bind(lib, _CONVERTER_SIGNATURES, optional=True)
    return lib


lib = _load()
HAS_CONVERTER = hasattr(lib, "sigrun_convert_saved_model")


def fail(error, exc_type):
    """Builds exc_type carrying the C message; .status keeps the sigrun_status for callers that care."""
    if error.status == 2:  # SIGRUN_STATUS_UNSUPPORTED: LiteRT raises RuntimeError for ops it cannot run
        exc_type = RuntimeError
    exc = exc_type(error.text())
    exc.status = error.status
    return exc


def call(fn, *args, exc_type=RuntimeError):
    """Calls a status-returning function with a fresh sigrun_error appended; raises exc_type on failure."""
    error = Error()
    status = fn(*args, ctypes.byref(error))
    if status != STATUS_OK:
        if not error.message:
            error.message = lib.sigrun_status_string(status) or b"unknown error"
        error.status = status
        raise fail(error, exc_type)


def dims(pointer, rank):
    """Copies rank int32 values from a borrowed pointer (rank 0 or NULL gives an empty list)."""
    if rank <= 0 or not pointer:
        return []
    return pointer[:rank]
