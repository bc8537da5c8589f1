"""Tensor access for the binding: numpy dtypes, LiteRT-style details dicts, copying data in and out.

Everything here works on a borrowed sigrun_tensor* (an int) that the caller got from a live runner; the
caller keeps the interpreter alive for the duration. Data only crosses with explicit byte counts that were
checked against the tensor's own size first, and only from/to C-contiguous, aligned numpy arrays.
Error texts and exception types follow ai_edge_litert's interpreter wrapper so the two are interchangeable.
"""
import ctypes

import numpy as np

from . import _lib
from ._lib import lib

try:  # LiteRT hands bfloat16 out as ml_dtypes' type when it is installed; fall back to raw 16-bit words.
    import ml_dtypes as _ml_dtypes

    _BFLOAT16 = _ml_dtypes.bfloat16
except ImportError:  # pragma: no cover - depends on the environment
    _BFLOAT16 = np.uint16

# sigrun_type -> numpy scalar type, as ai_edge_litert maps TfLiteType (strings are np.bytes_; resources
# and variants are objects; int4 is widened to int8 on read).
NUMPY_TYPES = {
    _lib.TYPE_FLOAT32: np.float32,
    _lib.TYPE_FLOAT16: np.float16,
    _lib.TYPE_INT32: np.int32,
    _lib.TYPE_UINT8: np.uint8,
    _lib.TYPE_INT64: np.int64,
    _lib.TYPE_STRING: np.bytes_,
    _lib.TYPE_BOOL: np.bool_,
    _lib.TYPE_INT16: np.int16,
    _lib.TYPE_COMPLEX64: np.complex64,
    _lib.TYPE_INT8: np.int8,
    _lib.TYPE_FLOAT64: np.float64,
    _lib.TYPE_COMPLEX128: np.complex128,
    _lib.TYPE_UINT64: np.uint64,
    _lib.TYPE_RESOURCE: np.object_,
    _lib.TYPE_VARIANT: np.object_,
    _lib.TYPE_UINT32: np.uint32,
    _lib.TYPE_UINT16: np.uint16,
    _lib.TYPE_INT4: np.int8,
    _lib.TYPE_BFLOAT16: _BFLOAT16,
}

# (numpy kind, itemsize) -> sigrun_type for incoming values; LiteRT's TfLiteTypeFromPyType.
_FROM_NUMPY = {
    ("f", 4): _lib.TYPE_FLOAT32,
    ("f", 2): _lib.TYPE_FLOAT16,
    ("f", 8): _lib.TYPE_FLOAT64,
    ("i", 1): _lib.TYPE_INT8,
    ("i", 2): _lib.TYPE_INT16,
    ("i", 4): _lib.TYPE_INT32,
    ("i", 8): _lib.TYPE_INT64,
    ("u", 1): _lib.TYPE_UINT8,
    ("u", 2): _lib.TYPE_UINT16,
    ("u", 4): _lib.TYPE_UINT32,
    ("u", 8): _lib.TYPE_UINT64,
    ("b", 1): _lib.TYPE_BOOL,
    ("c", 8): _lib.TYPE_COMPLEX64,
    ("c", 16): _lib.TYPE_COMPLEX128,
}

_NO_TYPE = -1


def type_from_numpy(dtype):
    """sigrun_type of a numpy dtype, or _NO_TYPE. User-defined dtypes (ml_dtypes) count as bfloat16, as in LiteRT."""
    if dtype.kind in ("O", "S", "U"):
        return _lib.TYPE_STRING
    if dtype.num >= 256:
        return _lib.TYPE_BFLOAT16
    return _FROM_NUMPY.get((dtype.kind, dtype.itemsize), _NO_TYPE)


def type_name(sigrun_type):
    """LiteRT's TfLiteTypeGetName spelling: "FLOAT32", "INT8", ... and "NOTYPE"."""
    if sigrun_type == _NO_TYPE:
        return "NOTYPE"
    name = _lib.decode(lib.sigrun_type_name(sigrun_type))
    return "NOTYPE" if name in (None, "unknown") else name.upper()


def shape_of(tensor):
    return _lib.dims(lib.sigrun_tensor_dims(tensor), lib.sigrun_tensor_rank(tensor))


def details(tensor):
    """The dict ai_edge_litert's _get_tensor_details builds, with the same keys, value types and dtypes."""
    sigrun_type = lib.sigrun_tensor_type(tensor)
    numpy_type = NUMPY_TYPES.get(sigrun_type)
    if numpy_type is None:
        raise ValueError("Could not get tensor details")
    quant = lib.sigrun_tensor_quantization(tensor)
    count = max(quant.count, 0) if quant.scales and quant.zero_points else 0
    scales = np.array(quant.scales[:count] if count else [], dtype=np.float32)
    # LiteRT keeps zero points as int32 (TfLiteAffineQuantization), so wider file values wrap the same way.
    zero_points = np.array(quant.zero_points[:count] if count else [], dtype=np.int64).astype(np.int32)
    # The legacy pair is only filled for per-tensor quantization (one scale and one zero point).
    legacy = (float(scales[0]), int(zero_points[0])) if count == 1 else (0.0, 0)
    signature = _lib.dims(lib.sigrun_tensor_signature_dims(tensor), lib.sigrun_tensor_signature_rank(tensor))
    return {
        "name": _lib.decode(lib.sigrun_tensor_name(tensor)) or "",
        "index": int(lib.sigrun_tensor_index(tensor)),
        "shape": np.array(shape_of(tensor), dtype=np.int32),
        "shape_signature": np.array(signature, dtype=np.int32),
        "dtype": numpy_type,
        "quantization": legacy,
        "quantization_parameters": {
            "scales": scales,
            "zero_points": zero_points,
            "quantized_dimension": int(quant.quantized_dimension) if count else 0,
            "block_size": 0,
        },
        "sparsity_parameters": {},
    }


def _decode_strings(buffer, count, shape):
    """LiteRT's string tensor layout: int32 n, int32 offsets[n + 1], then the bytes."""
    raw = bytes(buffer)
    result = np.empty(count, dtype=object)  # None until filled, as LiteRT leaves a never-written tensor
    if count == 0 or not raw:
        return result.reshape(shape)
    header = np.frombuffer(raw, dtype="<i4", count=1) if len(raw) >= 4 else None
    n = int(header[0]) if header is not None else -1
    if n != count or len(raw) < 4 * (n + 2):
        raise ValueError("string tensor holds %d strings in %d bytes; its shape needs %d" % (n, len(raw), count))
    offsets = np.frombuffer(raw, dtype="<i4", count=n + 1, offset=4)
    for j in range(n):
        start, end = int(offsets[j]), int(offsets[j + 1])
        if not 0 <= start <= end <= len(raw):
            raise ValueError("string %d of the tensor has offsets %d..%d outside its %d bytes" % (j, start, end, len(raw)))
        result[j] = raw[start:end]
    return result.reshape(shape)


def read(tensor, stale=False):
    """A copy of the tensor's contents (LiteRT's GetTensor): an array, or a numpy scalar for rank 0.

    stale: the tensor was resized since its runner last allocated, so its memory does not match its shape."""
    sigrun_type = lib.sigrun_tensor_type(tensor)
    numpy_type = NUMPY_TYPES.get(sigrun_type)
    if numpy_type is None:
        raise ValueError("Unknown tensor type.")
    shape = tuple(shape_of(tensor))
    nbytes = lib.sigrun_tensor_byte_size(tensor)
    data = lib.sigrun_tensor_data_const(tensor)
    if (not data or stale) and nbytes:
        raise ValueError("Tensor data is null. Run allocate_tensors() first")
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if sigrun_type in (_lib.TYPE_STRING, _lib.TYPE_RESOURCE, _lib.TYPE_VARIANT):
        buffer = (ctypes.c_char * nbytes).from_address(data) if nbytes else b""
        if sigrun_type != _lib.TYPE_STRING:
            raise ValueError("sigrun cannot copy %s tensors to numpy" % type_name(sigrun_type))
        result = _decode_strings(buffer, count, shape)
    elif sigrun_type == _lib.TYPE_INT4:
        result = _read_int4(data, nbytes, count, shape)
    else:
        result = np.empty(shape, dtype=numpy_type)
        if result.nbytes != nbytes:
            raise ValueError("tensor %d holds %d bytes but its shape %s of %s needs %d" % (
                lib.sigrun_tensor_index(tensor), nbytes, list(shape), type_name(sigrun_type), result.nbytes))
        if nbytes:
            ctypes.memmove(result.ctypes.data, data, nbytes)
    return result[()] if result.ndim == 0 else result


def _read_int4(data, nbytes, count, shape):
    """Unpacks two signed nibbles per byte, low nibble first, into int8 (as LiteRT does)."""
    if nbytes < (count + 1) // 2:
        raise ValueError("int4 tensor holds %d bytes but needs %d for %d values" % (nbytes, (count + 1) // 2, count))
    packed = np.empty(nbytes, dtype=np.uint8)
    if nbytes:
        ctypes.memmove(packed.ctypes.data, data, nbytes)
    low = (packed << 4).view(np.int8) >> 4
    high = packed.view(np.int8) >> 4
    values = np.stack([low, high], axis=1).reshape(-1)[:count]
    return values.reshape(shape)


def pack_strings(array):
    """LiteRT's string buffer for an array of bytes/str (str is UTF-8 encoded, as LiteRT's Python API does)."""
    items = [x.encode("utf-8") if isinstance(x, str) else bytes(x) for x in array.reshape(-1).tolist()]
    count = len(items)
    offsets = np.empty(count + 1, dtype="<i4")
    position = 4 * (count + 2)
    for j, item in enumerate(items):
        offsets[j] = position
        position += len(item)
    offsets[count] = position
    if position >= 2 ** 31:
        raise ValueError("string tensor of %d bytes is too large" % position)
    return np.array([count], dtype="<i4").tobytes() + offsets.tobytes() + b"".join(items)


def as_input_array(value):
    """LiteRT converts values with PyArray_FromAny(CARRAY): C order, aligned, dtype inferred."""
    return np.require(np.asarray(value), requirements=["C_CONTIGUOUS", "ALIGNED"])


def check_value(tensor, array, stale=False):
    """Raises LiteRT's ValueError for a value that cannot be copied into tensor; returns the byte count.

    stale: as for read()."""
    index = lib.sigrun_tensor_index(tensor)
    tensor_type = lib.sigrun_tensor_type(tensor)
    incoming = type_from_numpy(array.dtype)
    if incoming != tensor_type:
        name = _lib.decode(lib.sigrun_tensor_name(tensor)) or ""
        raise ValueError(
            "Cannot set tensor: Got value of type %s but expected type %s for input %d, name: %s "
            % (type_name(incoming), type_name(tensor_type), index, name))
    shape = shape_of(tensor)
    if array.ndim != len(shape):
        raise ValueError("Cannot set tensor: Dimension mismatch. Got %d but expected %d for input %d."
                         % (array.ndim, len(shape), index))
    for j, (got, expected) in enumerate(zip(array.shape, shape)):
        if got != expected:
            raise ValueError("Cannot set tensor: Dimension mismatch. Got %d but expected %d for dimension %d "
                             "of input %d." % (got, expected, j, index))
    if tensor_type == _lib.TYPE_STRING:
        return 0  # sized by its contents: pack_strings builds the buffer, the C side checks it
    if tensor_type in (_lib.TYPE_RESOURCE, _lib.TYPE_VARIANT, _lib.TYPE_INT4):
        raise ValueError("Cannot set tensor: sigrun cannot write %s tensors from Python yet (input %d)"
                         % (type_name(tensor_type), index))
    nbytes = lib.sigrun_tensor_byte_size(tensor)
    if (not lib.sigrun_tensor_data_const(tensor) or stale) and nbytes:
        raise ValueError("Cannot set tensor: Tensor is unallocated. Try calling allocate_tensors() first")
    if array.nbytes != nbytes:
        raise ValueError("numpy array had %d bytes but expected %d bytes." % (array.nbytes, nbytes))
    return nbytes
