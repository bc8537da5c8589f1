"""sigrun: run LiteRT (TensorFlow Lite) models by signature with the sigrun C runtime.

`sigrun.Interpreter` mirrors `ai_edge_litert.interpreter.Interpreter` (same constructor, methods, return
formats and error messages), so code written for LiteRT's Python API runs unchanged:

    import sigrun
    interpreter = sigrun.Interpreter(model_path="model.tflite")
    runner = interpreter.get_signature_runner("serving_default")
    outputs = runner(x=numpy_array)

`sigrun.Converter` mirrors `tf.lite.TFLiteConverter` (from_saved_model, from_keras_model,
from_concrete_functions, optimizations, target_spec.supported_types, convert) over sigrun's C converter,
which reads SavedModels without TensorFlow.
"""
from . import _lib
from .converter import Converter
from .interpreter import Interpreter, OpResolverType, SignatureRunner

__version__ = _lib.decode(_lib.lib.sigrun_version())

__all__ = ["Converter", "Interpreter", "OpResolverType", "SignatureRunner", "__version__"]
