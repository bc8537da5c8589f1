"""sigrun.Converter: TensorFlow SavedModel -> .tflite bytes with sigrun's C converter.

Mirrors `tf.lite.TFLiteConverter` for the paths of LiteRT's signatures guide:

    converter = sigrun.Converter.from_saved_model("saved_model_dir")
    converter.optimizations = [tf.lite.Optimize.DEFAULT]           # optional
    converter.target_spec.supported_types = [tf.float16]           # optional
    tflite_bytes = converter.convert()

`from_saved_model` needs no TensorFlow at all: the C library reads the directory. `from_keras_model` and
`from_concrete_functions` use the caller's TensorFlow only to export a SavedModel into a temporary directory
(as TFLiteConverter does internally), then call the same C converter.

Options map as in TFLiteConverter: no optimizations -> float32 weights; `optimizations` containing DEFAULT
(or the deprecated OPTIMIZE_FOR_SIZE / OPTIMIZE_FOR_LATENCY) -> dynamic-range int8 weights, or float16 weights
when `target_spec.supported_types` is [float16]. Full-integer quantization (a representative_dataset, int8
supported types or ops, int8 inference types) is not implemented and raises NotImplementedError.
"""
import ctypes
import os
import shutil
import tempfile

from . import _lib

_OPTIMIZE_NAMES = ("DEFAULT", "OPTIMIZE_FOR_SIZE", "OPTIMIZE_FOR_LATENCY")


def _name_of(value):
    """'float16' for tf.float16 / np.float16 / 'float16'; 'DEFAULT' for tf.lite.Optimize.DEFAULT."""
    for attr in ("name",):
        name = getattr(value, attr, None)
        if isinstance(name, str):
            return name
    text = str(value)
    return text.rsplit(".", 1)[-1].strip("'>\" ")


class TargetSpec:
    """The parts of tf.lite.TargetSpec the converter honours: supported_types ([] or [float16]);
    supported_ops is accepted when it only asks for builtins."""

    def __init__(self):
        self.supported_types = []
        self.supported_ops = None


class Converter:
    """Converts a SavedModel (or a Keras model / concrete functions exported to one) to .tflite bytes."""

    def __init__(self, saved_model_dir, signature_keys=None, _owned_dir=None):
        self._saved_model_dir = os.fspath(saved_model_dir)
        self._signature_keys = list(signature_keys) if signature_keys else None
        self._owned_dir = _owned_dir  # a temporary export removed when the converter goes
        self.optimizations = []
        self.target_spec = TargetSpec()
        self.representative_dataset = None
        self.inference_input_type = None
        self.inference_output_type = None

    def __del__(self):
        if getattr(self, "_owned_dir", None):
            shutil.rmtree(self._owned_dir, ignore_errors=True)

    # ---- constructors, as tf.lite.TFLiteConverter's ----

    @classmethod
    def from_saved_model(cls, saved_model_dir, signature_keys=None, tags=None):
        """Every signature except __saved_model_init_op (for a Keras model.export() directory, serving_default
        only), or the given keys. tags must be None or {"serve"}: TF2 SavedModels have that one MetaGraph."""
        if tags is not None and set(tags) != {"serve"}:
            raise ValueError(f"sigrun.Converter reads the 'serve' MetaGraph only, not tags {sorted(tags)}")
        return cls(saved_model_dir, signature_keys)

    @classmethod
    def from_keras_model(cls, model):
        """Exports the Keras model with its own exporter (Keras 3 `model.export`, else tf.saved_model.save) into
        a temporary SavedModel and converts its serving_default signature."""
        tmp = tempfile.mkdtemp(prefix="sigrun_keras_")
        path = os.path.join(tmp, "saved_model")
        try:
            if hasattr(model, "export"):
                model.export(path, verbose=False) if _accepts_verbose(model.export) else model.export(path)
            else:
                import tensorflow as tf

                tf.saved_model.save(model, path)
        except Exception:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls(path, ["serving_default"], _owned_dir=tmp)

    @classmethod
    def from_concrete_functions(cls, funcs, trackable_obj=None):
        """Saves trackable_obj with the functions as signatures ("serving_default" for one function, else each
        function's graph name, as TFLiteConverter does) and converts them. trackable_obj (the tf.Module owning
        the functions' variables) is required: without it TFLiteConverter writes no signatures at all."""
        import tensorflow as tf

        funcs = list(funcs)
        for f in funcs:
            if not isinstance(f, tf.types.experimental.ConcreteFunction):
                message = "This function takes in a list of ConcreteFunction."
                if isinstance(f, tf.types.experimental.PolymorphicFunction):
                    message += " To get the ConcreteFunction from a Function, call get_concrete_function."
                raise ValueError(message)
        if trackable_obj is None:
            raise ValueError(
                "sigrun.Converter.from_concrete_functions needs trackable_obj (the tf.Module owning the functions' "
                "variables); without it there is no SavedModel and no signature to keep")
        if len(funcs) == 1:
            signatures = {"serving_default": funcs[0]}
        else:
            signatures = {f.graph.name: f for f in funcs}
        tmp = tempfile.mkdtemp(prefix="sigrun_functions_")
        path = os.path.join(tmp, "saved_model")
        try:
            tf.saved_model.save(trackable_obj, path, signatures=signatures)
        except Exception:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return cls(path, list(signatures), _owned_dir=tmp)

    # ---- conversion ----

    def _weights(self):
        if self.representative_dataset is not None:
            raise NotImplementedError(
                "full-integer quantization (representative_dataset) is not implemented by sigrun.Converter; "
                "it supports float32, float16 and dynamic-range int8 weights")
        for attr in ("inference_input_type", "inference_output_type"):
            value = getattr(self, attr)
            if value is not None and _name_of(value) != "float32":
                raise NotImplementedError(f"{attr}={_name_of(value)}: only float32 inputs and outputs are supported")
        ops = self.target_spec.supported_ops
        if ops:
            names = {_name_of(o) for o in ops}
            if names - {"TFLITE_BUILTINS"}:
                raise NotImplementedError(
                    f"target_spec.supported_ops {sorted(names)}: sigrun.Converter writes TFLITE_BUILTINS only "
                    "(no TF Select / Flex ops, no int8-only ops)")
        optimize = {_name_of(o) for o in (self.optimizations or [])}
        unknown = optimize - set(_OPTIMIZE_NAMES)
        if unknown:
            raise NotImplementedError(f"optimizations {sorted(unknown)} are not supported")
        types = [_name_of(t) for t in (self.target_spec.supported_types or [])]
        if any(t not in ("float16", "float32") for t in types):
            raise NotImplementedError(
                f"target_spec.supported_types {types}: only float16 (with Optimize.DEFAULT) is supported")
        if not optimize:
            return _lib.CONVERT_FLOAT32
        if "float16" in types:
            return _lib.CONVERT_FLOAT16
        return _lib.CONVERT_DYNAMIC_RANGE

    def convert(self):
        """The .tflite model as bytes. Raises ValueError for an unknown signature key, RuntimeError for ops
        that have no LiteRT builtin lowering (the message lists every one), OSError for unreadable files."""
        if not _lib.HAS_CONVERTER:
            raise ImportError("this build of sigrun's native library has no converter (src/convert)")
        options = _lib.ConvertOptions()
        _lib.lib.sigrun_convert_options_init(ctypes.byref(options))
        options.weights = self._weights()
        keys = None
        if self._signature_keys:
            keys = (ctypes.c_char_p * len(self._signature_keys))(*[_lib.encode(k) for k in self._signature_keys])
            options.signature_keys = keys
            options.n_signature_keys = len(self._signature_keys)
        details = ctypes.c_void_p()
        options.error_details = ctypes.pointer(details)
        data = ctypes.c_void_p()
        size = ctypes.c_size_t()
        error = _lib.Error()
        status = _lib.lib.sigrun_convert_saved_model(
            _lib.encode(self._saved_model_dir), ctypes.byref(options), ctypes.byref(data), ctypes.byref(size),
            ctypes.byref(error))
        try:
            if status != _lib.STATUS_OK:
                text = _lib.decode(ctypes.string_at(details.value)) if details.value else error.text()
                if status == _lib.STATUS_NOT_FOUND:
                    exc = ValueError(text)
                elif status == _lib.STATUS_IO:
                    exc = OSError(text)
                elif status == _lib.STATUS_NO_MEMORY:
                    exc = MemoryError(text)
                else:
                    exc = RuntimeError(text)
                exc.status = status
                raise exc
            return ctypes.string_at(data.value, size.value)
        finally:
            _lib.lib.sigrun_convert_free(data)
            _lib.lib.sigrun_convert_free(details)


def _accepts_verbose(fn):
    import inspect

    try:
        return "verbose" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
